/**
 * The docs of a served LOOP: schema and bundles compressed (br/gzip) with ETags (304 on revisit), the
 * document split per module (`/api/schema/?module=booking` holds only booking's operations and the
 * components they reach), the docs pages carrying a module picker, and the DRF-style API root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'node:http';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('loop');
}, 120_000);
afterAll(async () => {
  await svc?.close();
});

/** A raw GET (fetch would decode the body and hide its encoded size). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${svc.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed, cached docs', () => {
  it('the schema goes out brotli- or gzip-compressed, with an ETag that answers 304', async () => {
    const plain = await get('/api/schema/');
    const br = await get('/api/schema/', { 'accept-encoding': 'br, gzip' });
    const gz = await get('/api/schema/', { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 8);
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    const etag = String(br.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/api/schema/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it.each([
    '/api/docs/assets/swagger-ui-bundle.js',
    '/api/docs/assets/swagger-ui-standalone-preset.js',
    '/api/docs/assets/swagger-ui.css',
    '/api/redoc/redoc.standalone.js',
  ])('%s is compressed and cacheable', async (path) => {
    const plain = await get(path);
    const gz = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(plain.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('br');
    expect(gz.headers['cache-control']).toMatch(/max-age=86400/);
    expect(gz.headers.etag).toBeTruthy();
    expect(gz.body.length).toBeLessThan(plain.body.length / 2.5);
  });
});

describe('the document per module', () => {
  it('?module=booking holds booking operations only, with every $ref it uses resolvable', async () => {
    const res = await fetch(`${svc.url}/api/schema/?module=booking`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
      components: Record<string, Record<string, unknown>>;
      tags: { name: string }[];
    };
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.every((p) => p.startsWith('/booking/'))).toBe(true);
    expect(doc.tags.map((t) => t.name)).toEqual(['Booking']);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, kind, name] of refs) expect(doc.components[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
    const whole = await (await fetch(`${svc.url}/api/schema/`)).text();
    expect(JSON.stringify(doc).length).toBeLessThan(whole.length / 10);
  });

  it('YAML per module too; an unknown module is a 404 naming the modules', async () => {
    const yaml = await fetch(`${svc.url}/api/schema/?module=booking&format=yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(await yaml.text()).toContain('/booking/services/');
    const bad = await fetch(`${svc.url}/api/schema/?module=nope`);
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { detail: string }).detail).toContain('booking');
  });

  it('the docs pages open one module and offer the others', async () => {
    const init = await (await fetch(`${svc.url}/api/docs/init.js`)).text();
    expect(init).toContain('/api/schema/?module=booking');
    expect(init).toContain('"opening":"core"');
    expect(init).toContain('StandaloneLayout');
    expect(await (await fetch(`${svc.url}/api/docs/`)).text()).toContain('swagger-ui-standalone-preset.js');
    expect(await (await fetch(`${svc.url}/api/redoc/`)).text()).toContain('<select id="module">');
    expect(await (await fetch(`${svc.url}/api/redoc/init.js`)).text()).toContain('Redoc.init(pick.url');
  });
});

describe('API root', () => {
  it('GET /api/v1/ lists the modules with absolute URLs of their collections', async () => {
    const res = await fetch(`${svc.url}/api/v1/`);
    expect(res.status).toBe(200);
    const root = (await res.json()) as {
      docs: string;
      modules: Record<string, { docs: string; schema: string; resources: Record<string, string> }>;
    };
    expect(root.docs).toBe(`${svc.url}/api/docs/`);
    expect(root.modules.booking!.resources['booking/services']).toBe(`${svc.url}/api/v1/booking/services/`);
    expect(root.modules.booking!.schema).toBe(`${svc.url}/api/schema/?module=booking`);
    expect(Object.keys(root.modules).length).toBeGreaterThan(40);
  });

  it('/ redirects to the docs', async () => {
    const res = await fetch(`${svc.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/api/docs/');
  });
});
