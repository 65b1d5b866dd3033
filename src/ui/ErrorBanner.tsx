import { useAppStore } from '../state/hooks';

export function ErrorBanner() {
  const banner = useAppStore((s) => s.errors.banner);
  const dismiss = useAppStore((s) => s.errorDismissed);
  if (!banner) return null;
  return (
    <div className="error-banner" role="alert">
      <p>
        <strong>{banner.name}</strong>: {banner.message}
      </p>
      <div className="error-actions">
        {banner.offer && (
          <button type="button" onClick={() => banner.offer?.run()}>
            {banner.offer.label}
          </button>
        )}
        {banner.retry && (
          <button type="button" onClick={() => banner.retry?.()}>
            Retry
          </button>
        )}
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
