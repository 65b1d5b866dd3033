import { describe, expect, it } from 'vitest';
import { COLD_TOP_TIER_MS, coldCompileUntil } from './cold-compile';

const entry = (name: string, transferSize: number, responseEnd = 1200) => ({ name, transferSize, responseEnd });

describe('coldCompileUntil', () => {
  it("is the window after ORT's wasm arrived over the network", () => {
    const entries = [
      entry('http://localhost/models/demo/onnx/model.onnx', 4_225_782),
      entry('http://localhost/assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm', 26_900_000, 900),
    ];
    expect(coldCompileUntil(entries)).toBe(900 + COLD_TOP_TIER_MS);
  });

  it('is null when the wasm came from the HTTP cache (its code cache too), or was never fetched', () => {
    expect(coldCompileUntil([entry('http://localhost/assets/ort-wasm-simd-threaded.jsep-x.wasm', 0)])).toBeNull();
    expect(coldCompileUntil([entry('http://localhost/models/demo/onnx/model.onnx', 100)])).toBeNull();
    expect(coldCompileUntil([])).toBeNull();
  });
});
