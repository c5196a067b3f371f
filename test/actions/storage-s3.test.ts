/**
 * The S3 storage driver against a real S3-compatible server running in-process (s3rver on
 * 127.0.0.1, a local stand-in for AWS/MinIO): put → get stream → delete, multipart for streams
 * larger than a part, 404 for missing objects, and a full files/assets upload + download through
 * the generated LOOP server with LOOP_STORAGE_DRIVER=s3 — the bytes land in the bucket, not on disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../runtime/http/api-error.ts';
import { createS3Storage, s3Client, s3ConfigFromEnv } from '../../runtime/effects/storage/s3-storage.ts';
import { storageFromEnv } from '../../runtime/effects/storage/storage.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { request } from './loop-client.ts';

// s3rver ships no type declarations: load it through require with the little of its API used here.
interface S3rverLike {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: 'event', fn: (e: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => void): void;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: Record<string, unknown>) => S3rverLike;

const BUCKET = 'loop-assets';
const ENV_KEYS = [
  'LOOP_STORAGE_DRIVER',
  'LOOP_S3_ENDPOINT',
  'LOOP_S3_BUCKET',
  'LOOP_S3_REGION',
  'LOOP_S3_ACCESS_KEY_ID',
  'LOOP_S3_SECRET_ACCESS_KEY',
  'LOOP_S3_FORCE_PATH_STYLE',
  'LOOP_STORAGE_DIR',
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let server: S3rverLike;
let dir: string;
let env: NodeJS.ProcessEnv;
let client: S3Client;
let svc: TestService;
/** s3rver's notification events, key → event names: tells a multipart upload from a PutObject. */
const events = new Map<string, string[]>();

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loop-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(dir, 's3'),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  server.on('event', (e) => {
    for (const r of e.Records) events.set(r.s3.object.key, [...(events.get(r.s3.object.key) ?? []), r.eventName]);
  });
  const { port } = await server.run();
  env = {
    LOOP_STORAGE_DRIVER: 's3',
    LOOP_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    LOOP_S3_BUCKET: BUCKET,
    LOOP_S3_REGION: 'eu-central-1',
    // s3rver's built-in account; it verifies the SigV4 signature with this secret.
    LOOP_S3_ACCESS_KEY_ID: 'S3RVER',
    LOOP_S3_SECRET_ACCESS_KEY: 'S3RVER',
    LOOP_S3_FORCE_PATH_STYLE: 'true',
    // A local storage dir that must stay unused while the S3 driver is selected.
    LOOP_STORAGE_DIR: join(dir, 'local'),
  };
  Object.assign(process.env, env);
  client = s3Client(s3ConfigFromEnv(env));
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
  client?.destroy();
  await server?.close();
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(dir, { recursive: true, force: true });
});

describe('S3 storage driver', () => {
  it('reads its settings from the environment', () => {
    expect(s3ConfigFromEnv({ LOOP_S3_BUCKET: 'b' })).toEqual({
      bucket: 'b',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: undefined,
    });
    expect(s3ConfigFromEnv({ LOOP_S3_BUCKET: 'b', LOOP_S3_ENDPOINT: 'http://minio:9000' }).forcePathStyle).toBe(true);
    expect(s3ConfigFromEnv({ LOOP_S3_BUCKET: 'b', LOOP_S3_ENDPOINT: 'http://x', LOOP_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(
      false,
    );
    expect(() => s3ConfigFromEnv({})).toThrow(/LOOP_S3_BUCKET/);
    expect(() => s3ConfigFromEnv({ LOOP_S3_BUCKET: 'b', LOOP_S3_ACCESS_KEY_ID: 'id' })).toThrow(/go together/);
    expect(storageFromEnv(env).driver).toBe('s3');
  });

  it('puts a buffer, streams it back with its content type, and deletes it', async () => {
    const s = createS3Storage(env);
    const body = Buffer.from('hello from loop\n');
    await s.put('unit/buffer-object', body, 'text/plain');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'unit/buffer-object' }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.ContentLength).toBe(body.length);
    expect((await readAll(await s.get('unit/buffer-object'))).equals(body)).toBe(true);

    await s.delete('unit/buffer-object');
    await expect(s.get('unit/buffer-object')).rejects.toMatchObject({ status: 404 });
    await expect(s.get('unit/buffer-object')).rejects.toBeInstanceOf(ApiError);
    // Deleting what is not there is not an error (same as the local driver).
    await expect(s.delete('unit/buffer-object')).resolves.toBeUndefined();
  });

  it('uploads a stream larger than a part as a multipart upload, and a small stream as one object', async () => {
    const partSize = 5 * 1024 * 1024;
    const s = createS3Storage(env, { partSize });
    const big = bytes(2 * partSize + 12345, 7);
    // Feed it in 64 KiB chunks, as a request body would arrive.
    const chunks = function* () {
      for (let i = 0; i < big.length; i += 65536) yield big.subarray(i, i + 65536);
    };
    await s.put('unit/big-object', Readable.from(chunks()), 'application/octet-stream');
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'unit/big-object' }));
    expect((await readAll(got.Body as Readable)).equals(big)).toBe(true);
    // Created by CompleteMultipartUpload (s3rver reports it as Post), not by one PutObject.
    expect(events.get('unit/big-object')).toEqual(['ObjectCreated:Post']);

    await s.put('unit/small-stream', Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 'text/plain');
    expect((await readAll(await s.get('unit/small-stream'))).toString()).toBe('abcd');
    expect(events.get('unit/small-stream')).toEqual(['ObjectCreated:Put']);
    await s.put('unit/empty-stream', Readable.from([]), 'text/plain');
    expect((await readAll(await s.get('unit/empty-stream'))).length).toBe(0);
    for (const k of ['unit/big-object', 'unit/small-stream', 'unit/empty-stream']) await s.delete(k);
  });

  it('rejects unsafe keys before talking to the server', async () => {
    const s = createS3Storage(env);
    await expect(s.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid storage key/);
  });

  it('sends the configured access key (an unknown one is refused by the server)', async () => {
    // s3rver checks the access key id of a SigV4 request but not the signature itself.
    const s = createS3Storage({ ...env, LOOP_S3_ACCESS_KEY_ID: 'NOT-A-KEY' });
    await expect(s.put('unit/unsigned', Buffer.from('x'), 'text/plain')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await expect(createS3Storage(env).get('unit/unsigned')).rejects.toMatchObject({ status: 404 });
  });
});

describe('files/assets with LOOP_STORAGE_DRIVER=s3', () => {
  it('uploads through POST files/assets/ into the bucket and downloads the same bytes', async () => {
    const n = `s3u${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const password = 'Str0ng-passw0rd!';
    const email = `${n}@example.test`;
    expect((await request(`${svc.api}auth/register/`, 'POST', { email, username: n, password, company_name: `Co ${n}` })).status).toBe(201);
    const login = await request(`${svc.api}auth/login/`, 'POST', { email, password });
    const company = await svc
      .db('companies')
      .where({ name: `Co ${n}` })
      .first('id', 'code');
    const headers = { Authorization: `Bearer ${login.body.access}`, 'X-Company-ID': company.code as string };

    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), bytes(300_000, 3), Buffer.from('\n%%EOF\n')]);
    const form = new FormData();
    form.set('name', 'Report');
    form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'report.pdf');
    const res = await fetch(`${svc.api}files/assets/`, { method: 'POST', headers, body: form });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ name: 'Report', content_type: 'application/pdf', size_bytes: pdf.length });
    expect(body.file).toMatch(new RegExp(`^c${company.id}/`));

    // The object is in the bucket under the row's key, with the stored content type.
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `c${company.id}/` }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([[body.file, pdf.length]]);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: body.file }));
    expect(head.ContentType).toBe('application/pdf');

    const dl = await fetch(`${svc.api}files/assets/${body.id}/download/`, { headers });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await dl.arrayBuffer()).equals(pdf)).toBe(true);

    // An object removed behind the row's back answers 404, not a 500 or a hang.
    await createS3Storage(env).delete(body.file);
    const gone = await fetch(`${svc.api}files/assets/${body.id}/download/`, { headers });
    expect(gone.status).toBe(404);
  }, 60_000);
});
