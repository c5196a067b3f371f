/**
 * Platform scope matrix: every write operation of spec/platform/ that a scoped API key may call (each
 * resource create/update/delete and each action with a `platform.<scope>` permission) × two keys: one
 * holding every scope but the one the operation needs (403 FORBIDDEN in the platform envelope, and no
 * platform table changes) and one holding just that scope (let through — whatever the handler then
 * says about the deliberately empty request, it is not the scope refusal).
 *
 * The scope each operation needs is derived from the catalogue: an action's permission names it
 * (`platform.write`, `platform.admin` meaning `*`); a resource code `<module>.<resource>.<verb>` needs
 * read for view and write otherwise, except the modules the platform API document gives their own scope
 * (RESOURCE_SCOPES below, written from the document, not read from runtime/platform/auth/scopes.ts).
 * Actions open to any signed-in caller (no permission, e.g. an end user's own session) have no scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrudOperation } from '../../generator/ir/index.ts';
import { createPlatformKey } from '../../runtime/platform/index.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { loadService } from './lib/catalogue.ts';
import { OPERATION_VERB } from './lib/role-catalogue.ts';

const service = await loadService('platform');

/** The platform API document's scopes; `*` is every one of them. */
const SCOPES = ['read', 'write', 'schema', 'files', 'auth', 'ai'] as const;
type Needed = (typeof SCOPES)[number] | '*';

/**
 * Resource modules with a scope of their own (the platform API document: keys are the tenant admin's,
 * "Admin management of tenant auth users" and their roles is auth, object types "Require the schema
 * scope" to change, AI conversations are ai and AI provider configuration the admin's, files are files).
 */
const RESOURCE_SCOPES: Readonly<Record<string, { read: Needed; write: Needed }>> = {
  keys: { read: '*', write: '*' },
  users: { read: 'auth', write: 'auth' },
  roles: { read: 'auth', write: 'auth' },
  'object-types': { read: 'read', write: 'schema' },
  ai: { read: 'ai', write: 'ai' },
  'ai-providers': { read: 'ai', write: '*' },
  files: { read: 'files', write: 'files' },
};

const CRUD_METHOD: Readonly<Record<CrudOperation, string>> = {
  list: 'GET',
  retrieve: 'GET',
  create: 'POST',
  update: 'PUT',
  partial_update: 'PATCH',
  delete: 'DELETE',
  restore: 'POST',
};

interface Operation {
  readonly method: string;
  /** OpenAPI form relative to /v1/, e.g. `accounting/accounts/{id}`. */
  readonly path: string;
  readonly needs: Needed;
}

function actionScope(permission: string): Needed {
  const [ns, scope] = permission.split('.');
  if (ns !== 'platform' || scope === undefined) throw new Error(`platform action permission ${permission} is not platform.<scope>`);
  if (scope === 'admin') return '*';
  if (!(SCOPES as readonly string[]).includes(scope))
    throw new Error(`platform action permission ${permission} names no scope of the API document`);
  return scope as Needed;
}

const writes = (method: string) => method !== 'GET';

const operations: Operation[] = [
  ...service.resources.flatMap((r) =>
    r.operations
      .filter((op) => writes(CRUD_METHOD[op]))
      .map((op) => ({
        method: CRUD_METHOD[op],
        path: op === 'create' ? r.path : op === 'restore' ? `${r.path}/{id}/restore` : `${r.path}/{id}`,
        needs: OPERATION_VERB[op] === 'view' ? (RESOURCE_SCOPES[r.module]?.read ?? 'read') : (RESOURCE_SCOPES[r.module]?.write ?? 'write'),
      })),
  ),
  ...service.actions
    .filter((a) => writes(a.method) && a.permission !== null)
    .map((a) => ({ method: a.method, path: a.path, needs: actionScope(a.permission!) })),
].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));

/** Concrete path: every parameter a value no record has, so a handler that is let through finds nothing to touch. */
const concrete = (path: string) => path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => `zz_missing_${name}`);

let svc: TestService;
const keys = new Map<string, string>();

async function keyFor(scopes: readonly string[]): Promise<string> {
  const label = [...scopes].sort().join('+');
  let key = keys.get(label);
  if (!key) {
    key = (await createPlatformKey(svc.db, { tenant: 'scope-matrix', scopes, label: `matrix ${label}` })).key;
    keys.set(label, key);
  }
  return key;
}
const without = (needs: Needed) => SCOPES.filter((s) => s !== needs);

async function call(key: string, op: Operation) {
  const requestId = `scope-matrix-${Math.random().toString(36).slice(2)}`;
  const res = await fetch(svc.api + concrete(op.path), {
    method: op.method,
    headers: {
      Authorization: `Bearer ${key}`,
      'X-Request-ID': requestId,
      ...(op.method === 'DELETE' ? {} : { 'Content-Type': 'application/json' }),
    },
    body: op.method === 'DELETE' ? undefined : '{}',
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the message
  }
  return { status: res.status, body, requestId, why: `${op.method} /v1/${concrete(op.path)} → ${res.status} ${text.slice(0, 300)}` };
}

const refusal = (requestId: string) => ({
  success: false,
  error: { code: 'FORBIDDEN', message: 'You do not have permission to perform this action.' },
  request_id: requestId,
});

/**
 * Every table of the database (catalogue resources, object storage, queues, logs) as row digests, but
 * for the bookkeeping a refused call may legitimately touch: the API keys' last_used_at.
 */
async function snapshot(): Promise<Record<string, string>> {
  const keysTable = service.resources.find((r) => r.module === 'keys')!.table;
  const tables = await svc
    .db('information_schema.tables')
    .whereRaw('table_schema = current_schema()')
    .andWhere('table_type', 'BASE TABLE')
    .andWhereNot('table_name', keysTable)
    .orderBy('table_name')
    .pluck('table_name');
  const out: Record<string, string> = {};
  for (const table of tables as string[]) {
    const row = await svc.db.raw(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ?? t`,
      [table],
    );
    out[table] = `${row.rows[0].n}:${row.rows[0].h}`;
  }
  return out;
}

beforeAll(async () => {
  svc = await startTestService('platform');
  // The tenant every key belongs to exists before the first snapshot.
  await keyFor(['*']);
}, 240_000);
afterAll(async () => {
  await svc?.close();
});

describe('platform scope matrix: every write operation × a key without its scope and a key with just it', () => {
  it('the catalogue gives the matrix its write operations, each with a scope of the API document', () => {
    expect(operations.length).toBeGreaterThan(150);
    expect(operations.filter((o) => o.needs === '*').map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['POST keys', 'POST sql']),
    );
  });

  describe('a key without the scope is refused before anything is touched', () => {
    let before: Record<string, string>;
    beforeAll(async () => {
      before = await snapshot();
    });
    for (const op of operations) {
      it(`${op.method} ${op.path} needs ${op.needs}`, async () => {
        const r = await call(await keyFor(without(op.needs)), op);
        expect(r.status, r.why).toBe(403);
        expect(r.body, r.why).toEqual(refusal(r.requestId));
      });
    }
    it('no platform table changed', async () => {
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('a key with just that scope is let through', () => {
    for (const op of operations) {
      it(`${op.method} ${op.path} with ${op.needs}`, async () => {
        const r = await call(await keyFor(op.needs === '*' ? ['*'] : [op.needs]), op);
        expect(r.status, r.why).not.toBe(401);
        if (r.status === 403) expect(r.body, r.why).not.toEqual(refusal(r.requestId));
      });
    }
  });
});
