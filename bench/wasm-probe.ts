/**
 * A hand-assembled WebAssembly module for the roofline: `sum(ptr, end)` streams
 * memory with four independent v128 accumulators (64 bytes per iteration), so its
 * speed is the page's WASM SIMD read bandwidth on one thread.
 * Exports `mem` (256 MiB) and `sum`.
 */
export const PROBE_BYTES = 256 * 1024 * 1024;

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(Buffer.from(s, 'utf8'))];

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;
const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32Add: 0x6a,
  v128Load: [SIMD, ...uleb(0)],
  i32x4Add: [SIMD, ...uleb(174)],
  i32x4ExtractLane: [SIMD, ...uleb(27)],
};

function body(): number[] {
  const [ptr, end] = [0, 1];
  const acc = [2, 3, 4, 5];
  const code: number[] = [op.loop, 0x40];
  acc.forEach((a, i) => {
    code.push(op.localGet, a, op.localGet, ptr, ...op.v128Load, 4, ...uleb(i * 16), ...op.i32x4Add, op.localSet, a);
  });
  code.push(op.localGet, ptr, op.i32Const, 0xc0, 0x00 /* sleb128(64) */, op.i32Add, op.localTee, ptr);
  code.push(op.localGet, end, op.i32LtU, op.brIf, 0, op.end);
  code.push(op.localGet, 2, op.localGet, 3, ...op.i32x4Add, op.localGet, 4, ...op.i32x4Add);
  code.push(op.localGet, 5, ...op.i32x4Add, ...op.i32x4ExtractLane, 0, op.end);
  const locals = vector([[4, V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

export function probeModule(): number[] {
  const pages = PROBE_BYTES / 65536;
  return [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, 2, I32, I32, 1, I32]])),
    ...section(3, vector([[0]])),
    ...section(5, vector([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vector([
        [...name('mem'), 0x02, 0],
        [...name('sum'), 0x00, 0],
      ]),
    ),
    ...section(10, vector([body()])),
  ];
}
