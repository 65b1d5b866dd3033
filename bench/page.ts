/**
 * npm run bench:page [-- --quick] [-- --only warmup|responsiveness]
 *
 * What the page costs the engine it shows (issue 12), in the real app build: a traced 1,000-token
 * stream (main-thread ms per frame by stage), pipeline efficiency (UI vs bare reader) for the demo
 * model and the 135M-shaped replica, threads with a live UI, answers 1–5 after a cold load and on a
 * second visit, main-thread ms per token at token 100 and 2,000, and memory over 20 generations and
 * 10 model switches. Writes bench/results/page-latest.json and page-latest.md; an `--only` run (one
 * section, for a quick look) writes page-only.json and page-only.md instead, so the latest full
 * report stays whole.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ModelSpec } from '../workers/protocol';
import { launch } from './browser';
import { machineInfo } from './machine';
import { runEfficiency, runUiProfile, runWarmup } from './measures/page-cost';
import { runSwitchMemory } from './measures/switch-memory';
import { runResponsiveness } from './measures/responsiveness';
import { benchModels, MODELS_DIR } from './models';
import { renderPageReport, type PageResults } from './page-report';
import { startServer } from './server';

const APP_DIR = process.env.TW_DIST ?? 'dist-bench';
const PORT = Number(process.env.TW_PORT_BASE ?? 5400) + 7;
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = values.quick ?? false;
const only = values.only ?? null;
if (only !== null && only !== 'warmup' && only !== 'responsiveness')
  throw new Error(`--only takes warmup or responsiveness, not "${only}"`);
const started = Date.now();
const log = (line: string) =>
  console.log(`[bench:page ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

if (!existsSync(`${APP_DIR}/index.html`) || process.env.TW_REBUILD) {
  log(`building the app into ${APP_DIR}`);
  execSync(`npm run models && npx vite build --outDir ${APP_DIR}`, { stdio: 'inherit' });
}
benchModels(true, APP_DIR, log);
const server = await startServer(PORT, APP_DIR, MODELS_DIR);
const browser = await launch('wasm');
const demo: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'auto' };
const replica: ModelSpec = { source: { kind: 'url', url: '/bench-models/smollm2-135m/' }, dtype: 'fp32' };
const pairs = quick ? 2 : 3;
try {
  const machine = machineInfo(browser);
  const results: Partial<PageResults> & Pick<PageResults, 'startedAt' | 'mode'> & { machine: typeof machine } = {
    startedAt: new Date(started).toISOString(),
    mode: `${quick ? 'quick' : 'full'}${only ? `, only ${only}` : ''}`,
    machine,
  };
  if (!only) {
    results.profile = await runUiProfile(browser, server.origin, 1000);
    log(`profile: ${results.profile.frames} frames, ${JSON.stringify(results.profile.perFrameMs)}`);
    results.efficiency = [
      await runEfficiency(browser, server.origin, 'demo fp32', demo, 1000, pairs, log),
      await runEfficiency(browser, server.origin, 'smollm2-135m fp32', replica, quick ? 48 : 96, pairs, log),
    ];
    results.threads = [];
    for (const n of [1, 2]) {
      const spec = { ...demo, threads: n };
      results.threads.push(
        await runEfficiency(browser, server.origin, `demo fp32, ${n} thread(s)`, spec, 1000, 1, log),
      );
    }
  }
  // Six rounds: one answer of 128 tokens is ~0.13 s, which one hiccup on a shared machine moves by 20%.
  if (!only || only === 'warmup') results.warmup = await runWarmup(server.origin, demo, 128, quick ? 2 : 6, log);
  if (!only || only === 'responsiveness') {
    results.responsiveness = [];
    for (let i = 0; i < (quick ? 2 : 5); i++)
      results.responsiveness.push(await runResponsiveness(browser, server.origin, 2000, log));
  }
  if (!only) results.memory = await runSwitchMemory(server.origin, quick ? 64 : 128, log);
  const name = only ? 'page-only' : 'page-latest';
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`bench/results/${name}.md`, renderPageReport(results));
  log(`wrote bench/results/${name}.json and ${name}.md`);
} finally {
  await browser.close();
  await server.close();
}
