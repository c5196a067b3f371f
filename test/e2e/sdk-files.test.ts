/**
 * Uploads through the generated SDK: `files.assets.create` takes a typed body with `file: Blob`, which the
 * SDK sends as multipart/form-data (the OpenAPI document's content type for that operation); the
 * `download` action hands the same bytes back as a Blob. Register and login go through the SDK too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ValidationError } from '../../generated/loop/sdk/index.ts';
import type { FilesFileAssetCreate } from '../../generated/loop/sdk/types.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
let storageDir: string;
const email = 'sdk-files@example.com';
const password = 'Str0ng-passw0rd!';

beforeAll(async () => {
  // Uploaded bytes go to a throw-away directory, not the developer's storage.
  storageDir = await mkdtemp(join(tmpdir(), 'loop-sdk-files-'));
  process.env.LOOP_STORAGE_DIR = storageDir;
  svc = await startTestService('loop');
}, 120_000);
afterAll(async () => {
  await svc?.close();
  delete process.env.LOOP_STORAGE_DIR;
  await rm(storageDir, { recursive: true, force: true });
});

describe('SDK file upload', () => {
  it('registers and logs in, uploads a Blob as multipart, and downloads the same bytes', async () => {
    const loop = createClient({ baseUrl: svc.url, companyId: '001', retries: 0 });
    await loop.auth.register({ email, username: 'sdkfiles', password, company_name: 'Files Co' });
    await loop.auth.login({ email, password });

    const text = 'Hello, LOOP files — ünïcödé too.\n';
    const body: FilesFileAssetCreate = {
      name: 'hello.txt',
      file: new Blob([text], { type: 'text/plain' }),
      folder: 'notes',
      tags: JSON.stringify(['greeting']), // a JSON field travels in a form as JSON text
      expires_at: null, // null is left out of the form (a form cannot say null)
    };
    const asset = await loop.files.assets.create(body);
    const bytes = new TextEncoder().encode(text);
    expect(asset).toMatchObject({
      name: 'hello.txt',
      folder: 'notes',
      content_type: 'text/plain',
      size_bytes: bytes.length,
      tags: ['greeting'],
    });

    const blob = await loop.files.assets.download(asset.id);
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toContain('text/plain');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it("never reads bytes through a key the row was pointed at by a JSON update: another tenant's key or garbage is 404", async () => {
    const loop = createClient({ baseUrl: svc.url, companyId: '001', retries: 0 });
    await loop.auth.login({ email, password });
    const asset = await loop.files.assets.create({ name: 'mine.txt', file: new Blob(['mine'], { type: 'text/plain' }) } as FilesFileAssetCreate);
    const login = await fetch(`${svc.url}/api/v1/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const { access } = (await login.json()) as { access: string };
    const headers = { authorization: `Bearer ${access}`, 'x-company-id': '001', 'content-type': 'application/json' };
    for (const key of ['c999/00000000-0000-4000-8000-000000000000', 'vekOfS<|q', '../../etc/passwd']) {
      const patched = await fetch(`${svc.url}/api/v1/files/assets/${asset.id}/`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ file: key }),
      });
      expect(patched.status).toBe(200);
      const res = await fetch(`${svc.url}/api/v1/files/assets/${asset.id}/download/`, { headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    }
  });

  it('answers a missing file part with a typed validation error on `file`', async () => {
    const loop = createClient({ baseUrl: svc.url, companyId: '001', retries: 0 });
    await loop.auth.login({ email, password });
    // Deliberately untyped: a caller that forgets the file gets a field error, not a server error.
    const err = await loop.files.assets.create({ name: 'empty' } as unknown as FilesFileAssetCreate).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields).toHaveProperty('file');
  });
});
