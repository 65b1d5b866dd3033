/**
 * Protocol Buffers at the wire level: just enough to walk an ONNX model's fields without
 * decoding its tensors, and to write new fields next to the untouched bytes. A generated
 * protobuf library would decode every 100 MB raw_data into objects (and protobufjs reaches
 * for eval, which the app's CSP refuses); here a field is a view into the original buffer.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface Field {
  no: number;
  wire: number;
  /** The whole field, tag included, as [start, end) of the buffer. */
  start: number;
  end: number;
  /** A varint's value; for a length-delimited field, where its payload starts. */
  value: number;
}

export class WireError extends Error {
  override name = 'WireError';
}

/** A varint at `pos`: its value (exact below 2^53; a negative int64 comes back negative) and the next position. */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = buf[pos + i];
    if (byte === undefined) throw new WireError(`varint runs past the end at byte ${pos}`);
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [i < 7 ? value : wideVarint(buf, pos, i + 1), pos + i + 1];
  }
  throw new WireError(`varint longer than 10 bytes at byte ${pos}`);
}

/** Past 49 bits a double drops digits: such a varint is read as an int64 (negative ones take ten bytes). */
function wideVarint(buf: Uint8Array, pos: number, length: number): number {
  let value = 0n;
  for (let i = length - 1; i >= 0; i--) value = (value << 7n) | BigInt((buf[pos + i] ?? 0) & 0x7f);
  return Number(BigInt.asIntN(64, value));
}

/** The fields of one message between `start` and `end`, in order. */
export function* fieldsOf(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    let value = 0;
    switch (wire) {
      case WIRE_VARINT:
        [value, pos] = readVarint(buf, afterTag);
        break;
      case WIRE_I64:
        pos = afterTag + 8;
        break;
      case WIRE_I32:
        pos = afterTag + 4;
        break;
      case WIRE_LEN: {
        const [length, dataStart] = readVarint(buf, afterTag);
        value = dataStart;
        pos = dataStart + length;
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wire} (field ${no}) at byte ${fieldStart}`);
    }
    if (pos > end) throw new WireError(`field ${no} at byte ${fieldStart} runs past its message`);
    yield { no, wire, start: fieldStart, end: pos, value };
  }
}

/** A length-delimited field's payload. */
export const payload = (buf: Uint8Array, f: Field): Uint8Array => buf.subarray(f.value, f.end);

const utf8 = new TextDecoder();
export const text = (buf: Uint8Array, f: Field): string => utf8.decode(payload(buf, f));

/** Repeated varints, packed (one LEN field) or not (one field each). */
export function varints(buf: Uint8Array, f: Field): number[] {
  if (f.wire === WIRE_VARINT) return [f.value];
  const out: number[] = [];
  for (let pos = f.value; pos < f.end;) {
    const [v, next] = readVarint(buf, pos);
    out.push(v);
    pos = next;
  }
  return out;
}

/**
 * Builds a message as a list of chunks, so that large payloads (copied tensors, untouched
 * spans of the original file) are joined once, at the very end.
 */
export class MessageWriter {
  readonly chunks: Uint8Array[] = [];
  byteLength = 0;

  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.byteLength += bytes.byteLength;
    return this;
  }

  private varint(value: number): this {
    const out: number[] = [];
    // Negative int64s are written as their 64-bit two's complement (ten bytes), as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return this.raw(Uint8Array.from(out));
  }

  private tag(no: number, wire: number): this {
    return this.varint(no * 8 + wire);
  }

  int(no: number, value: number): this {
    return this.tag(no, WIRE_VARINT).varint(value);
  }

  bytes(no: number, value: Uint8Array): this {
    return this.tag(no, WIRE_LEN).varint(value.byteLength).raw(value);
  }

  string(no: number, value: string): this {
    return this.bytes(no, new TextEncoder().encode(value));
  }

  float(no: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(no, WIRE_I32).raw(bytes);
  }

  message(no: number, inner: MessageWriter): this {
    this.tag(no, WIRE_LEN).varint(inner.byteLength);
    for (const chunk of inner.chunks) this.raw(chunk);
    return this;
  }

  /** One contiguous copy of everything written. */
  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.byteLength);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
}
