/**
 * Draws the LOOP brand marks (a ring — the "loop" — and a wordmark bar) into PNG files under
 * runtime/loop/brand/assets/. Run once when the brand changes: `npx tsx scripts/make-brand-assets.ts`.
 * PNG encoding is pngjs's; we only decide pixel colours.
 */
import { PNG } from 'pngjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type RGBA = [number, number, number, number];
const BRAND: RGBA = [37, 99, 235, 255];
const WHITE: RGBA = [255, 255, 255, 255];
const CLEAR: RGBA = [0, 0, 0, 0];
const out = join(import.meta.dirname, '..', 'runtime', 'loop', 'brand', 'assets');

function image(w: number, h: number, paint: (x: number, y: number) => RGBA): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b, a] = paint(x, y);
      const i = (w * y + x) << 2;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  return PNG.sync.write(png);
}

/** A ring centred in a square: the loop mark. */
function ring(size: number, bg: RGBA) {
  const c = size / 2,
    outer = size * 0.42,
    inner = size * 0.26;
  return (x: number, y: number): RGBA => {
    const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
    return d <= outer && d >= inner ? BRAND : bg;
  };
}

/** Ring on the left, four letter-blocks for "LOOP" on the right. */
function wordmark(w: number, h: number, bg: RGBA) {
  const mark = ring(h, bg);
  return (x: number, y: number): RGBA => {
    if (x < h) return mark(x, y);
    const col = Math.floor((x - h) / (h * 0.7));
    const within = (x - h) % (h * 0.7);
    const inLetter = col < 4 && within > h * 0.15 && within < h * 0.6 && y > h * 0.2 && y < h * 0.8;
    return inLetter ? BRAND : bg;
  };
}

const files: Record<string, Buffer> = {
  'brand/loop-logo.png': image(512, 512, ring(512, WHITE)),
  'brand/loop-logo-transparent.png': image(512, 512, ring(512, CLEAR)),
  'brand/loop-wordmark-transparent.png': image(1024, 256, wordmark(1024, 256, CLEAR)),
  'brand/loop-favicon-mark.png': image(64, 64, ring(64, CLEAR)),
  'icons/favicon.png': image(32, 32, ring(32, CLEAR)),
  'icons/apple-touch-icon.png': image(180, 180, ring(180, WHITE)),
};
/** ICO container around a PNG image (ICO has carried PNG payloads since Windows Vista). */
function ico(png: Buffer, size: number): Buffer {
  const head = Buffer.alloc(22);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(1, 4); // reserved, type icon, 1 image
  head.writeUInt8(size, 6);
  head.writeUInt8(size, 7);
  head.writeUInt8(0, 8);
  head.writeUInt8(0, 9);
  head.writeUInt16LE(1, 10);
  head.writeUInt16LE(32, 12); // planes, bits per pixel
  head.writeUInt32LE(png.length, 14);
  head.writeUInt32LE(22, 18); // payload size, offset
  return Buffer.concat([head, png]);
}
files['icons/favicon.ico'] = ico(files['icons/favicon.png']!, 32);

for (const [name, data] of Object.entries(files)) {
  mkdirSync(join(out, name, '..'), { recursive: true });
  writeFileSync(join(out, name), data);
}
console.log(`wrote ${Object.keys(files).length} PNG files to ${out}`);
