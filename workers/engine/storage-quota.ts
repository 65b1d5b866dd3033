import type { Dtype } from '../protocol';
import { DTYPE_SUFFIX } from './backend';
import { formatBytes } from '../../common/format-bytes';
import { EngineError } from './errors';
import * as modelCache from './model-cache';
import type { ResolvedSource } from './model-source';

const CONFIG_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** The files a load of `dtype` reads, with sizes where the file list gives them. */
function filesFor(resolved: ResolvedSource, dtype: Dtype): Map<string, number> {
  const onnx = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
  const sizes = new Map<string, number>();
  const tree = resolved.files.tree;
  if (!tree) return sizes;
  for (const [path, file] of tree) {
    if (CONFIG_FILES.includes(path) || path === onnx || path.startsWith(`${onnx}_data`)) sizes.set(path, file.size);
  }
  return sizes;
}

/**
 * Refuses a download that cannot finish: compares what is still to fetch with
 * the free quota before the first byte. Returns the expected file sizes, which
 * give the progress bar its total from the start.
 */
export async function checkQuota(
  resolved: ResolvedSource,
  dtype: Dtype,
  catalogBytes?: number,
): Promise<Map<string, number>> {
  const sizes = filesFor(resolved, dtype);
  if (!resolved.files.cacheable) return sizes;
  let needed = 0;
  for (const [path, size] of sizes) {
    if (!(await modelCache.hasEntry(resolved.files.baseUrl + path))) needed += size;
  }
  if (sizes.size === 0 && catalogBytes) needed = catalogBytes;
  if (needed === 0 || !navigator.storage?.estimate) return sizes;
  const { usage = 0, quota } = await navigator.storage.estimate();
  if (quota === undefined) return sizes;
  const free = Math.max(0, quota - usage);
  if (needed > free) {
    throw new EngineError(
      'InsufficientStorage',
      `${resolved.displayId} needs ${formatBytes(needed)} of storage but only ${formatBytes(free)} is free ` +
        `(${formatBytes(usage)} used of a ${formatBytes(quota)} quota). Delete cached models in the model manager, or pick a smaller model.`,
    );
  }
  return sizes;
}
