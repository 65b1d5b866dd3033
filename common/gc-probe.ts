import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Tests only (Node): a full GC on demand, to check what a piece of code keeps reachable. V8 reads
 * `--expose-gc` when a context is created, so a fresh vm context carries `gc`.
 */
export function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** How many of `refs` still point at a live object after two collections (with a turn between). */
export async function survivors(refs: WeakRef<object>[]): Promise<number> {
  const gc = forceGc();
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  return refs.filter((r) => r.deref() !== undefined).length;
}
