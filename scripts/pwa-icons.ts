/**
 * npx tsx scripts/pwa-icons.ts — writes the PWA icons in public/icons/.
 * The PNGs are committed; this script is how they were made (no image tools needed:
 * the pixels are drawn here and encoded with zlib).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const BACKGROUND = [0x1b, 0x1f, 0x2a];
const INK = [0xf4, 0xe9, 0xd0];
const ACCENT = [0xe0, 0x7a, 0x3f];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A typewriter "T" with a cursor bar; `safe` is the fraction of the square the glyph may use (maskable: 0.6). */
function draw(size: number, safe: number): Buffer {
  const rows: Buffer[] = [];
  const inset = ((1 - safe) / 2) * size;
  const u = (safe * size) / 10;
  const inRect = (x: number, y: number, x0: number, y0: number, w: number, h: number) =>
    x >= inset + x0 * u && x < inset + (x0 + w) * u && y >= inset + y0 * u && y < inset + (y0 + h) * u;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      let colour = BACKGROUND;
      if (inRect(x, y, 1, 1.5, 8, 1.6) || inRect(x, y, 4.2, 1.5, 1.6, 7)) colour = INK;
      else if (inRect(x, y, 6.6, 7.2, 2.4, 1.3)) colour = ACCENT;
      row.set(colour, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = resolve(import.meta.dirname, '..', 'public', 'icons');
writeFileSync(resolve(out, 'icon-192.png'), draw(192, 0.8));
writeFileSync(resolve(out, 'icon-512.png'), draw(512, 0.8));
writeFileSync(resolve(out, 'icon-maskable-512.png'), draw(512, 0.6));
writeFileSync(resolve(out, 'apple-touch-icon-180.png'), draw(180, 0.7));
