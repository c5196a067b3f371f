/**
 * Every endpoint of the three API documents (docs/api/, listed in test/fixtures/inventory.jsonl)
 * must be (1) an operation of the service's generated OpenAPI
 * document and (2) answered by the running server — anything but "no such endpoint".
 * Services not generated yet are reported by name so the gap is visible, not silently passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startTestService, type TestService } from '../helpers/test-service.ts';
import { inventoryRows, type InventoryRow } from '../helpers/inventory.ts';

const rows = inventoryRows();

/** `/api/v1/booking/appointments/{id}/create-invoice/` and `<int:pk>` and `:id` all become `{}`; no trailing slash. */
function norm(path: string): string {
  return path.replace(/\{[^}]+\}|<[^>]+>|:[A-Za-z_]+/g, '{}').replace(/\/+$/, '') || '/';
}

function operations(service: string): Map<string, Set<string>> {
  const doc = JSON.parse(readFileSync(join(ROOT, 'generated', service, 'openapi.json'), 'utf8'));
  const base = (doc.servers?.[0]?.url ?? '/').replace(/\/+$/, '');
  const ops = new Map<string, Set<string>>();
  for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    const key = norm(base + (p.startsWith('/') ? p : `/${p}`));
    const methods = ops.get(key) ?? new Set<string>();
    for (const m of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) methods.add(m.toUpperCase());
    ops.set(key, methods);
  }
  return ops;
}

function basePath(service: string): string {
  const doc = JSON.parse(readFileSync(join(ROOT, 'generated', service, 'openapi.json'), 'utf8'));
  return doc.servers?.[0]?.url ?? '/';
}

const generated = (s: string) => existsSync(join(ROOT, 'generated', s, 'openapi.json'));
const services = [...new Set(rows.map((r) => r.service))].sort();

describe('inventory: every endpoint is an operation of the generated OpenAPI document', () => {
  for (const service of services) {
    // Rows outside the service's base path (docs, health, landing pages) are not API operations;
    // the HTTP walks (below for loop, test/platform/inventory-walk.test.ts for platform) cover them.
    const base = generated(service) ? basePath(service) : '/';
    const mine = rows.filter((r) => r.service === service && r.kind !== 'docs' && r.path.startsWith(base));
    it.skipIf(!generated(service))(
      `${service}: all ${mine.length} endpoints${generated(service) ? '' : ' — SKIPPED: service not generated yet'}`,
      () => {
        const ops = operations(service);
        const missing = mine.filter((r) => {
          const methods = ops.get(norm(r.path));
          return !methods || (r.method !== 'ANY' && !methods.has(r.method));
        });
        expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      },
    );
  }
});

describe('inventory: the LOOP server answers every loop endpoint', () => {
  let svc: TestService;
  let auth: Record<string, string> = {};
  beforeAll(async () => {
    svc = await startTestService('loop');
    // Signed in as a company owner, so requests reach the handlers instead of stopping at 401.
    const json = { 'content-type': 'application/json' };
    const user = { email: 'inventory@example.com', username: 'inventory', password: 'Str0ng-passw0rd!' };
    await fetch(`${svc.api}auth/register/`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...user, company_name: 'Inventory Co' }),
    });
    const login = await (await fetch(`${svc.api}auth/login/`, { method: 'POST', headers: json, body: JSON.stringify(user) })).json();
    auth = { authorization: `Bearer ${login.access}`, 'x-company-id': '001' };
  });
  afterAll(async () => {
    await svc?.close();
  });

  // Auth endpoints are left out: logout would end the session the other requests use.
  it('no inventory row gets "no such endpoint" or a server error (signed in, empty bodies)', async () => {
    const loop = rows.filter((r) => r.service === 'loop' && r.kind !== 'auth');
    const unanswered: string[] = [];
    for (const r of loop) {
      const method = r.method === 'ANY' ? methodOf(r) : r.method;
      const path = r.path.replace(/\{[^}]+\}|<int:[^>]+>/g, '1').replace(/<str:[^>]+>/g, 'PRT-0000');
      const res = await fetch(svc.url + path, {
        method,
        redirect: 'manual',
        headers: method === 'GET' || method === 'DELETE' ? auth : { ...auth, 'content-type': 'application/json' },
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      const body = await res.text();
      if ((res.status === 404 && body.includes('route_not_found')) || res.status === 405) unanswered.push(`${method} ${r.path}`);
      if (res.status >= 500) unanswered.push(`${method} ${r.path} → ${res.status} ${body.slice(0, 120)}`);
    }
    expect(unanswered).toEqual([]);
  });

  it('docs endpoints serve Swagger UI, ReDoc, the schema (JSON and YAML) and the asset manifest', async () => {
    for (const p of ['/api/docs/', '/api/redoc/']) {
      const res = await fetch(svc.url + p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
    const schema = await fetch(`${svc.url}/api/schema/`);
    expect((await schema.json()).openapi).toMatch(/^3\.1/);
    const yaml = await (await fetch(`${svc.url}/api/schema/?format=yaml`)).text();
    expect(yaml).toMatch(/^openapi: /m);
    const assets = await (await fetch(`${svc.url}/api/assets/`)).json();
    expect(assets.brand.logo).toBe(`${svc.url}/assets/brand/loop-logo.png`);
    const png = await fetch(assets.brand.logo);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const fav = await fetch(`${svc.url}/favicon.ico`, { redirect: 'manual' });
    expect(fav.status).toBe(301);
    expect(fav.headers.get('location')).toBe('/assets/icons/favicon.ico');
    const touch = await fetch(`${svc.url}/apple-touch-icon.png`, { redirect: 'manual' });
    expect(touch.headers.get('location')).toBe('/assets/icons/apple-touch-icon.png');
    expect((await fetch(`${svc.url}/assets/icons/favicon.ico`)).status).toBe(200);
  });
});

/** Inventory actions say ANY: use the method the generated document declares for that path. */
const loopOps = generated('loop') ? operations('loop') : new Map<string, Set<string>>();
function methodOf(r: InventoryRow): string {
  const methods = loopOps.get(norm(r.path));
  return methods ? [...methods].sort()[0]! : 'GET';
}
