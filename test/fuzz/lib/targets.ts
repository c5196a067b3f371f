/**
 * A running service to fuzz, signed in as a real tenant, with real record ids for path parameters.
 * - loop: company 001's owner (and the superuser for global resources), registered and logged in
 *   as the conformance suite does (test/conformance/lib/client.ts); records made with its Records.
 * - roomloop: an admin server key (runtime/roomloop/auth/api-keys.ts).
 * - platform: a `*`-scoped key of one tenant (runtime/platform/auth/api-keys.ts).
 * Elsewhere ids come from listing the collection, or from creating a record with a valid body.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { loadService } from '../../conformance/lib/catalogue.ts';
import { makeActors } from '../../conformance/lib/client.ts';
import { Records } from '../../conformance/lib/records.ts';
import type { ResourceNode } from '../../../generator/ir/index.ts';
import { T } from '../../../runtime/loop/auth/loop-schema.ts';
import { hashPassword } from '../../../runtime/security/password-hash.ts';
import { createRoomloopKey } from '../../../runtime/roomloop/auth/api-keys.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';
import { valid } from './arbitraries.ts';
import { send } from './http.ts';
import { deref, loadDoc, operations, type Doc, type Operation } from './operations.ts';

const PASSWORD = 'Str0ng-passw0rd!';

export interface Target {
  readonly service: string;
  readonly doc: Doc;
  readonly svc: TestService;
  /** Credentials and tenant headers for an operation. */
  headers(op: Operation): Record<string, string>;
  /** Real values for the operation's path parameters. */
  pathValues(op: Operation): Promise<Record<string, string>>;
  /** A record of the path was deleted: the next case needs a new one. */
  forget(op: Operation): void;
  /** True while the session still works (a cheap signed-in GET). */
  probe(): Promise<boolean>;
  /** Restores a working session after a case revoked or locked it out. */
  repair(): Promise<void>;
  close(): Promise<void>;
}

export async function startTarget(service: string): Promise<Target> {
  if (service === 'roomloop') process.env.ROOMLOOP_RATE_LIMIT_PER_MINUTE ??= '1000000';
  // A line per request on stdout would flood the terminal; warnings and errors (stderr) are still captured per case.
  process.env.LOG_LEVEL ??= 'warn';
  const svc = await startTestService(service);
  const doc = loadDoc(service);
  try {
    if (service === 'loop') return await loopTarget(svc, doc);
    if (service === 'roomloop')
      return await keyTarget(svc, doc, async () => (await createRoomloopKey(svc.db, { role: 'admin', label: 'fuzz' })).key, '/facilities');
    return await keyTarget(svc, doc, async () => (await createPlatformKey(svc.db, { tenant: 'fuzz', label: 'fuzz' })).key, '/audit-logs');
  } catch (e) {
    await svc.close();
    throw e;
  }
}

async function keyTarget(svc: TestService, doc: Doc, newKey: () => Promise<string>, probePath: string): Promise<Target> {
  let key = await newKey();
  const ids = new IdFinder(svc, doc, () => ({ authorization: `Bearer ${key}` }));
  return {
    service: doc.service,
    doc,
    svc,
    headers: () => ({ authorization: `Bearer ${key}` }),
    pathValues: (op) => ids.values(op),
    forget: (op) => ids.forget(op),
    probe: async () => (await get(svc, probePath, { authorization: `Bearer ${key}` })).status < 300,
    async repair() {
      key = await newKey();
    },
    close: () => svc.close(),
  };
}

async function get(svc: TestService, path: string, headers: Record<string, string>) {
  return send({ method: 'GET', url: svc.api + path.replace(/^\//, ''), headers });
}

async function loopTarget(svc: TestService, doc: Doc): Promise<Target> {
  const service = await loadService('loop');
  const actors = await makeActors(svc);
  const records = new Records(svc, service, actors);
  const login = async (email: string) => {
    const res = await send({
      method: 'POST',
      url: `${svc.api}auth/login/`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ email, password: PASSWORD })),
    });
    if (res.status !== 200) throw new Error(`fuzz: login ${email} → ${res.status} ${res.text.slice(0, 200)}`);
    return (JSON.parse(res.text) as { access: string }).access;
  };
  let owner = await login('alice@conformance.test');
  let root = await login('root@conformance.test');
  // Longest path first, so `/cms/posts/` does not claim `/cms/posts-archive/`.
  const resources = [...service.resources].filter((r) => r.operations.length).sort((a, b) => b.path.length - a.path.length);
  const resourceOf = (op: Operation): ResourceNode | undefined => resources.find((r) => op.path.startsWith(`/${r.path}/`));
  const headersFor = (op: Operation): Record<string, string> =>
    resourceOf(op)?.scope === 'global' ? { authorization: `Bearer ${root}` } : { authorization: `Bearer ${owner}`, 'x-company-id': '001' };
  const made = new Map<string, Promise<string | undefined>>();
  const ids = new IdFinder(
    svc,
    doc,
    headersFor,
    async (op) => {
      const r = resourceOf(op);
      if (!r || !r.operations.includes('create') || !/^\/[^{]+\/\{id\}\//.test(op.path)) return undefined;
      let hit = made.get(r.id);
      if (!hit) {
        hit = records.create(r, records.writerFor(r, actors.a)).then(
          (m) => String(m.id),
          () => undefined,
        );
        made.set(r.id, hit);
      }
      return hit;
    },
    (op) => {
      const r = resourceOf(op);
      if (r) made.delete(r.id);
    },
  );
  return {
    service: 'loop',
    doc,
    svc,
    headers: headersFor,
    pathValues: (op) => ids.values(op),
    forget: (op) => ids.forget(op),
    probe: async () =>
      (await get(svc, 'memberships/?page_size=1', { authorization: `Bearer ${owner}`, 'x-company-id': '001' })).status < 300,
    async repair() {
      // Undo what a fuzz case may have done to the owner: suspended or deleted membership, inactive
      // or deleted company, changed password. The report lists which case needed the repair.
      const db = svc.db;
      const user = actors.a.userId;
      await db(T.memberships).where({ user_id: user }).update({ status: 'active', deleted_at: null, is_owner: true });
      await db(T.companies).where({ id: actors.a.companyId }).update({ is_active: true, deleted_at: null });
      await db(T.users)
        .whereIn('id', [user, actors.root.userId])
        .update({ is_active: true, deleted_at: null, password_hash: await hashPassword(PASSWORD) });
      owner = await login('alice@conformance.test');
      root = await login('root@conformance.test');
    },
    close: () => svc.close(),
  };
}

/**
 * Path parameter values: each `{param}` is looked up on the collection in front of it (the path up to
 * the parameter): the first listed item's id, else the id of a record created there with a valid body.
 */
class IdFinder {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly posts: Map<string, Operation>;

  constructor(
    private readonly svc: TestService,
    private readonly doc: Doc,
    private readonly headers: (op: Operation) => Record<string, string>,
    private readonly maker?: (op: Operation) => Promise<string | undefined>,
    private readonly onForget?: (op: Operation) => void,
  ) {
    this.posts = new Map(
      operations(doc)
        .filter((o) => o.method === 'POST')
        .map((o) => [o.path, o]),
    );
  }

  async values(op: Operation): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const name of names) {
      const prefix = op.path.slice(0, op.path.indexOf(`{${name}}`));
      const collection = fill(prefix, out);
      let hit = this.cache.get(collection);
      if (!hit) {
        hit = this.find(op, name, prefix, collection);
        this.cache.set(collection, hit);
      }
      out[name] = await hit;
    }
    return out;
  }

  forget(op: Operation): void {
    // Ids below the deleted record may be gone with it: look everything up again (it is cheap).
    this.cache.clear();
    this.onForget?.(op);
  }

  private async find(op: Operation, name: string, prefix: string, collection: string): Promise<string> {
    const made = names(prefix).length === 0 ? await this.maker?.(op) : undefined;
    if (made) return made;
    const h = this.headers(op);
    const listed = await send({ method: 'GET', url: this.svc.api + collection.replace(/^\//, ''), headers: h }).catch(() => null);
    const first = listed && listed.status < 300 ? firstItem(listed.text) : undefined;
    if (first) return first;
    const post = this.posts.get(prefix);
    if (post?.body?.contentType === 'application/json') {
      for (const body of fc.sample(valid(this.doc, post.body.schema), { seed: 7, numRuns: 5 })) {
        const res = await send({
          method: 'POST',
          url: this.svc.api + collection.replace(/^\//, ''),
          headers: { ...h, 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify(body)),
        }).catch(() => null);
        const id = res && res.status < 300 ? idOf(res.text) : undefined;
        if (id) return id;
      }
    }
    const schema = deref(this.doc, op.params.find((p) => p.name === name)?.schema ?? {});
    if (Array.isArray(schema.enum) && schema.enum.length) return String(schema.enum[0]);
    return schema.type === 'integer' ? '1' : 'x_1';
  }
}

function names(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(values[n] ?? ''));
}

/** The id of the first item of a list answer in any of the three services' shapes. */
function firstItem(text: string): string | undefined {
  try {
    const b = JSON.parse(text) as Record<string, unknown>;
    const data = (b.data ?? b) as Record<string, unknown> | unknown[];
    const list = Array.isArray(data)
      ? data
      : ((data.results ?? data.items ?? (b as { results?: unknown }).results) as unknown[] | undefined);
    const item = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
    const id = item?.id ?? item?.key;
    return id === undefined || id === null ? undefined : String(id);
  } catch {
    return undefined;
  }
}

function idOf(text: string): string | undefined {
  try {
    const b = JSON.parse(text) as { id?: unknown; data?: { id?: unknown } };
    const id = b.data?.id ?? b.id;
    return id === undefined || id === null ? undefined : String(id);
  } catch {
    return undefined;
  }
}
