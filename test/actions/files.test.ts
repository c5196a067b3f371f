/**
 * files/assets through the generated server: multipart upload (routed to files.createAsset by the
 * catalogue's `handlers: { create }`), bytes kept in the local storage directory, streamed download
 * with the stored content type, 413/415 limits, tenant isolation; storage keys cannot escape the root.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKey } from '../../runtime/effects/storage/storage.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { request } from './loop-client.ts';

let svc: TestService;
let storageDir: string;

async function signIn(label: string) {
  const n = `${label}${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const email = `${n}@example.test`;
  const password = 'Str0ng-passw0rd!';
  await request(`${svc.api}auth/register/`, 'POST', { email, username: n, password, company_name: `Co ${n}` });
  const login = await request(`${svc.api}auth/login/`, 'POST', { email, password });
  const company = await svc
    .db('companies')
    .where({ name: `Co ${n}` })
    .first('id', 'code');
  const headers = { Authorization: `Bearer ${login.body.access}`, 'X-Company-ID': company.code as string };
  return {
    companyId: Number(company.id),
    upload: async (file: { name: string; type: string; bytes: Buffer } | null, fields: Record<string, string> = {}) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      if (file) form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
      const res = await fetch(`${svc.api}files/assets/`, { method: 'POST', headers, body: form });
      return { status: res.status, body: (await res.json()) as any };
    },
    get: (path: string) => fetch(`${svc.api}${path}`, { headers }),
  };
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1c3a70000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'loop-files-storage-'));
  process.env.LOOP_STORAGE_DIR = storageDir;
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
  delete process.env.LOOP_STORAGE_DIR;
  delete process.env.LOOP_UPLOAD_MAX_BYTES;
  await rm(storageDir, { recursive: true, force: true });
});

describe('files/assets upload and download', () => {
  it('stores an upload, records size/type/checksum, and streams it back with its content type', async () => {
    const c = await signIn('up');
    const r = await c.upload({ name: 'dot.png', type: 'image/png', bytes: PNG }, { name: 'Logo', folder: 'brand', tags: '["logo"]' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'Logo',
      folder: 'brand',
      content_type: 'image/png',
      size_bytes: PNG.length,
      tags: ['logo'],
      visibility: 'private',
    });
    expect(r.body.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(r.body.file).toMatch(new RegExp(`^c${c.companyId}/`));

    // The bytes are in the storage directory under the row's key.
    expect(Buffer.compare(await readFile(join(storageDir, ...String(r.body.file).split('/'))), PNG)).toBe(0);
    expect(await readdir(join(storageDir, `c${c.companyId}`))).toHaveLength(1);

    const dl = await c.get(`files/assets/${r.body.id}/download/`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('content-disposition')).toContain('Logo');
    expect(Buffer.from(await dl.arrayBuffer()).equals(PNG)).toBe(true);

    // One audit row for the create, written by the CRUD-handler plumbing.
    const audits = await svc.db('audit_logs').where({ company_id: c.companyId, resource: 'loop.files.assets', action: 'create' });
    expect(audits).toHaveLength(1);
  });

  it('answers 415 for a type outside the allowed list and 413 above the size limit, storing nothing', async () => {
    const c = await signIn('lim');
    const bad = await c.upload({ name: 'tool.exe', type: 'application/x-msdownload', bytes: Buffer.from('MZ') }, { name: 'Tool' });
    expect(bad.status).toBe(415);
    expect(bad.body.code).toBe('unsupported_media_type');
    expect(bad.body.allowed_types).toContain('application/pdf');

    process.env.LOOP_UPLOAD_MAX_BYTES = '1024';
    try {
      const big = await c.upload({ name: 'big.txt', type: 'text/plain', bytes: Buffer.alloc(2048, 97) }, { name: 'Big' });
      expect(big.status).toBe(413);
      expect(big.body.code).toBe('file_too_large');
      expect(big.body.detail).toContain('1024');
      const ok = await c.upload({ name: 'small.txt', type: 'text/plain', bytes: Buffer.alloc(1000, 97) }, { name: 'Small' });
      expect(ok.status).toBe(201);
    } finally {
      delete process.env.LOOP_UPLOAD_MAX_BYTES;
    }
    expect((await svc.db('files_assets').where({ company_id: c.companyId }).select('name')).map((r) => r.name)).toEqual(['Small']);
  });

  it('answers 400 when no file is sent', async () => {
    const c = await signIn('nofile');
    const r = await c.upload(null, { name: 'Nothing' });
    expect(r.status).toBe(400);
  });

  it("hides another tenant's asset (404 on download)", async () => {
    const a = await signIn('ta');
    const b = await signIn('tb');
    const r = await a.upload({ name: 'a.txt', type: 'text/plain', bytes: Buffer.from('mine') }, { name: 'A' });
    expect((await b.get(`files/assets/${r.body.id}/download/`)).status).toBe(404);
    expect((await a.get(`files/assets/${r.body.id}/download/`)).status).toBe(200);
  });
});

describe('storage keys', () => {
  it('refuses keys that could leave the storage root', () => {
    expect(checkKey('c1/abc-def')).toBe('c1/abc-def');
    for (const k of ['../etc/passwd', 'c1/../../x', '/abs', 'c1//x', 'c1/./x']) expect(() => checkKey(k)).toThrow(/invalid storage key/);
  });
});
