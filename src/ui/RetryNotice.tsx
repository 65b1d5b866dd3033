import { useEffect, useState } from 'react';
import type { LoadRetry } from '../state/model-slice';

/** "Retrying in 2 s (attempt 2 of 3)", counting down once a second. */
export function RetryNotice({ retry }: { retry: LoadRetry }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((retry.at - now) / 1000));
  return (
    <p className="load-retry" role="status">
      {retry.error.name}: {retry.error.message} Retrying in {seconds} s (attempt {retry.attempt} of {retry.of})
    </p>
  );
}
