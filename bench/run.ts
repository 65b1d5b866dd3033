/**
 * npm run bench [-- --quick] [-- --only kv|grammar|dtypes|memory]
 *
 * Builds the app into dist-bench if missing, generates the SmolLM2-shaped replicas into
 * bench/models if missing, serves both from one cross-origin-isolated origin
 * (port TW_PORT_BASE, default 5400) and measures load, speed, the transformers.js peer,
 * the WASM roofline, the real UI's pipeline efficiency and responsiveness, and memory.
 * Writes bench/results/<timestamp>.json, latest.md and latest.svg.
 */
import type { Browser } from '@playwright/test';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { launch } from './browser';
import { renderChart } from './chart';
import { machineInfo } from './machine';
import { runBackend, type BackendConfig, type SpeedMeasure } from './measures/backend-runs';
import { runGrammar, type GrammarMeasure } from './measures/grammar';
import { runKvCache, type KvCacheMeasure } from './measures/kv-cache';
import { runDtypes, type DtypeForm, type DtypeMeasure } from './measures/dtypes';
import { runSwitchMemory } from './measures/switch-memory';
import { runPipeline } from './measures/pipeline';
import { runResponsiveness } from './measures/responsiveness';
import { benchModels, ensureReplica, grammarModels, MODELS_DIR } from './models';
import { renderMarkdown, type BenchResults } from './report';
import { renderDtypes, writeDtypeTableIntoReadme } from './report-dtypes';
import { startServer } from './server';
import { DRAFT_TOKENS } from '../workers/engine/speculation';

const APP_DIR = process.env.TW_DIST ?? 'dist-bench';
const PORT = Number(process.env.TW_PORT_BASE ?? 5400);
const RESULTS_DIR = 'bench/results';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = values.quick ?? false;
/**
 * `--only kv`: just the KV-cache measures (prefix reuse by turn, speculation), for a short run.
 * `--only grammar`: the constrained-decoding mask cost.
 * `--only memory`: memory over 20 generations and 10 model switches (section 7).
 * `--only dtypes`: just the dtype table (every form of the 135M-shaped replica on WASM 1/N threads, the
 * tiny replica on WebGPU), into bench/results/dtypes-latest.md and the README.
 */
const only = values.only ?? null;
const started = Date.now();
const log = (line: string) =>
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

if (!existsSync(`${APP_DIR}/index.html`) || !existsSync(`${APP_DIR}/models/demo/onnx/model.onnx`)) {
  log(`building the app into ${APP_DIR}`);
  execSync(`npm run models && npx vite build --outDir ${APP_DIR}`, { stdio: 'inherit' });
}
const models = only === 'dtypes' || only === 'grammar' || only === 'memory' ? [] : benchModels(quick, APP_DIR, log);
const maskModels = only === null || only === 'grammar' ? grammarModels(quick, log) : [];
// The real repo (SmolLM2-135M-Instruct) is GenAI-form without q8; the Optimum-form replica has all four WASM forms.
const WASM_FORMS: DtypeForm[] = [
  ...(['fp32', 'fp16', 'q8', 'q4'] as const).map((dtype) => ({ replica: 'smollm2-135m-optimum', dtype })),
  // The q4 file as shipped and unpacked to fp16, beside the default (auto: unpacked to fp32 where it fits).
  ...(['off', 'fp16'] as const).map((q4Rewrite) => ({
    replica: 'smollm2-135m-optimum',
    dtype: 'q4' as const,
    q4Rewrite,
  })),
  ...(quick ? [] : (['fp32', 'q4'] as const).map((dtype) => ({ replica: 'smollm2-135m-genai', dtype }))),
];
const GPU_FORMS: DtypeForm[] = (['fp32', 'fp16', 'q4', 'q4f16'] as const).map((dtype) => ({
  replica: 'smollm2-135m-instruct-tiny',
  dtype,
}));
const runsDtypes = only === null || only === 'dtypes';
if (runsDtypes)
  for (const replica of new Set([...WASM_FORMS, ...GPU_FORMS].map((f) => f.replica))) ensureReplica(replica, log);
const server = await startServer(PORT, APP_DIR, MODELS_DIR);
log(`serving ${APP_DIR} and ${MODELS_DIR} at ${server.origin}`);

const threadsN = Math.max(2, Math.min(4, cpus().length));
const notes = [
  `WASM N threads = ${threadsN} (this machine has ${cpus().length} cores); every page is cross-origin isolated, 1 thread is set through ModelSpec.threads.`,
  'WebGPU runs on SwiftShader (CPU) here: only the bundled model runs there, replicas would take minutes per token.',
  'SmolLM2-360M fp32 is not run: 1.45 GB of weights needs ~4x that during session creation, past wasm32’s 4 GB.',
  'The load of the first model in a page also starts the ORT runtime (26.9 MB wasm); the cold load of the demo includes it.',
];
if (!quick && !models.some((m) => m.name === 'smollm2-360m'))
  notes.push('SmolLM2-360M q8 skipped: not enough free memory.');

/** Ends a `--only grammar` or `--only memory` run after the WASM measures. */
class Done extends Error {}

const results: BenchResults = {
  startedAt: new Date(started).toISOString(),
  mode: quick ? 'quick' : 'full',
  durationS: 0,
  machine: { os: '', cpuModel: '', cpus: 0, memoryBytes: 0, node: '', browser: '', gitCommit: '', gitDirty: false },
  notes,
  speed: [],
  pipeline: null,
  responsiveness: null,
  memory: null,
  kvCache: [],
  grammar: [],
};
const dtypes: DtypeMeasure[] = [];
const dtypeOptions = { tokens: quick ? 16 : 48, rounds: quick ? 3 : 5 };

const tokensFor = (m: { name: string }) => (m.name === 'demo' ? (quick ? 256 : 512) : quick ? 32 : 96);
let wasmBrowser: Browser | null = null;
let gpuBrowser: Browser | null = null;
try {
  wasmBrowser = await launch('wasm');
  results.machine = machineInfo(wasmBrowser);
  const configs: BackendConfig[] = [
    { name: 'wasm-1t', backend: 'wasm', threads: 1, browser: wasmBrowser },
    { name: `wasm-${threadsN}t`, backend: 'wasm', threads: threadsN, browser: wasmBrowser },
  ];
  const speed: SpeedMeasure[] = [];
  const kv: KvCacheMeasure[] = [];
  const kvOptions = { quick, draftTokens: DRAFT_TOKENS };
  const grammar: GrammarMeasure[] = [];
  for (const m of maskModels)
    grammar.push(await runGrammar(wasmBrowser, server, m, { runs: quick ? 5 : 9, tokens: quick ? 48 : 96 }, log));
  results.grammar = grammar;
  if (runsDtypes) {
    for (const config of configs)
      dtypes.push(...(await runDtypes(wasmBrowser, config, WASM_FORMS, server, dtypeOptions, log)));
  }
  if (only === null) {
    for (const config of configs)
      speed.push(...(await runBackend(config, models, server, tokensFor, quick ? 3 : 5, log)));
    results.pipeline = await runPipeline(wasmBrowser, server, quick ? 1000 : 2000, quick ? 3 : 5, log);
    results.responsiveness = await runResponsiveness(wasmBrowser, server.origin, 2000, log);
  }
  // The default (one worker) only; bench:page also runs a fresh worker per switch beside it.
  if (only === null || only === 'memory')
    results.memory = await runSwitchMemory(server.origin, quick ? 32 : 64, log, ['keep-worker']);
  if (only === null || only === 'kv')
    kv.push(
      ...(await runKvCache(
        wasmBrowser,
        { name: 'wasm-1t', backend: 'wasm', threads: 1 },
        models,
        server,
        kvOptions,
        log,
      )),
    );
  await wasmBrowser.close();
  wasmBrowser = null;

  if (only === 'grammar' || only === 'memory') throw new Done();
  gpuBrowser = await launch('webgpu');
  const gpu: BackendConfig = { name: 'webgpu', backend: 'webgpu', browser: gpuBrowser };
  if (runsDtypes)
    dtypes.push(...(await runDtypes(gpuBrowser, gpu, GPU_FORMS, server, { ...dtypeOptions, tokens: 8 }, log)));
  if (only === null)
    speed.push(...(await runBackend(gpu, models, server, () => (quick ? 24 : 64), quick ? 2 : 3, log)));
  if (only === null || only === 'kv')
    kv.push(...(await runKvCache(gpuBrowser, { name: 'webgpu', backend: 'webgpu' }, models, server, kvOptions, log)));
  results.speed = speed;
  results.kvCache = kv;
} catch (error) {
  if (!(error instanceof Done)) throw error;
} finally {
  await wasmBrowser?.close();
  await gpuBrowser?.close();
  await server.close();
}

results.durationS = (Date.now() - started) / 1000;
mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = results.startedAt.replace(/[:.]/g, '-');
writeFileSync(`${RESULTS_DIR}/${stamp}.json`, `${JSON.stringify(results, null, 2)}\n`);
if (dtypes.length > 0) {
  const table = renderDtypes(dtypes, `#### Latest dtype run (${results.mode}, ${results.startedAt})`);
  writeFileSync(`${RESULTS_DIR}/dtypes-latest.md`, `${table}\n`);
  writeFileSync(`${RESULTS_DIR}/${stamp}-dtypes.json`, `${JSON.stringify(dtypes, null, 2)}\n`);
  log(
    writeDtypeTableIntoReadme(table) ? 'wrote the dtype table into README.md' : 'README.md has no dtype-table markers',
  );
}
if (only === 'dtypes') {
  // The table above is the whole run.
} else if (only === 'kv' || only === 'grammar' || only === 'memory') {
  writeFileSync(`${RESULTS_DIR}/${only}-latest.md`, renderMarkdown(results));
} else {
  writeFileSync(`${RESULTS_DIR}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}/latest.md`, renderMarkdown(results));
  writeFileSync(`${RESULTS_DIR}/latest.svg`, renderChart(results));
}
log(
  `wrote ${RESULTS_DIR}/${stamp}.json, ${only ? `${only}-latest.md` : 'latest.md, latest.svg'} in ${results.durationS.toFixed(0)} s`,
);
