import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { expect, test, type Page } from '@playwright/test';
import type { Dtype, GenerateRequest } from '../workers/protocol';
import { onnx } from '../scripts/models/onnx-builder';
import { REPLICA_SPECS } from '../scripts/models/specs';
import { load, openHarness, run } from './support/engine-harness';
import { HUB_ORIGIN } from './support/ports';
import { hubSpec, MODEL_CACHE, modelCacheUrls } from './support/pwa-helpers';

/**
 * User story: someone loads a real Hub model — SmolLM2, Qwen2.5, Qwen3, Llama 3.2 — in
 * whichever dtype it ships. The replicas (scripts/models, served by the mock Hub under the
 * real repo ids) are in the exporters' exact graph forms: Optimum plain ops with
 * MatMulInteger q8 and MatMulNBits q4, and the GenAI builder's GroupQueryAttention /
 * RotaryEmbedding / SkipSimplifiedLayerNormalization, fp16 KV included; external data in one
 * file and in chunks; the real 150k-vocabulary tokenizers and chat templates.
 * Each case: our engine's greedy ids equal transformers.js generate() on the same model in
 * the same page. Titles tagged @webgpu also run on SwiftShader (no shader-f16, so only the
 * float32-compute forms run there).
 */

const MODELS_DIR = join(import.meta.dirname, '.models');
const SMOL = 'HuggingFaceTB/SmolLM2-135M-Instruct';
const QWEN25 = 'onnx-community/Qwen2.5-0.5B-Instruct';
const QWEN3 = 'onnx-community/Qwen3-0.6B-ONNX';
const LLAMA = 'onnx-community/Llama-3.2-1B-Instruct';
const QWEN3_EOS = 'typewriter-tests/Qwen3-eos';
const QWEN3_SYMBOLIC_KV = 'typewriter-tests/Qwen3-symbolic-kv';

const onWebGpu = () => test.info().project.name === 'webgpu';
const folderOf = (repoId: string) => {
  const spec = REPLICA_SPECS.find((s) => s.hub?.repoId === repoId);
  if (!spec) throw new Error(`no replica for ${repoId}`);
  return join(MODELS_DIR, spec.name);
};

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await openHarness(page);
});

async function greedyMatchesPeer(
  page: Page,
  repoId: string,
  dtype: Dtype,
  maxTokens: number,
  content = 'Name three lighthouses.',
) {
  const info = await load(page, { ...hubSpec(repoId), dtype, backend: onWebGpu() ? 'webgpu' : 'wasm' });
  expect(info.dtype).toBe(dtype);
  expect(info.backend).toBe(onWebGpu() ? 'webgpu' : 'wasm');
  const request: GenerateRequest = { messages: [{ role: 'user', content }], maxTokens, temperature: 0 };
  const ours = await run(page, request);
  const peer = await page.evaluate((r) => window.__typewriter.engine.peerGenerate(r), request);
  expect(ours.error).toBeNull();
  expect(ours.reason).toBe('length');
  expect(ours.ids).toHaveLength(maxTokens);
  expect(ours.ids).toEqual(peer.tokenIds);
  expect(new Set(ours.ids).size).toBeGreaterThan(2);
  return { info, ours };
}

const WASM_CASES: [string, Dtype, string][] = [
  [SMOL, 'fp32', 'GenAI fp32'],
  [SMOL, 'fp16', 'GenAI fp16 (fp16 KV and logits)'],
  [SMOL, 'q4', 'GenAI q4 MatMulNBits'],
  [SMOL, 'q4f16', 'GenAI q4f16'],
  [QWEN25, 'fp32', 'Optimum fp32'],
  [QWEN25, 'fp16', 'Optimum fp16 keep_io_types'],
  [QWEN25, 'q8', 'Optimum q8 MatMulInteger'],
  [QWEN25, 'uint8', 'Optimum uint8 MatMulInteger'],
  [QWEN25, 'q4', 'Optimum q4 MatMulNBits'],
  [QWEN25, 'q4f16', 'Optimum q4f16'],
  [QWEN25, 'bnb4', 'Optimum bnb4 MatMulBnb4'],
  [QWEN3, 'fp32', 'GenAI with q/k norm, external data model.onnx_data'],
  [QWEN3, 'q4f16', 'GenAI with q/k norm q4f16'],
  [LLAMA, 'fp32', 'Optimum, external data model.onnx_data'],
  [LLAMA, 'fp16', 'Optimum, external data in two chunks'],
  [LLAMA, 'q4', 'Optimum q4'],
  [QWEN3_SYMBOLIC_KV, 'q4', 'GenAI with the KV head size as a symbol, as newer builds declare it'],
];

for (const [repo, dtype, form] of WASM_CASES) {
  test(`${repo} ${dtype} (${form}): greedy ids equal transformers.js generate()`, async ({ page }) => {
    test.skip(onWebGpu(), 'WASM case');
    const { info } = await greedyMatchesPeer(page, repo, dtype, 12);
    const external =
      repo === LLAMA && dtype === 'fp16' ? ['onnx/model_fp16.onnx_data', 'onnx/model_fp16.onnx_data_1'] : [];
    for (const file of external) expect(info.files).toContain(file);
  });
}

// A long prompt prefills in chunks (kv-cache.ts: 64 MB of logits a pass, so 110 tokens with Qwen's 151,936-token
// vocabulary and 341 with SmolLM2's 49,152), each after the ones before; transformers.js prefills it in one pass.
for (const [repo, dtype, chunk] of [
  [QWEN25, 'fp32', 110],
  [SMOL, 'fp32', 341],
] as const) {
  test(`${repo} ${dtype}: a prompt prefilled in chunks gives the greedy ids of a one-pass prefill`, async ({
    page,
  }) => {
    test.skip(onWebGpu(), 'WASM case');
    const story = 'The keeper climbed the stairs at dusk and lit the lamp for the ships, one by one. ';
    const { ours } = await greedyMatchesPeer(page, repo, dtype, 12, story.repeat(45));
    expect(ours.start?.promptTokens ?? 0).toBeGreaterThan(2 * chunk);
  });
}

/** MatMulNBits nodes in a replica file, decoded in Node. */
const nbitsNodes = (repo: string, file: string) =>
  (onnx.ModelProto.decode(readFileSync(join(folderOf(repo), file))).graph?.node ?? []).filter(
    (n) => n.opType === 'MatMulNBits',
  ).length;

for (const [repo, form] of [
  [SMOL, 'GenAI'],
  [QWEN25, 'Optimum'],
] as const) {
  test(`${repo} q4 on WASM (${form}): MatMulNBits unpacked at load, the same 64 greedy ids as the file as shipped`, async ({
    page,
  }) => {
    test.skip(onWebGpu(), 'WASM case: WebGPU has a 4-bit kernel and is never rewritten');
    const spec = { ...hubSpec(repo), dtype: 'q4' as const, backend: 'wasm' as const };
    const request: GenerateRequest = { prompt: 'Rewrite this paragraph, please.', maxTokens: 64, temperature: 0 };
    const shipped = await load(page, { ...spec, q4Rewrite: 'off' });
    expect(shipped.q4Rewrite).toBeUndefined();
    expect(shipped.dtypeReason).not.toMatch(/unpacked/);
    const reference = await run(page, request);
    expect(reference.ids).toHaveLength(64);
    expect(new Set(reference.ids).size).toBeGreaterThan(2);

    const file = 'onnx/model_q4.onnx';
    for (const dense of ['fp32', 'fp16'] as const) {
      const info = await load(page, { ...spec, ...(dense === 'fp16' && { q4Rewrite: dense }) });
      // The default (auto) is fp32 when it fits; every MatMulNBits became a MatMul, from the cache, nothing downloaded.
      expect(info.q4Rewrite).toMatchObject({ dense, nodes: nbitsNodes(repo, file), kept: [] });
      expect(info.q4Rewrite?.denseBytes).toBeGreaterThan(info.q4Rewrite?.packedBytes ?? Infinity);
      expect(info.dtypeReason).toContain(`4-bit weights unpacked to ${dense} at load`);
      expect(info.fromCache).toBe(true);
      const ours = await run(page, request);
      expect(ours.error).toBeNull();
      expect(ours.ids).toEqual(reference.ids);
    }

    // The cache keeps the file exactly as downloaded: its bytes are the replica's.
    const url = (await modelCacheUrls(page)).find((u) => u.includes(repo) && u.endsWith(file));
    expect(url).toBeTruthy();
    const cachedSha = await page.evaluate(
      async ({ name, key }) => {
        const hit = await (await caches.open(name)).match(key);
        const digest = await crypto.subtle.digest('SHA-256', await hit!.arrayBuffer());
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      },
      { name: MODEL_CACHE, key: url! },
    );
    expect(cachedSha).toBe(
      createHash('sha256')
        .update(readFileSync(join(folderOf(repo), file)))
        .digest('hex'),
    );
  });
}

const WEBGPU_CASES: [string, Dtype][] = [
  [SMOL, 'q4'],
  [QWEN25, 'fp32'],
];
for (const [repo, dtype] of WEBGPU_CASES) {
  test(`${repo} ${dtype} on WebGPU: greedy ids equal transformers.js generate() @webgpu`, async ({ page }) => {
    test.skip(!onWebGpu(), 'WebGPU case');
    const { info } = await greedyMatchesPeer(page, repo, dtype, 6);
    expect(info.q4Rewrite).toBeUndefined();
  });
}

test("the mock Hub lists the real repos' file names, generated or not", async () => {
  test.skip(onWebGpu(), 'no browser involved');
  const paths = async (repo: string) => {
    const response = await fetch(`${HUB_ORIGIN}/api/models/${repo}/tree/main?recursive=true`);
    return ((await response.json()) as { path: string }[]).map((e) => e.path).filter((p) => p.startsWith('onnx/'));
  };
  expect(await paths(SMOL)).toEqual([
    'onnx/model.onnx',
    'onnx/model_fp16.onnx',
    'onnx/model_q4.onnx',
    'onnx/model_q4f16.onnx',
  ]);
  expect(await paths(QWEN25)).toEqual(
    ['', '_bnb4', '_fp16', '_int8', '_q4', '_q4f16', '_quantized', '_uint8'].map((s) => `onnx/model${s}.onnx`),
  );
  expect(await paths(LLAMA)).toContain('onnx/model_fp16.onnx_data_1');
  expect(await paths(QWEN3)).toContain('onnx/model.onnx_data');
  // Every listed file is served (the q8 family included: auto on WASM downloads it); a file the repo lacks is a 404.
  expect(await paths(QWEN3)).toContain('onnx/model_int8.onnx');
  const listed = await fetch(`${HUB_ORIGIN}/${QWEN3}/resolve/main/onnx/model_int8.onnx`, { method: 'HEAD' });
  expect(listed.status).toBe(200);
  expect(await paths(QWEN3)).not.toContain('onnx/model_bnb4.onnx');
  const absent = await fetch(`${HUB_ORIGIN}/${QWEN3}/resolve/main/onnx/model_bnb4.onnx`, { method: 'HEAD' });
  expect(absent.status).toBe(404);
});

/** transformers.js in Node, reading the replica's own tokenizer files. */
async function tokenizerOf(repoId: string) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  return AutoTokenizer.from_pretrained(folderOf(repoId).slice(MODELS_DIR.length + 1));
}

/** The prompt transformers.js renders in Node from the replica's own tokenizer files. */
async function renderedPrompt(repoId: string, messages: { role: string; content: string }[]): Promise<string> {
  const tokenizer = await tokenizerOf(repoId);
  return tokenizer.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false }) as string;
}

test('chat through the real Qwen3 and Llama 3 templates is exactly the prompt transformers.js renders', async ({
  page,
}) => {
  test.skip(onWebGpu(), 'tokenizer behaviour, backend-independent');
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Hi there' },
    { role: 'assistant' as const, content: 'Hello.' },
    { role: 'user' as const, content: 'Count to three' },
  ];
  for (const [repo, marker] of [
    [QWEN3, '<|im_start|>assistant\n'],
    [LLAMA, '<|start_header_id|>assistant<|end_header_id|>\n\n'],
  ] as const) {
    const prompt = await renderedPrompt(repo, messages);
    expect(prompt.endsWith(marker)).toBe(true);
    expect(JSON.parse(readFileSync(join(folderOf(repo), 'tokenizer_config.json'), 'utf8')).chat_template).toBeTruthy();
    await load(page, { ...hubSpec(repo), dtype: 'q4', backend: 'wasm' });
    // A random model is sensitive to every prompt token: same ids out means the same prompt in.
    const viaTemplate = await run(page, { messages, maxTokens: 8, temperature: 0 });
    const viaText = await run(page, { prompt, maxTokens: 8, temperature: 0 });
    expect(viaTemplate.ids).toEqual(viaText.ids);
    expect(viaTemplate.ids).toHaveLength(8);
  }
});

test('EOS and stop sequences work with the 150k vocabulary', async ({ page }) => {
  test.skip(onWebGpu(), 'WASM case');
  await load(page, { ...hubSpec(QWEN3_EOS), dtype: 'q4', backend: 'wasm' });
  const eos = await run(page, { prompt: 'Hi', maxTokens: 200, temperature: 0 });
  expect(eos.reason).toBe('eos');
  // The replica's rule: for a prompt of n tokens, 49 - n ordinary tokens, then <|im_end|> (151645).
  const promptTokens = (await tokenizerOf(QWEN3_EOS)).encode('Hi').length;
  const ordinary = eos.ids.filter((id) => id !== 151645);
  expect(ordinary).toHaveLength(49 - promptTokens);
  expect(ordinary.every((id) => id < 151643)).toBe(true);
  expect(eos.texts.join('')).toBe(eos.doneText);
  expect(eos.doneText).not.toContain('<|im_end|>');

  await load(page, { ...hubSpec(QWEN25), dtype: 'q4', backend: 'wasm' });
  const free = await run(page, { prompt: 'Write something', maxTokens: 30, temperature: 0 });
  expect(free.ids.every((id) => id < 151643)).toBe(true);
  const stop = free.texts.slice(10, 13).join('');
  expect(stop.length).toBeGreaterThan(1);
  const cut = await run(page, { prompt: 'Write something', maxTokens: 30, temperature: 0, stop: [stop] });
  expect(cut.reason).toBe('stop-sequence');
  expect(cut.doneText).toBe(free.doneText?.slice(0, free.doneText.indexOf(stop)));
});
