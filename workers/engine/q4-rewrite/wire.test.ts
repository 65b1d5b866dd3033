import { describe, expect, it } from 'vitest';
import { fieldsOf, MessageWriter, readVarint, text, varints, WIRE_LEN, WIRE_VARINT, WireError } from './wire';

describe('protobuf wire format', () => {
  it('round-trips varints, negative int64s included (ten bytes, two’s complement)', () => {
    for (const value of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 5, -1, -2, -300]) {
      const bytes = new MessageWriter().int(1, value).finish();
      const [field] = [...fieldsOf(bytes)];
      expect(field?.value, String(value)).toBe(value);
      if (value < 0) expect(bytes.byteLength).toBe(11); // tag + ten bytes
    }
    expect(readVarint(Uint8Array.of(0xac, 0x02), 0)).toEqual([300, 2]);
  });

  it('walks fields in order, nested messages as views into the same buffer', () => {
    const inner = new MessageWriter().string(1, 'MatMulNBits').int(2, 7);
    const bytes = new MessageWriter()
      .string(4, 'node')
      .message(5, inner)
      .bytes(9, Uint8Array.of(1, 2, 3))
      .finish();
    const fields = [...fieldsOf(bytes)];
    expect(fields.map((f) => [f.no, f.wire])).toEqual([
      [4, WIRE_LEN],
      [5, WIRE_LEN],
      [9, WIRE_LEN],
    ]);
    expect(text(bytes, fields[0]!)).toBe('node');
    const nested = [...fieldsOf(bytes, fields[1]!.value, fields[1]!.end)];
    expect(text(bytes, nested[0]!)).toBe('MatMulNBits');
    expect([nested[1]?.wire, nested[1]?.value]).toEqual([WIRE_VARINT, 7]);
    // Untouched spans copy byte for byte.
    const copy = new MessageWriter();
    for (const f of fields) copy.raw(bytes.subarray(f.start, f.end));
    expect(copy.finish()).toEqual(bytes);
  });

  it('reads packed and unpacked repeated varints alike', () => {
    const packed = new MessageWriter().bytes(1, Uint8Array.of(3, 0xac, 0x02, 5)).finish();
    expect(varints(packed, [...fieldsOf(packed)][0]!)).toEqual([3, 300, 5]);
    const unpacked = new MessageWriter().int(1, 3).int(1, 300).finish();
    expect([...fieldsOf(unpacked)].flatMap((f) => varints(unpacked, f))).toEqual([3, 300]);
  });

  it('names a truncated message instead of reading past it', () => {
    const bytes = new MessageWriter().bytes(1, Uint8Array.of(1, 2, 3, 4)).finish();
    expect(() => [...fieldsOf(bytes.subarray(0, 4))]).toThrow(WireError);
    expect(() => readVarint(Uint8Array.of(0x80, 0x80), 0)).toThrow(/runs past the end/);
  });
});
