/**
 * POST /v1/ai/describe through the generated platform server: the offline provider answers what the
 * file says (sharp metadata + EXIF) and says it is offline; with LOOP_AI_BASE_URL the image goes to a
 * real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol (the counterpart here).
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

const ENV = ['LOOP_AI_BASE_URL', 'LOOP_AI_API_KEY', 'LOOP_AI_MODEL', 'LOOP_AI_VISION_MODEL', 'LOOP_STORAGE_DIR'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;
let dir: string;
let fake: Server;
let fakeUrl: string;
let mode: 'ok' | 'rate' | 'down' = 'ok';
const seen: { auth: string | undefined; body: any }[] = [];

beforeAll(async () => {
  for (const k of ENV) delete process.env[k];
  dir = await mkdtemp(join(tmpdir(), 'pf-describe-'));
  process.env.LOOP_STORAGE_DIR = dir;
  fake = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      seen.push({ auth: req.headers.authorization, body });
      if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      if (mode === 'rate') return void res.writeHead(429, { 'retry-after': '9' }).end('{}');
      if (mode === 'down') return void res.writeHead(502).end('bad gateway');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          model: body.model,
          choices: [{ message: { role: 'assistant', content: 'A magenta rectangle with nothing else in view.' } }],
          usage: { prompt_tokens: 812, completion_tokens: 9 },
        }),
      );
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  svc = await startTestService('platform');
  key = await adminKey(svc, 'describe');
  call = client(svc, key);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => fake?.close(r));
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  mode = 'ok';
  seen.length = 0;
  for (const k of ENV) if (k !== 'LOOP_STORAGE_DIR') delete process.env[k];
});

function useVisionModel() {
  Object.assign(process.env, {
    LOOP_AI_BASE_URL: fakeUrl,
    LOOP_AI_API_KEY: 'sk-test',
    LOOP_AI_MODEL: 'fake-text',
    LOOP_AI_VISION_MODEL: 'fake-vision',
  });
}

async function upload(bytes: Buffer, name: string, type: string, token = key): Promise<any> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(svc.api + 'files/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as any).data;
}

const photo = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#c04080' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'LoopCam', Model: 'LC-1' },
      IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', ExposureTime: '1/250', FNumber: '28/10', ISOSpeedRatings: '200' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 30/1' },
    })
    .toBuffer();

it('offline: says what the file says — type, dimensions, EXIF — and that it is the offline description', async () => {
  const f = await upload(await photo(), 'holiday.jpg', 'image/jpeg');
  const r = await call('POST', 'ai/describe', { file_id: f.id });
  expect(r.status).toBe(200);
  const d = r.body.data;
  expect(d).toMatchObject({
    filename: 'holiday.jpg',
    model: 'loop-offline-image-metadata-1',
    provider: 'local',
    offline: true,
    file_id: f.id,
  });
  expect(d.facts).toMatchObject({
    format: 'jpeg',
    width: 64,
    height: 48,
    has_alpha: false,
    exif: {
      make: 'LoopCam',
      model: 'LC-1',
      taken_at: '2024-05-06T07:08:09',
      f_number: 2.8,
      iso: 200,
      gps: { latitude: 51.5, longitude: -0.125 },
    },
  });
  expect(d.description).toMatch(/^\[offline\] No vision model is configured/);
  expect(d.description).toContain('64×48 pixel landscape JPEG image');
  expect(d.description).toContain('Taken with LoopCam LC-1 on 2024-05-06 07:08:09 (camera clock)');
  expect(d.description).toContain('GPS position 51.5, -0.125');

  const plain = await upload(
    await sharp({ create: { width: 20, height: 30, channels: 4, background: '#0000' } })
      .png()
      .toBuffer(),
    'a.png',
    'image/png',
  );
  const p = (await call('POST', 'ai/describe', { file_id: plain.id })).body.data;
  expect(p.facts).toMatchObject({ format: 'png', width: 20, height: 30, has_alpha: true, exif: null });
  expect(p.description).toContain('20×30 pixel portrait PNG image');
  expect(p.description).toContain('with transparency');

  expect((await call('GET', 'ai/models')).body.data.image_to_text).toEqual(['loop-offline-image-metadata-1']);
  const usage = (await call('GET', 'ai-usage')).body.data.by_feature;
  expect(usage).toContainEqual(expect.objectContaining({ feature: 'describe_image', model: 'loop-offline-image-metadata-1', calls: 2 }));
});

it('with an OpenAI-compatible provider the image goes to its vision model, the facts as context', async () => {
  const bytes = await photo();
  const f = await upload(bytes, 'holiday.jpg', 'image/jpeg');
  useVisionModel();
  expect((await call('GET', 'ai/models')).body.data.image_to_text).toEqual(['fake-vision']);
  const r = await call('POST', 'ai/describe', { file_id: f.id, model: 'fake-vision' });
  expect(r.status).toBe(200);
  expect(r.body.data).toMatchObject({
    description: 'A magenta rectangle with nothing else in view.',
    filename: 'holiday.jpg',
    model: 'fake-vision',
    provider: 'openai',
    offline: false,
  });
  expect(seen).toHaveLength(1);
  expect(seen[0]!.auth).toBe('Bearer sk-test');
  expect(seen[0]!.body.model).toBe('fake-vision');
  const user = seen[0]!.body.messages.at(-1);
  expect(user.role).toBe('user');
  const [text, image] = user.content;
  expect(text.type).toBe('text');
  expect(text.text).toContain('64×48 pixel landscape JPEG image');
  expect(image.type).toBe('image_url');
  expect(image.image_url.url).toBe(`data:image/jpeg;base64,${bytes.toString('base64')}`);

  // A model the provider does not offer is refused before anything is sent.
  const wrong = await call('POST', 'ai/describe', { file_id: f.id, model: 'gpt-9-ultra' });
  expect(wrong.status).toBe(400);
  expect(seen).toHaveLength(1);

  mode = 'rate';
  const limited = await fetch(svc.api + 'ai/describe', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ file_id: f.id }),
  });
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('9');
  mode = 'down';
  const down = await call('POST', 'ai/describe', { file_id: f.id });
  expect(down.status).toBe(503);
  expect(down.body.error.code).toBe('AI_UNAVAILABLE');
});

it('refuses what it cannot describe with a clear 4xx, and only sees its own tenant', async () => {
  const text = await upload(Buffer.from('hello'), 'notes.txt', 'text/plain');
  const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'x.svg', 'image/svg+xml');
  const garbage = await upload(Buffer.from('not really a png'), 'broken.png', 'image/png');
  const huge = await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 7), 'huge.png', 'image/png');
  const mine = await upload(await photo(), 'mine.jpg', 'image/jpeg');
  const cases: [unknown, number, string][] = [
    [{}, 400, 'VALIDATION_ERROR'],
    [{ file_id: 'file_missing' }, 404, 'NOT_FOUND'],
    [{ file_id: text.id }, 400, 'VALIDATION_ERROR'],
    [{ file_id: svg.id }, 400, 'UNSUPPORTED_IMAGE_TYPE'],
    [{ file_id: garbage.id }, 422, 'IMAGE_UNREADABLE'],
    [{ file_id: huge.id }, 413, 'FILE_TOO_LARGE'],
    [{ file_id: mine.id, model: 'gpt-9-ultra' }, 400, 'VALIDATION_ERROR'],
  ];
  for (const [body, status, code] of cases) {
    const r = await call('POST', 'ai/describe', body);
    expect({ body, status: r.status, code: r.body?.error?.code }).toEqual({ body, status, code });
  }
  const other = client(svc, await adminKey(svc, 'describe-other'));
  const r = await other('POST', 'ai/describe', { file_id: mine.id });
  expect(r.status).toBe(404);
});
