/**
 * Rules the platform API document states in words, through the generated server: raw upload-put
 * ("Upload raw file content") and malformed multipart; comments only their author edits or deletes;
 * aggregate by property id as by name; association meta at most 10 KB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'rules-co');
  call = client(svc, key);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

async function put(fileId: string, body: BodyInit, contentType?: string, auth = key) {
  const res = await fetch(`${svc.api}files/${fileId}/upload-put`, {
    method: 'POST',
    headers: { authorization: `Bearer ${auth}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: res.status, body: await res.json() };
}

async function slot(filename: string, mime: string): Promise<string> {
  const r = await call('POST', 'files/upload-url', { filename, mime_type: mime });
  expect(r.status).toBe(200);
  return r.body.data.file_id;
}

async function content(fileId: string) {
  const res = await fetch(`${svc.api}files/${fileId}/content`, { headers: { authorization: `Bearer ${key}` } });
  return { type: res.headers.get('content-type'), text: await res.text() };
}

describe('upload-put', () => {
  it('takes the raw body: octet-stream keeps the slot type, a typed body sets it', async () => {
    const a = await slot('notes.txt', 'text/plain');
    const up = await put(a, Buffer.from('raw bytes here'), 'application/octet-stream');
    expect(up.status).toBe(201);
    expect(up.body.data).toMatchObject({ id: a, size: 14, content_type: 'text/plain', status: 'pending' });
    expect((await call('POST', `files/${a}/upload-complete`)).body.data).toMatchObject({ status: 'ready', size: 14 });
    expect(await content(a)).toEqual({ type: expect.stringMatching(/^text\/plain/), text: 'raw bytes here' });

    const b = await slot('pic.png', 'application/octet-stream');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const typed = await put(b, png, 'image/png');
    expect(typed.status).toBe(201);
    expect(typed.body.data).toMatchObject({ size: 10, content_type: 'image/png' });
    const stored = await svc.db('pf_files').where({ id: b }).first('sha256');
    expect(stored.sha256).toBe((await import('node:crypto')).createHash('sha256').update(png).digest('hex'));

    // curl's --data-binary default type says nothing about the file either.
    const c = await slot('c.csv', 'text/csv');
    expect((await put(c, 'a,b\n1,2\n', 'application/x-www-form-urlencoded')).body.data).toMatchObject({
      content_type: 'text/csv',
      size: 8,
    });
  });

  it('still takes a multipart file part; a malformed multipart body is 400, never 500', async () => {
    const a = await slot('m.txt', 'text/plain');
    const form = new FormData();
    form.append('file', new Blob(['from a form'], { type: 'text/plain' }), 'm.txt');
    expect((await put(a, form)).body.data).toMatchObject({ size: 11 });

    const b = await slot('n.txt', 'text/plain');
    // A part without any part headers (no Content-Disposition): the parser's "Malformed part header".
    const headerless = await put(b, '--xyz\r\n\r\nhello\r\n--xyz--\r\n', 'multipart/form-data; boundary=xyz');
    expect(headerless.status).toBe(400);
    expect(headerless.body).toMatchObject({ success: false, error: { code: 'BAD_UPLOAD' } });
    const cut = await put(
      b,
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\n\r\nhal',
      'multipart/form-data; boundary=xyz',
    );
    expect(cut.status).toBe(400);
    // Nothing was stored by either.
    expect((await call('GET', `files/${b}`)).body.data).toMatchObject({ status: 'pending', size: 0 });
  });

  it('refuses an upload without content, and a caller without the files scope before reading the body', async () => {
    const a = await slot('e.txt', 'text/plain');
    const empty = await fetch(`${svc.api}files/${a}/upload-put`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.code).toBe('VALIDATION_ERROR');
    expect((await put(a, 'x', 'application/octet-stream', 'pk_live_nope')).status).toBe(401);
    const readOnly = (await call('POST', 'keys', { label: 'ro', scopes: ['read'] })).body.data.token;
    expect((await put(a, 'x', 'application/octet-stream', readOnly)).status).toBe(403);
    expect((await call('GET', `files/${a}`)).body.data.size).toBe(0);
  });
});

describe('comments', () => {
  async function endUser(email: string) {
    const auth = (await call('POST', 'keys', { label: `auth ${email}`, scopes: ['auth'] })).body.data.token;
    const as = client(svc, auth);
    expect((await as('POST', 'auth/signup', { email, password: 'correct horse battery' })).status).toBe(201);
    const login = await as('POST', 'auth/login', { email, password: 'correct horse battery' });
    return client(svc, login.body.data.access_token);
  }

  it('only the author edits or deletes a comment; others get 403 and the comment stays', async () => {
    const type = (await call('POST', 'object-types', { name: 'tickets' })).body.data.id;
    const obj = (await call('POST', `objects/${type}`, { properties: {} })).body.data.id;
    const alice = await endUser('alice@example.com');
    const bob = await endUser('bob@example.com');
    const base = `objects/${type}/${obj}/comments`;
    const mine = await alice('POST', base, { body: 'first' });
    expect(mine.status).toBe(201);
    const id = mine.body.data.id;

    const edit = await bob('PATCH', `${base}/${id}`, { body: 'hijacked' });
    expect(edit.status).toBe(403);
    expect(edit.body.error.code).toBe('NOT_AUTHOR');
    expect((await bob('DELETE', `${base}/${id}`)).status).toBe(403);
    // Nor may a server key rewrite a user's words.
    expect((await call('PATCH', `${base}/${id}`, { body: 'by key' })).status).toBe(403);
    const listed = (await bob('GET', base)).body.data.results;
    expect(listed).toEqual([expect.objectContaining({ id, body: 'first' })]);

    expect((await alice('PATCH', `${base}/${id}`, { body: 'edited' })).body.data).toMatchObject({ id, body: 'edited' });
    expect((await alice('DELETE', `${base}/${id}`)).body.data).toEqual({ deleted: true });
    expect((await alice('GET', base)).body.data.results).toEqual([]);
  });
});

describe('objects: aggregate and associations', () => {
  let type: string;
  let props: Record<string, string>;

  beforeAll(async () => {
    type = (await call('POST', 'object-types', { name: 'deals' })).body.data.id;
    props = {};
    for (const p of [
      { name: 'amount', data_type: 'number' },
      { name: 'stage', data_type: 'string' },
    ]) {
      props[p.name] = (await call('POST', `object-types/${type}/properties`, p)).body.data.id;
    }
    expect(props.amount).toMatch(/^prop_/);
    await call('POST', `objects/${type}/batch/create`, {
      objects: [
        { properties: { amount: 10, stage: 'won' } },
        { properties: { amount: 5, stage: 'won' } },
        { properties: { amount: 2, stage: 'lost' } },
      ],
    });
  });

  it('aggregate names a property by id as by name', async () => {
    const by = (prop: string, group: string) =>
      call('POST', `objects/${type}/aggregate`, {
        aggregations: [
          { function: 'sum', property_id: prop, alias: 'total' },
          { function: 'count', property_id: prop, alias: 'n' },
        ],
        group_by: [group],
      });
    const byName = await by('amount', 'stage');
    const byId = await by(props.amount!, props.stage!);
    expect(byName.status).toBe(200);
    const rows = (r: any, key: string) => Object.fromEntries(r.body.data.results.map((x: any) => [x[key], [x.total, x.n]]));
    expect(rows(byName, 'stage')).toEqual({ won: [15, 2], lost: [2, 1] });
    expect(rows(byId, props.stage!)).toEqual(rows(byName, 'stage'));
    const plain = await call('POST', `objects/${type}/aggregate`, {
      aggregations: [{ function: 'max', property_id: props.amount, alias: 'top' }],
    });
    expect(plain.body.data.results).toEqual([{ top: 10 }]);
    // An unknown property is refused instead of answering a silent null.
    const unknown = await call('POST', `objects/${type}/aggregate`, {
      aggregations: [{ function: 'sum', property_id: 'prop_nope', alias: 'total' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('association meta is at most 10 KB', async () => {
    const [a, b] = (await call('GET', `objects/${type}/list`)).body.data.results.map((o: any) => o.id);
    const path = `objects/${type}/${a}/associations/related/${type}/${b}`;
    const fits = { note: 'x'.repeat(10 * 1024 - 11) };
    expect(Buffer.byteLength(JSON.stringify(fits))).toBe(10 * 1024);
    expect((await call('POST', path, { meta: fits })).status).toBe(201);
    const over = await call('POST', path, { meta: { note: 'x'.repeat(10 * 1024) } });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('VALIDATION_ERROR');
    // Multi-byte characters count as the bytes they take.
    expect((await call('POST', path, { meta: { note: 'é'.repeat(6000) } })).status).toBe(400);
    const kept = (await call('GET', `objects/${type}/${a}/associations`)).body.data.results;
    expect(kept).toEqual([expect.objectContaining({ meta: fits })]);
  });
});
