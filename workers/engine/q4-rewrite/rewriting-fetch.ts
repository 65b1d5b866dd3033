import type { Q4RewriteInfo } from '../../protocol';
import type { DenseType } from './dequantize';
import { rewriteMatMulNBits } from './rewrite';

type ModelFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

const isRange = (init?: RequestInit) => new Headers(init?.headers).has('Range');

/**
 * Wraps the validating model fetch: the one ONNX file this load reads is rewritten on its way to
 * transformers.js, after its bytes were checked (and cached) as downloaded, so the cache and its
 * integrity checks only ever see the original file. Every other request passes through.
 */
export function rewritingFetch(
  inner: ModelFetch,
  onnxUrl: string,
  dense: DenseType | 'auto',
  onDone: (info: Q4RewriteInfo) => void,
): ModelFetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (String(input).split('?')[0] !== onnxUrl || isRange(init) || response.status !== 200) return response;
    const original = new Uint8Array(await response.arrayBuffer());
    const started = performance.now();
    let bytes: Uint8Array<ArrayBuffer> = original;
    try {
      const { bytes: rewritten, report } = rewriteMatMulNBits(original, dense);
      if (rewritten) bytes = rewritten;
      onDone({
        dense: report.dense,
        nodes: report.rewritten,
        kept: report.kept.map((k) => `${k.node}: ${k.why}`),
        denseBytes: report.denseBytes,
        packedBytes: report.packedBytes,
        ms: performance.now() - started,
      });
    } catch (error) {
      // A graph the rewrite cannot walk still loads as shipped, only slower; the load result says why.
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      onDone({
        dense: dense === 'auto' ? 'fp32' : dense,
        nodes: 0,
        kept: [`the file: ${why}`],
        denseBytes: 0,
        packedBytes: 0,
        ms: performance.now() - started,
      });
    }
    return new Response(bytes, {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
    });
  };
}
