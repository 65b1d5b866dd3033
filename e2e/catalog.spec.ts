import { expect, test } from '@playwright/test';
import { chooseDtype } from '../common/dtype-policy';
import { DTYPE_SUFFIX, dtypesIn, weightBytesIn } from '../workers/engine/backend';
import { CATALOG, catalogDtypes, catalogSpec } from '../src/catalog';
import { load, loadError, openHarness } from './support/engine-harness';
import { HUB_ORIGIN } from './support/ports';

/**
 * User story: someone picks a catalog model and clicks Load with the default precision. Against
 * each model's replica repo (the real file names, served by the mock Hub with its tree listing),
 * the engine's `auto` requests exactly what a real user's browser would: the tree, the config and
 * tokenizer files, and the one weight file (plus its external data) that the dtype policy picks —
 * never a q4 file on WASM while a faster one fits, never a file the repo lacks.
 */

const METADATA = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const onWebGpu = () => test.info().project.name === 'webgpu';

interface TreeEntry {
  type: string;
  path: string;
  size: number;
  lfs?: { size: number };
}

async function tree(repo: string): Promise<TreeEntry[]> {
  const response = await fetch(`${HUB_ORIGIN}/api/models/${repo}/tree/main?recursive=true`);
  return (await response.json()) as TreeEntry[];
}

async function requestedFiles(repo: string): Promise<Set<string>> {
  const response = await fetch(`${HUB_ORIGIN}/__requests?repo=${encodeURIComponent(repo)}`);
  const { paths } = (await response.json()) as { paths: string[] };
  // The mock Hub records file requests by path (a Range probe as `path (bytes=…)`) and the tree by its API path.
  return new Set(paths.map((p) => (p.startsWith('/api/') ? 'tree' : p.replace(/ \(.*\)$/, ''))));
}

test.beforeEach(async ({ page }) => {
  await fetch(`${HUB_ORIGIN}/__control`, { method: 'DELETE' });
  await openHarness(page);
});

for (const model of CATALOG.filter((m) => m.hubId)) {
  const repo = model.hubId!;
  test(`${model.name}: auto on WASM requests exactly the files a user's browser would`, async ({ page }) => {
    test.skip(onWebGpu(), 'the WASM policy');
    const listing = await tree(repo);
    await fetch(`${HUB_ORIGIN}/__control`, { method: 'DELETE' }); // forget the spec's own tree request
    const files = listing.filter((e) => e.type === 'file');
    // The catalog offers only what the repo ships.
    expect(new Set(catalogDtypes(model))).toEqual(new Set(dtypesIn(files.map((f) => f.path))));

    const sizes = weightBytesIn(files.map((f) => [f.path, f.lfs?.size ?? f.size] as const));
    const expected = chooseDtype(catalogDtypes(model), { backend: 'wasm', shaderF16: false }, sizes);
    expect(expected.ok).toBe(true);
    if (!expected.ok) return;
    expect(['q4', 'q4f16', 'bnb4']).not.toContain(expected.dtype);

    const info = await load(page, catalogSpec(model, 'auto', { backend: 'wasm', hubHost: HUB_ORIGIN }));
    expect(info.dtype).toBe(expected.dtype);
    expect(info.dtypeReason).toContain(expected.dtype);

    const onnx = `onnx/model${DTYPE_SUFFIX[expected.dtype]}.onnx`;
    const weights = files.map((f) => f.path).filter((p) => p === onnx || p.startsWith(`${onnx}_data`));
    const present = new Set(files.map((f) => f.path));
    const wanted = new Set(['tree', ...METADATA.filter((f) => present.has(f)), ...weights]);
    expect(await requestedFiles(repo)).toEqual(wanted);
  });
}

test('q4f16 on a GPU without shader-f16 is refused before any download @webgpu', async ({ page }) => {
  test.skip(!onWebGpu(), 'needs a WebGPU adapter (SwiftShader has no shader-f16)');
  const model = CATALOG.find((m) => m.key === 'smollm2-135m')!;
  const hubHost = HUB_ORIGIN;
  const error = await loadError(page, catalogSpec(model, 'q4f16', { backend: 'webgpu', hubHost }));
  expect(error.name).toBe('UnsupportedDtype');
  expect(error.message).toContain('shader-f16');
  const requested = [...(await requestedFiles(model.hubId!))];
  expect(requested.filter((p) => p.startsWith('onnx/'))).toEqual([]);

  // Auto on the same GPU takes the q4 file, which runs without f16 shaders.
  await fetch(`${HUB_ORIGIN}/__control`, { method: 'DELETE' });
  const info = await load(page, catalogSpec(model, 'auto', { backend: 'webgpu', hubHost }));
  expect(info.backend).toBe('webgpu');
  expect(info.dtype).toBe('q4');
  expect([...(await requestedFiles(model.hubId!))].filter((p) => p.startsWith('onnx/'))).toEqual([
    'onnx/model_q4.onnx',
  ]);
});
