/** Files through the generated platform server: upload, metadata, download, signed URLs, versions, trash, presigned slots. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let key: string;
let dir: string;
let call: ReturnType<typeof client>;
const before = process.env.LOOP_STORAGE_DIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-files-'));
  process.env.LOOP_STORAGE_DIR = dir;
  svc = await startTestService('platform');
  key = await adminKey(svc, 'files');
  call = client(svc, key);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  if (before === undefined) delete process.env.LOOP_STORAGE_DIR;
  else process.env.LOOP_STORAGE_DIR = before;
  await rm(dir, { recursive: true, force: true });
});

async function upload(path: string, name: string, text: string, type = 'text/plain', fields: Record<string, string> = {}, token = key) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([text], { type }), name);
  const res = await fetch(svc.api + path, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

it('uploads, describes, downloads and versions a file', async () => {
  const up = await upload('files/upload', 'notes.txt', 'hello world', 'text/plain', { folder: '/docs' });
  expect(up.status).toBe(201);
  const f = up.body.data;
  expect(f).toMatchObject({ filename: 'notes.txt', size: 11, folder: '/docs', status: 'ready', access: 'private', version: 1 });

  const dl = await fetch(`${svc.api}files/${f.id}/content`, { headers: { authorization: `Bearer ${key}` } });
  expect(dl.status).toBe(200);
  expect(await dl.text()).toBe('hello world');
  expect((await fetch(`${svc.api}files/${f.id}/content`)).status).toBe(401);

  const patched = await call('PATCH', `files/${f.id}`, { filename: 'renamed.txt', access: 'public', meta: { tag: 'x' } });
  expect(patched.body.data).toMatchObject({ filename: 'renamed.txt', access: 'public', meta: { tag: 'x' } });
  expect((await call('PATCH', `files/${f.id}`, { access: 'everyone' })).status).toBe(400);

  expect((await call('GET', `files/${f.id}/versions`)).body.data).toEqual([
    expect.objectContaining({ version: 1, current: true, size: 11 }),
  ]);
  const folders = (await call('GET', 'files/folders')).body.data;
  expect(folders).toContainEqual({ folder: '/docs', count: 1, size: 11 });
  const stats = (await call('GET', 'files/stats')).body.data;
  expect(stats).toMatchObject({ file_count: 1, total_bytes: 11, used_storage_bytes: 11 });
});

it('signed URLs download without a key until they expire or are tampered with', async () => {
  const f = (await upload('files/upload', 'secret.bin', 'abc', 'application/octet-stream')).body.data;
  const signed = (await call('POST', `files/${f.id}/signed-url`, { expires_in: 60 })).body.data;
  expect(signed.ttl).toBe(60);
  const url = new URL(signed.url);
  const path = `${svc.url}${url.pathname}${url.search}`;
  const ok = await fetch(path);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('abc');
  const tampered = path.replace(/token=[^&]+/, 'token=AAAA');
  expect((await fetch(tampered)).status).toBe(403);
  const other = path.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) + 999}`);
  expect((await fetch(other)).status).toBe(403);
});

it('trash, restore, search and batch operations', async () => {
  const a = (await upload('files/upload', 'a.png', 'png-bytes', 'image/png')).body.data;
  const b = (await upload('files/upload', 'b.csv', 'x,y', 'text/csv')).body.data;
  const found = (await call('POST', 'files/search', { mime_type: 'image/' })).body.data;
  expect(found.results.map((r: any) => r.id)).toEqual([a.id]);

  expect((await call('DELETE', `files/${a.id}`)).body.data).toEqual({ file_id: a.id, deleted: true });
  expect((await call('GET', `files/${a.id}`)).status).toBe(404);
  expect((await call('GET', 'files/trash')).body.data.results.map((r: any) => r.id)).toEqual([a.id]);
  expect((await call('POST', `files/${a.id}/restore`)).body.data.id).toBe(a.id);
  expect((await call('POST', `files/${a.id}/restore`)).status).toBe(404);

  const read = (await call('POST', 'files/batch/read', { file_ids: [a.id, b.id, 'file_missing'] })).body.data;
  expect(read.map((r: any) => r.id).sort()).toEqual([a.id, b.id].sort());
  expect((await call('POST', 'files/batch/update', { file_ids: [a.id, b.id], folder: '/moved' })).body.data).toEqual({ updated: 2 });
  const del = (await call('POST', 'files/batch/delete', { file_ids: [a.id, 'file_missing'] })).body.data;
  expect(del).toMatchObject({ count: 1, deleted: [a.id], not_found: ['file_missing'] });
  expect((await call('POST', 'files/batch/read', { file_ids: [] })).status).toBe(400);

  // Variants exist for images only (rendering: test/platform/image-variants.test.ts); `original` is the stored bytes.
  expect((await call('GET', `files/${b.id}/variants/thumb`)).body.error.code).toBe('NOT_AN_IMAGE');
  await call('POST', `files/${a.id}/restore`);
  expect((await call('GET', `files/${a.id}/variants/thumb?w=100`)).body.error.code).toBe('IMAGE_UNREADABLE');
  expect(await (await fetch(`${svc.api}files/${a.id}/variants/original`, { headers: { authorization: `Bearer ${key}` } })).text()).toBe(
    'png-bytes',
  );
});

it('presigned slots: reserve, upload content, confirm; a second upload makes a version', async () => {
  const slot = (await call('POST', 'files/upload-url', { filename: 'big.txt', mime_type: 'text/plain' })).body.data;
  expect(slot.upload_endpoint).toContain(`/v1/files/${slot.file_id}/upload-put`);
  expect((await call('GET', `files/${slot.file_id}`)).body.data.status).toBe('pending');
  expect((await call('POST', `files/${slot.file_id}/upload-complete`)).body.error.code).toBe('UPLOAD_MISSING');
  expect((await upload(`files/${slot.file_id}/upload-put`, 'big.txt', 'first')).status).toBe(201);
  expect((await call('POST', `files/${slot.file_id}/upload-complete`)).body.data).toMatchObject({ status: 'ready', size: 5 });
  expect((await upload(`files/${slot.file_id}/upload-put`, 'big.txt', 'again')).body.error.code).toBe('NOT_PENDING');
  expect((await call('POST', `files/${slot.file_id}/stale-cleanup`)).body.data).toEqual({ cleaned: 0 });
});

it('another tenant cannot see the files', async () => {
  const f = (await upload('files/upload', 'mine.txt', 'private')).body.data;
  const other = client(svc, await adminKey(svc, 'files-other'));
  expect((await other('GET', `files/${f.id}`)).status).toBe(404);
  expect((await other('GET', 'files/stats')).body.data.file_count).toBe(0);
});
