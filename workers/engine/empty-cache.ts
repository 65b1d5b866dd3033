import { DynamicCache, Tensor, type PreTrainedModel } from '@huggingface/transformers';

interface InputMeta {
  name: string;
  type?: string;
  shape?: readonly (number | string)[];
}

type CacheDtype = 'float32' | 'float16';

/**
 * Newer onnxruntime-genai builds declare the KV head size as a symbol rather than a
 * number. transformers.js resolves every symbol but `batch_size` to 0, so its empty
 * cache is [1, kv_heads, 0, 0] and GroupQueryAttention rejects it ("dimension 3 should
 * match the packed KV head dimension, got 0"). When a cache input's last axis is
 * symbolic, this builds the empty cache with head_dim from config.json; otherwise it
 * returns null and transformers.js builds its own as usual.
 */
export function emptyCacheForSymbolicHeadDim(model: PreTrainedModel): DynamicCache | null {
  const sessions = (model as unknown as { sessions?: Record<string, { inputMetadata?: readonly InputMeta[] }> })
    .sessions;
  const session = sessions?.['model'] ?? sessions?.['decoder_model_merged'];
  const inputs = (session?.inputMetadata ?? []).filter((m) => m.name.startsWith('past_key_values.'));
  if (!inputs.some((m) => typeof m.shape?.at(-1) === 'string')) return null;
  const config = model.config as unknown as { head_dim?: number; hidden_size?: number; num_attention_heads?: number };
  const headDim = config.head_dim ?? (config.hidden_size ?? 0) / (config.num_attention_heads ?? 1);
  if (!Number.isInteger(headDim) || headDim <= 0) return null;
  const entries: Record<string, Tensor> = {};
  for (const meta of inputs) {
    const shape = meta.shape ?? [];
    // [batch_size, kv_heads, past_sequence_length, head_dim]: batch 1, nothing cached yet.
    const dims = shape.map((d, axis) =>
      axis === shape.length - 1 ? headDim : axis === 0 ? 1 : typeof d === 'number' ? d : 0,
    );
    const dtype: CacheDtype = meta.type === 'float16' ? 'float16' : 'float32';
    entries[meta.name] = new Tensor(dtype, dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }
  return new DynamicCache(entries);
}
