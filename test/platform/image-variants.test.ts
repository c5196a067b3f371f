/**
 * Image variants (GET /v1/files/:id/variants/:variant) through the generated platform server: sharp
 * renders from the stored original, the rendering is cached in the storage directory and read from
 * there next time, answers carry the output's type and an ETag. Images are made with sharp here.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let key: string;
let dir: string;
let call: ReturnType<typeof client>;
const before = process.env.LOOP_STORAGE_DIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-variants-'));
  process.env.LOOP_STORAGE_DIR = dir;
  svc = await startTestService('platform');
  key = await adminKey(svc, 'variants');
  call = client(svc, key);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  if (before === undefined) delete process.env.LOOP_STORAGE_DIR;
  else process.env.LOOP_STORAGE_DIR = before;
  await rm(dir, { recursive: true, force: true });
});

const png = (width: number, height: number, rgb = { r: 200, g: 40, b: 90 }) =>
  sharp({ create: { width, height, channels: 3, background: rgb } })
    .png()
    .toBuffer();

async function upload(bytes: Buffer, name: string, type: string, token = key): Promise<any> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(svc.api + 'files/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as any).data;
}

async function variant(id: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.api}files/${id}/variants/${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, meta: res.status === 200 ? await sharp(bytes).metadata() : null };
}

/** Every cached rendering under the storage directory (the store's own files, not the API). */
async function cachedFiles(): Promise<string[]> {
  const all = (await readdir(dir, { recursive: true })) as string[];
  return all.filter((p) => p.split('/').includes('variants') && /\.(png|jpeg|webp|avif|gif)$/.test(p)).map((p) => join(dir, p));
}

it('renders named variants with the output type, caches them in storage and serves the cache next time', async () => {
  const f = await upload(await png(400, 300), 'photo.png', 'image/png');

  const first = await variant(f.id, 'thumb');
  expect(first.res.status).toBe(200);
  expect(first.res.headers.get('content-type')).toBe('image/png');
  expect(first.res.headers.get('x-variant-cache')).toBe('miss');
  expect(first.meta).toMatchObject({ format: 'png', width: 150, height: 150 });
  const etag = first.res.headers.get('etag');
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  const stored = await cachedFiles();
  expect(stored).toHaveLength(1);

  const second = await variant(f.id, 'thumb');
  expect(second.res.headers.get('x-variant-cache')).toBe('hit');
  expect(second.bytes.equals(first.bytes)).toBe(true);
  expect(second.res.headers.get('etag')).toBe(etag);

  // The cache is what is served: replace the stored rendering and the next answer is the replacement.
  const marker = await png(7, 7, { r: 0, g: 255, b: 0 });
  await writeFile(stored[0]!, marker);
  const third = await variant(f.id, 'thumb');
  expect(third.res.headers.get('x-variant-cache')).toBe('hit');
  expect(third.meta).toMatchObject({ width: 7, height: 7 });
  expect(third.res.headers.get('etag')).not.toBe(etag);

  // A client holding the current ETag gets 304 and no body. (fetch adds `Cache-Control: no-cache` to a
  // conditional request unless told otherwise, and an end-to-end reload is never answered 304.)
  const revalidate = (tag: string) => ({ 'if-none-match': tag, 'cache-control': 'max-age=0' });
  const fresh = await variant(f.id, 'thumb', revalidate(third.res.headers.get('etag')!));
  expect(fresh.res.status).toBe(304);
  expect(fresh.bytes.length).toBe(0);
  expect((await variant(f.id, 'thumb', revalidate(etag!))).res.status).toBe(200);
  expect((await variant(f.id, 'original', revalidate(`"${f.sha256.slice(0, 32)}"`))).res.status).toBe(304);
});

it('query parameters size and convert; the same spec under another name shares the rendering; never enlarges', async () => {
  const f = await upload(await png(400, 300), 'wide.png', 'image/png');
  const webp = await variant(f.id, 'medium?format=webp');
  expect(webp.res.headers.get('content-type')).toBe('image/webp');
  expect(webp.meta).toMatchObject({ format: 'webp', width: 400, height: 300 });

  const jpeg = await variant(f.id, 'original?w=100&format=jpg');
  expect(jpeg.res.headers.get('content-type')).toBe('image/jpeg');
  expect(jpeg.meta).toMatchObject({ format: 'jpeg', width: 100, height: 75 });

  const byHeight = await variant(f.id, 'small?h=60');
  expect(byHeight.meta).toMatchObject({ width: 80, height: 60 });
  // small?h=60 and large?h=60 resolve to the same spec: one rendering.
  expect((await variant(f.id, 'large?h=60')).res.headers.get('x-variant-cache')).toBe('hit');

  const filled = await variant(f.id, 'thumb?w=50&h=50&fit=fill&format=avif');
  expect(filled.meta).toMatchObject({ width: 50, height: 50 });
  expect(filled.res.headers.get('content-type')).toBe('image/avif');

  // `original` with no parameters is the stored file, byte for byte.
  const orig = await variant(f.id, 'original');
  expect(orig.res.headers.get('content-type')).toBe('image/png');
  expect(orig.meta).toMatchObject({ width: 400, height: 300 });
  expect(orig.res.headers.get('etag')).toBe(`"${f.sha256.slice(0, 32)}"`);
});

it('applies EXIF orientation before resizing and strips EXIF from the rendering', async () => {
  const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#336699' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'LoopCam', Model: 'Test 1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  expect((await sharp(jpeg).metadata()).orientation).toBe(6);
  const f = await upload(jpeg, 'rotated.jpg', 'image/jpeg');
  const out = await variant(f.id, 'original?format=png');
  expect(out.meta).toMatchObject({ width: 20, height: 40 });
  expect(out.meta?.exif).toBeUndefined();
});

it('refuses what it cannot render with a clear 4xx', async () => {
  const text = await upload(Buffer.from('not a picture'), 'notes.txt', 'text/plain');
  const img = await upload(await png(10, 10), 'small.png', 'image/png');
  const garbage = await upload(Buffer.from('PNG? no.'), 'broken.png', 'image/png');

  // A PNG whose header declares 10,000 × 10,000 pixels: refused from the header, never decoded.
  const bomb = await png(1, 1);
  bomb.writeUInt32BE(10_000, 16);
  bomb.writeUInt32BE(10_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)) >>> 0, 29);
  const big = await upload(bomb, 'bomb.png', 'image/png');

  const cases: [string, number, string][] = [
    [`files/${text.id}/variants/thumb`, 400, 'NOT_AN_IMAGE'],
    [`files/${img.id}/variants/huge`, 404, 'VARIANT_NOT_FOUND'],
    [`files/${img.id}/variants/thumb?w=0`, 400, 'VALIDATION_ERROR'],
    [`files/${img.id}/variants/thumb?w=5000`, 400, 'VALIDATION_ERROR'],
    [`files/${img.id}/variants/thumb?w=ten`, 400, 'VALIDATION_ERROR'],
    [`files/${img.id}/variants/thumb?fit=banana`, 400, 'VALIDATION_ERROR'],
    [`files/${img.id}/variants/thumb?format=bmp`, 400, 'VALIDATION_ERROR'],
    [`files/${garbage.id}/variants/thumb`, 422, 'IMAGE_UNREADABLE'],
    [`files/${big.id}/variants/thumb`, 422, 'IMAGE_TOO_LARGE'],
    ['files/file_missing/variants/thumb', 404, 'NOT_FOUND'],
  ];
  for (const [path, status, code] of cases) {
    const r = await call('GET', path);
    expect({ path, status: r.status, code: r.body?.error?.code }).toEqual({ path, status, code });
  }
  // Nothing was cached for the refusals.
  expect((await cachedFiles()).some((p) => p.includes(garbage.id) || p.includes(big.id))).toBe(false);

  const slot = (await call('POST', 'files/upload-url', { filename: 'later.png', mime_type: 'image/png' })).body.data;
  expect((await call('GET', `files/${slot.file_id}/variants/thumb`)).status).toBe(404);
});

it("another tenant cannot render or read a tenant's variants", async () => {
  const f = await upload(await png(64, 64), 'mine.png', 'image/png');
  expect((await variant(f.id, 'thumb')).res.status).toBe(200);
  const other = client(svc, await adminKey(svc, 'variants-other'));
  const r = await other('GET', `files/${f.id}/variants/thumb`);
  expect(r.status).toBe(404);
  expect(r.body.error.code).toBe('NOT_FOUND');
});
