import { expect, test } from '@playwright/test';
import type { BehaviourResult, BehaviourSubject } from '../src/engine/engine-behaviour';
import { ENGINE_BEHAVIOURS } from '../src/engine/engine-behaviour';
import type { ModelSpec } from '../workers/protocol';
import { DEMO, openHarness } from './support/engine-harness';

/**
 * User story: a developer who tests against FakeEngine can trust it. The behaviour suite that
 * FakeEngine passes in Vitest (src/engine/fake-engine.test.ts) runs here against the real worker
 * engine on the bundled model, so the fake and the real engine share one contract.
 */
type HarnessWindow = Window & {
  __typewriter: {
    engine: BehaviourSubject['engine'];
    runEngineBehaviour(subject: BehaviourSubject, only?: readonly string[]): Promise<BehaviourResult[]>;
  };
};

test('the real engine passes the shared engine behaviour suite', async ({ page }) => {
  await openHarness(page);
  const results = await page.evaluate(async (spec) => {
    const tw = (window as unknown as HarnessWindow).__typewriter;
    const missingSpec: ModelSpec = { source: { kind: 'url', url: '/models/no-such-model/' } };
    return tw.runEngineBehaviour({ engine: tw.engine, spec: spec as ModelSpec, missingSpec });
  }, DEMO);
  expect(results.map((r) => r.name)).toEqual(ENGINE_BEHAVIOURS.map((b) => b.name));
  expect(results.filter((r) => !r.ok)).toEqual([]);
});
