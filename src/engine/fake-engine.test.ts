import { describe, expect, it } from 'vitest';
import { ENGINE_BEHAVIOURS, runEngineBehaviour } from './engine-behaviour';
import { FakeEngine } from './fake-engine';

/** The same behaviour suite the real engine runs in the browser (e2e/engine-behaviour.spec.ts). */
describe('FakeEngine follows the engine contract', () => {
  const missingSpec = { source: { kind: 'url' as const, url: '/models/nope/' } };
  const engine = new FakeEngine({
    tokenIntervalMs: 2,
    loadStepMs: 5,
    missing: (s) => s.source.kind === 'url' && s.source.url === missingSpec.source.url,
  });
  const spec = { source: { kind: 'url' as const, url: '/models/demo/' } };
  for (const behaviour of ENGINE_BEHAVIOURS) {
    it(behaviour.name, async () => {
      const [result] = await runEngineBehaviour({ engine, spec, missingSpec }, [behaviour.name]);
      expect(result).toEqual({ name: behaviour.name, ok: true });
    });
  }
});
