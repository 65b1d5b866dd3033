import { describe, expect, it, vi } from 'vitest';
import { Multicast } from './multicast';

describe('Multicast', () => {
  it('delivers every call to every subscriber in order, survives a throwing one, and unsubscribes', () => {
    const m = new Multicast<[number]>('test');
    const seen: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const offA = m.subscribe((n) => seen.push(`a${n}`));
    m.subscribe(() => {
      throw new Error('broken');
    });
    const b = (n: number) => seen.push(`b${n}`);
    const offB1 = m.subscribe(b);
    m.subscribe(b);
    m.emit(1);
    expect(seen).toEqual(['a1', 'b1', 'b1']);
    expect(errors).toHaveBeenCalledOnce();
    offA();
    offB1();
    m.emit(2);
    expect(seen.slice(3)).toEqual(['b2']);
    expect(m.size).toBe(2);
  });
});
