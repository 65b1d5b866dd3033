import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { tensorBytes, truncateTensors } from './kv-truncate';

describe('truncateTensors (CPU)', () => {
  it('keeps the first positions of every head, in layout [batch, heads, seq, dim]', async () => {
    // 2 heads × 4 positions × 3 dims; value = head*100 + position*10 + dim.
    const data = new Float32Array(2 * 4 * 3).map((_, i) => {
      const head = Math.floor(i / 12);
      const pos = Math.floor((i % 12) / 3);
      return head * 100 + pos * 10 + (i % 3);
    });
    const past = new Tensor('float32', data, [1, 2, 4, 3]);
    const { k } = await truncateTensors({ k: past }, 2);
    expect(k?.dims).toEqual([1, 2, 2, 3]);
    expect(Array.from(k?.data as Float32Array)).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    expect(tensorBytes(k as Tensor)).toBe(12 * 4);
  });

  it('keeps fp16 caches fp16', async () => {
    const past = new Tensor(
      'float16',
      new Uint16Array(1 * 1 * 3 * 2).map((_, i) => i),
      [1, 1, 3, 2],
    );
    const { v } = await truncateTensors({ v: past }, 1);
    expect(v?.type).toBe('float16');
    expect(v?.dims).toEqual([1, 1, 1, 2]);
    expect(tensorBytes(v as Tensor)).toBe(4);
  });
});
