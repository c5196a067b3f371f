/**
 * DEPENDENCY_EXISTS and its single-use confirm tokens (runtime/platform/dependencies/), called the way the
 * platform router calls a delete handler — one transaction per request — on the platform's real schema but
 * without an HTTP server. test/platform/objects.test.ts covers the same flow through the server; this file is
 * quick enough for every mutant of `npm run mutate -- dependencies`.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_TTL_MS, type Dependent, guardedDelete, rowsOf } from '../../../runtime/platform/dependencies/confirm-delete.ts';
import { guardedDeletes } from '../../../runtime/platform/dependencies/guarded-deletes.ts';
import { T } from '../../../runtime/platform/tables.ts';
import type { ActionContext, ActionResult } from '../../../runtime/runtime-api.ts';
import { sha256Hex } from '../../../runtime/security/token-hash.ts';
import { openTestDatabase } from '../../helpers/test-service.ts';

let db: Knex;
let drop: () => Promise<void>;
let seq = 0;
const uid = (p: string) => `${p}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
const COMPANY = 41;
const OTHER = 42;

beforeAll(async () => {
  ({ db, drop } = await openTestDatabase('platform'));
});
afterAll(() => drop?.());

interface Call {
  readonly id?: string;
  readonly query?: Record<string, string>;
  readonly company?: number;
  readonly userId?: string | null;
}

function context(trx: Knex, c: Call): ActionContext {
  return {
    ctx: {
      requestId: 'req-deps',
      service: 'platform',
      style: 'platform',
      basePath: '/v1/',
      ip: '203.0.113.9',
      db,
      principal: c.userId === null ? null : { userId: c.userId ?? 'u-1', email: 'dep@example.com', isSuperuser: false, via: 'jwt' },
      tenant: { companyId: c.company ?? COMPANY, companyCode: 'c', role: 'owner', permissions: new Set(['*']) },
      appId: null,
    },
    action: {} as ActionContext['action'],
    params: c.id === undefined ? {} : { id: c.id },
    query: c.query ?? {},
    body: undefined,
    trx,
    audit: async () => undefined,
    baseUrl: 'http://platform.test',
  } as unknown as ActionContext;
}

/** One request: a transaction that commits what the handler did (a returned 409 commits too). */
const request = <R>(c: Call, fn: (a: ActionContext) => Promise<R>): Promise<R> => db.transaction((trx) => fn(context(trx, c)));

/** The error of a returned 409, parsed. */
function refusal(result: ActionResult | null | undefined): any {
  const r = result as { status?: number; contentType?: string; buffer?: Buffer } | null | undefined;
  expect(r).toBeTruthy();
  expect(r!.status).toBe(409);
  expect(r!.contentType).toBe('application/json');
  return JSON.parse(Buffer.from(r!.buffer as Buffer).toString('utf8'));
}

async function thrown(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { status: number; code: string; message: string };
  }
  throw new Error('expected the call to throw');
}

const record = async (kind: string, parent: string, company = COMPANY, data: object = {}) => {
  const id = uid('rec');
  await db(T.records).insert({ id, company_id: company, kind, parent_id: parent, data: JSON.stringify(data) });
  return id;
};
const count = async (table: string, where: Record<string, unknown>) =>
  Number((await db(table).where(where).count({ n: '*' }).first())?.n ?? 0);

/** A parent "record" that is one row of pf_records, with children of kind `child`. */
function guarded(parent: string, dependents: Dependent[], removed: { n: number }) {
  return (a: ActionContext) =>
    guardedDelete(a, {
      resource: 'things',
      recordId: parent,
      dependents,
      remove: async (trx) => {
        removed.n++;
        await trx(T.records).where({ id: parent }).delete();
      },
    });
}

describe('guardedDelete', () => {
  it('deletes at once when nothing depends on the record', async () => {
    const parent = await record('thing', 'root');
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    expect(await request({}, guarded(parent, deps, removed))).toBeNull();
    expect(removed.n).toBe(1);
    expect(await count(T.confirmTokens, { record_id: parent })).toBe(0);
  });

  it('refuses with the counts and a token stored only as its SHA-256, bound to record, company and 5 minutes', async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    await record('child', parent);
    await record('pet', parent);
    await record('child', parent, OTHER); // another company's rows are not counted
    const removed = { n: 0 };
    const deps = [
      rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children', (q) => q.where({ kind: 'child' })),
      rowsOf(T.records, 'parent_id', parent, COMPANY, 'pets', 'Pets', (q) => q.where({ kind: 'pet' })),
      rowsOf(T.records, 'parent_id', parent, COMPANY, 'ghosts', 'Ghosts', (q) => q.where({ kind: 'ghost' })),
    ];
    const before = Date.now();
    const body = refusal(await request({ userId: 'u-7' }, guarded(parent, deps, removed)));
    const after = Date.now();
    expect(removed.n).toBe(0);
    expect(body).toMatchObject({
      success: false,
      error: {
        code: 'DEPENDENCY_EXISTS',
        message: 'Cannot delete: dependent records exist',
        dependencies: [
          { type: 'children', count: 2, label: 'Children' },
          { type: 'pets', count: 1, label: 'Pets' },
        ],
      },
      request_id: 'req-deps',
    });
    expect(body.error.dependencies).toHaveLength(2);
    const token: string = body.error.confirm_token;
    expect(token).toMatch(/^ct_[A-Za-z0-9_-]{32}$/);
    const rows = await db(T.confirmTokens).where({ record_id: parent });
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({
      token_hash: sha256Hex(token),
      company_id: String(COMPANY),
      resource: 'things',
      created_by: 'u-7',
      used_at: null,
    });
    expect(row.id).toMatch(/^ct_[0-9a-f]{12}$/);
    const expires = new Date(row.expires_at).getTime();
    expect(CONFIRM_TTL_MS).toBe(300_000);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + CONFIRM_TTL_MS - 1000);
    expect(expires).toBeLessThanOrEqual(after + CONFIRM_TTL_MS);
    expect(row.created_at).not.toBeNull();
    expect(row.updated_at).not.toBeNull();
    // Each refusal hands out a fresh token; one without a signed-in principal records no creator.
    const again = refusal(await request({ userId: null }, guarded(parent, deps, removed)));
    expect(again.error.confirm_token).not.toBe(token);
    expect(
      (
        await db(T.confirmTokens)
          .where({ token_hash: sha256Hex(again.error.confirm_token) })
          .first()
      ).created_by,
    ).toBeNull();
  });

  it('a confirmed force delete removes the dependents, then the record, and spends the token', async () => {
    const parent = await record('thing', 'root');
    const kept = await record('child', 'someone-else');
    await record('child', parent);
    await record('child', parent);
    const theirs = await record('child', parent, OTHER);
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    const token = refusal(await request({}, guarded(parent, deps, removed))).error.confirm_token;
    for (const force of ['true', '1']) {
      // `force` alone, or a token without `force`, is another refusal with another token.
      const bare = refusal(await request({ query: { force } }, guarded(parent, deps, removed)));
      expect(bare.error.confirm_token).not.toBe(token);
    }
    refusal(await request({ query: { confirm_token: token } }, guarded(parent, deps, removed)));
    refusal(await request({ query: { force: 'yes', confirm_token: token } }, guarded(parent, deps, removed)));
    refusal(await request({ query: { force: 'false', confirm_token: token } }, guarded(parent, deps, removed)));
    expect(removed.n).toBe(0);
    expect(await request({ query: { force: 'true', confirm_token: token } }, guarded(parent, deps, removed))).toBeNull();
    expect(removed.n).toBe(1);
    expect(await count(T.records, { parent_id: parent, company_id: COMPANY })).toBe(0);
    expect(await count(T.records, { id: parent })).toBe(0);
    // Only this company's dependents of this record went.
    expect(await count(T.records, { id: theirs })).toBe(1);
    expect(await count(T.records, { id: kept })).toBe(1);
    const spent = await db(T.confirmTokens)
      .where({ token_hash: sha256Hex(token) })
      .first();
    expect(spent.used_at).not.toBeNull();
  });

  it("force is 'true', '1' or true; a spent token leaves the company's other tokens unspent", async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    const token = refusal(await request({}, guarded(parent, deps, removed))).error.confirm_token;
    const other = await record('thing', 'root');
    await record('child', other);
    const otherDeps = [rowsOf(T.records, 'parent_id', other, COMPANY, 'children', 'Children')];
    const otherToken = refusal(await request({}, guarded(other, otherDeps, { n: 0 }))).error.confirm_token;
    expect(await request({ query: { force: '1', confirm_token: token } }, guarded(parent, deps, removed))).toBeNull();
    expect(removed.n).toBe(1);
    expect(
      (
        await db(T.confirmTokens)
          .where({ token_hash: sha256Hex(otherToken) })
          .first()
      ).used_at,
    ).toBeNull();
  });

  it('a confirm_token given twice is no token: another refusal', async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    const token = refusal(await request({}, guarded(parent, deps, removed))).error.confirm_token;
    const query = { force: 'true', confirm_token: [token, token] } as unknown as Record<string, string>;
    expect(refusal(await request({ query }, guarded(parent, deps, removed))).error.confirm_token).not.toBe(token);
    expect(removed.n).toBe(0);
  });

  it('force accepts the boolean true too', async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    const token = refusal(await request({}, guarded(parent, deps, removed))).error.confirm_token;
    const query = { force: true, confirm_token: token } as unknown as Record<string, string>;
    expect(await request({ query }, guarded(parent, deps, removed))).toBeNull();
    expect(removed.n).toBe(1);
  });

  it('a spent, foreign, mistyped or expired token is refused and deletes nothing', async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    const removed = { n: 0 };
    const deps = [rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children')];
    const token = refusal(await request({}, guarded(parent, deps, removed))).error.confirm_token;

    // Bound to the record, the resource and the company.
    const other = await record('thing', 'root');
    await record('child', other);
    const otherDeps = [rowsOf(T.records, 'parent_id', other, COMPANY, 'children', 'Children')];
    const wrongRecord = await thrown(request({ query: { force: 'true', confirm_token: token } }, guarded(other, otherDeps, removed)));
    expect(wrongRecord).toMatchObject({
      status: 400,
      code: 'invalid_confirm_token',
      message: 'confirm_token is not valid for this record.',
    });
    const wrongResource = await thrown(
      request({ query: { force: 'true', confirm_token: token } }, (a) =>
        guardedDelete(a, { resource: 'widgets', recordId: parent, dependents: deps, remove: async () => void removed.n++ }),
      ),
    );
    expect(wrongResource.code).toBe('invalid_confirm_token');
    const theirDeps = [rowsOf(T.records, 'parent_id', parent, OTHER, 'children', 'Children')];
    await record('child', parent, OTHER);
    const wrongCompany = await thrown(
      request({ company: OTHER, query: { force: 'true', confirm_token: token } }, guarded(parent, theirDeps, removed)),
    );
    expect(wrongCompany.code).toBe('invalid_confirm_token');
    const unknown = await thrown(request({ query: { force: 'true', confirm_token: 'ct_nope' } }, guarded(parent, deps, removed)));
    expect(unknown.code).toBe('invalid_confirm_token');
    expect(removed.n).toBe(0);

    // Expired: the clock is the process's; the row is moved back rather than waiting.
    await db(T.confirmTokens)
      .where({ token_hash: sha256Hex(token) })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await thrown(request({ query: { force: 'true', confirm_token: token } }, guarded(parent, deps, removed)));
    expect(expired).toMatchObject({
      status: 400,
      code: 'confirm_token_expired',
      message: 'confirm_token has expired; delete again to get a new one.',
    });
    expect(
      (
        await db(T.confirmTokens)
          .where({ token_hash: sha256Hex(token) })
          .first()
      ).used_at,
    ).toBeNull();
    await db(T.confirmTokens)
      .where({ token_hash: sha256Hex(token) })
      .update({ expires_at: new Date(Date.now() + 60_000) });

    // Spent: used once, then the record comes back (restored) — the token stays spent.
    expect(await request({ query: { force: 'true', confirm_token: token } }, guarded(parent, deps, removed))).toBeNull();
    await db(T.records).insert({ id: parent, company_id: COMPANY, kind: 'thing', parent_id: 'root', data: '{}' });
    await record('child', parent);
    const used = await thrown(request({ query: { force: 'true', confirm_token: token } }, guarded(parent, deps, removed)));
    expect(used).toMatchObject({
      status: 409,
      code: 'confirm_token_used',
      message: 'confirm_token was already used; delete again to get a new one.',
    });
    expect(removed.n).toBe(1);
    expect(await count(T.records, { id: parent })).toBe(1);
  });

  it('dependents that must never cascade refuse without a token, even with force', async () => {
    const parent = await record('thing', 'root');
    await record('child', parent);
    await record('ledger', parent);
    const removed = { n: 0 };
    const children = rowsOf(T.records, 'parent_id', parent, COMPANY, 'children', 'Children', (q) => q.where({ kind: 'child' }));
    const ledger = rowsOf(T.records, 'parent_id', parent, COMPANY, 'ledger', 'Ledger lines', (q) => q.where({ kind: 'ledger' }));
    const permanent: Dependent = { type: ledger.type, label: ledger.label, count: ledger.count };
    const tokensBefore = await count(T.confirmTokens, { record_id: parent });
    const body = refusal(
      await request({ query: { force: 'true', confirm_token: 'ct_x' } }, guarded(parent, [children, permanent], removed)),
    );
    expect(body.error).toMatchObject({
      code: 'DEPENDENCY_EXISTS',
      message: 'Cannot delete: dependent records exist',
      dependencies: [
        { type: 'children', count: 1, label: 'Children' },
        { type: 'ledger', count: 1, label: 'Ledger lines' },
      ],
    });
    expect(body.error.confirm_token).toBeUndefined();
    expect(body.request_id).toBe('req-deps');
    expect(await count(T.confirmTokens, { record_id: parent })).toBe(tokensBefore);
    expect(removed.n).toBe(0);
    expect(await count(T.records, { parent_id: parent })).toBe(2);
    // With the permanent rows gone, the ordinary flow applies.
    await db(T.records).where({ parent_id: parent, kind: 'ledger' }).delete();
    expect(refusal(await request({}, guarded(parent, [children, permanent], removed))).error.confirm_token).toMatch(/^ct_/);
  });

  it('rowsOf counts and removes only the matching rows of the company', async () => {
    const parent = uid('p');
    await record('a', parent);
    await record('b', parent);
    await record('a', parent, OTHER);
    const d = rowsOf(T.records, 'parent_id', parent, COMPANY, 'as', 'As', (q) => q.where({ kind: 'a' }));
    expect(d).toMatchObject({ type: 'as', label: 'As' });
    expect(await d.count(db)).toBe(1);
    expect(await rowsOf(T.records, 'parent_id', parent, COMPANY, 'all', 'All').count(db)).toBe(2);
    await d.remove!(db);
    expect(await count(T.records, { parent_id: parent, company_id: COMPANY })).toBe(1);
    expect(await count(T.records, { parent_id: parent, company_id: OTHER })).toBe(1);
  });
});

describe('guarded deletes of catalogue resources', () => {
  const del = (handler: (a: ActionContext) => Promise<ActionResult>, id: string, c: Call = {}) =>
    request({ ...c, id }, (a) => handler(a) as Promise<ActionResult & { body?: unknown }>);

  async function expectGuarded(
    handler: (a: ActionContext) => Promise<ActionResult>,
    table: string,
    make: (id: string) => Promise<void>,
    dependencies: { type: string; count: number; label: string }[],
    clear: (id: string) => Promise<void>,
  ) {
    const id = uid('row');
    await db(table).insert({ id, company_id: COMPANY });
    await db(table).insert({ id: `${id}_other`, company_id: OTHER });
    await make(id);
    const body = refusal(await del(handler, id));
    expect(body.error.dependencies).toEqual(dependencies);
    expect(await count(table, { id })).toBe(1);
    await clear(id);
    expect(await del(handler, id)).toEqual({ body: { id, deleted: true } });
    expect(await count(table, { id })).toBe(0);
    // The row of another company with a similar id is untouched, and deleting it from here finds nothing to remove.
    expect(await del(handler, `${id}_other`)).toEqual({ body: { id: `${id}_other`, deleted: true } });
    expect(await count(table, { id: `${id}_other` })).toBe(1);
  }

  it('webhooks: deliveries', async () => {
    await expectGuarded(
      guardedDeletes.webhooks,
      T.webhooks,
      async (id) => {
        for (let i = 0; i < 2; i++)
          await db(T.webhookDeliveries).insert({ id: uid('wd'), company_id: COMPANY, webhook_id: id, event: 'x.y', payload: '{}' });
      },
      [{ type: 'webhook_deliveries', count: 2, label: 'Webhook deliveries' }],
      async (id) => void (await db(T.webhookDeliveries).where({ webhook_id: id }).delete()),
    );
  });

  it('automations: runs, and dashboards: widgets (records of that kind only)', async () => {
    for (const [handler, table, kind, label] of [
      [guardedDeletes.automations, T.automations, 'automation_runs', 'Automation runs'],
      [guardedDeletes.dashboards, T.dashboards, 'widgets', 'Widgets'],
    ] as const) {
      await expectGuarded(
        handler,
        table,
        async (id) => {
          await record(kind, id);
          await record('something_else', id);
        },
        [{ type: kind, count: 1, label }],
        async (id) => void (await db(T.records).where({ parent_id: id, kind }).delete()),
      );
    }
  });

  it('roles: assignments naming the role and its permissions', async () => {
    await expectGuarded(
      guardedDeletes.roles,
      T.roles,
      async (id) => {
        await record('user_roles', 'user_roles', COMPANY, { role_id: id, user_id: 'u1' });
        await record('user_roles', 'user_roles', COMPANY, { role_id: 'another', user_id: 'u2' });
        await record('role_permissions', id);
        await record('role_permissions', id);
        await record('role_notes', id); // another kind under the role: not a permission
      },
      [
        { type: 'user_roles', count: 1, label: 'Role assignments' },
        { type: 'role_permissions', count: 2, label: 'Permissions' },
      ],
      async (id) => {
        await db(T.records).where({ kind: 'user_roles' }).whereRaw("data->>'role_id' = ?", [id]).delete();
        await db(T.records).where({ parent_id: id, kind: 'role_permissions' }).delete();
      },
    );
  });

  it('accounts: sub-accounts and bank accounts cascade, journal lines never do', async () => {
    const id = uid('acc');
    await db(T.accounts).insert({ id, company_id: COMPANY, type: 'asset' });
    const sub = uid('acc');
    await db(T.accounts).insert({ id: sub, company_id: COMPANY, type: 'asset', parent_id: id });
    const bank = uid('ba');
    await db(T.bankAccounts).insert({ id: bank, company_id: COMPANY, gl_account_id: id });
    const entry = uid('je');
    await db('pf_journal_entries').insert({ id: entry, company_id: COMPANY });
    await db(T.journalLines).insert({ id: uid('jl'), company_id: COMPANY, entry_id: entry, account_id: id, debit: 1, credit: 0 });
    const body = refusal(await del(guardedDeletes.accounts, id, { query: { force: 'true', confirm_token: 'ct_x' } }));
    expect(body.error.dependencies).toEqual([
      { type: 'accounts', count: 1, label: 'Sub-accounts' },
      { type: 'bank_accounts', count: 1, label: 'Bank accounts' },
      { type: 'journal_lines', count: 1, label: 'Journal lines' },
    ]);
    expect(body.error.confirm_token).toBeUndefined();
    await db(T.journalLines).where({ account_id: id }).delete();
    const token = refusal(await del(guardedDeletes.accounts, id)).error.confirm_token;
    expect(await del(guardedDeletes.accounts, id, { query: { force: 'true', confirm_token: token } })).toEqual({
      body: { id, deleted: true },
    });
    expect(await count(T.accounts, { id })).toBe(0);
    expect(await count(T.accounts, { id: sub })).toBe(0);
    expect(await count(T.bankAccounts, { id: bank })).toBe(0);
  });

  it('bank accounts: unmatched transactions cascade; matched ones and payments never do', async () => {
    const id = uid('ba');
    await db(T.bankAccounts).insert({ id, company_id: COMPANY });
    await db(T.bankTransactions).insert({ id: uid('bt'), company_id: COMPANY, bank_account_id: id, status: 'unmatched' });
    await db(T.bankTransactions).insert({ id: uid('bt'), company_id: COMPANY, bank_account_id: id, status: 'unmatched' });
    await db(T.bankTransactions).insert({ id: uid('bt'), company_id: COMPANY, bank_account_id: id, status: 'matched' });
    await db(T.payments).insert({ id: uid('pay'), company_id: COMPANY, bank_account_id: id });
    const body = refusal(await del(guardedDeletes.bankAccounts, id));
    expect(body.error.dependencies).toEqual([
      { type: 'bank_transactions', count: 2, label: 'Bank transactions' },
      { type: 'matched_bank_transactions', count: 1, label: 'Matched or reconciled bank transactions' },
      { type: 'payments', count: 1, label: 'Payments' },
    ]);
    expect(body.error.confirm_token).toBeUndefined();
    await db(T.bankTransactions).where({ bank_account_id: id }).whereNot({ status: 'unmatched' }).delete();
    await db(T.payments).where({ bank_account_id: id }).delete();
    const token = refusal(await del(guardedDeletes.bankAccounts, id)).error.confirm_token;
    expect(await del(guardedDeletes.bankAccounts, id, { query: { force: 'true', confirm_token: token } })).toEqual({
      body: { id, deleted: true },
    });
    expect(await count(T.bankTransactions, { bank_account_id: id })).toBe(0);
    expect(await count(T.bankAccounts, { id })).toBe(0);
  });

  it('a token is bound to the resource kind it was handed out for', async () => {
    const id = uid('wh');
    await db(T.webhooks).insert({ id, company_id: COMPANY });
    await db(T.webhookDeliveries).insert({ id: uid('wd'), company_id: COMPANY, webhook_id: id, event: 'x.y', payload: '{}' });
    const token = refusal(await del(guardedDeletes.webhooks, id)).error.confirm_token;
    const row = await db(T.confirmTokens)
      .where({ token_hash: sha256Hex(token) })
      .first();
    expect(row).toMatchObject({ resource: 'webhooks', record_id: id });
    for (const [handler, table, resource] of [
      [guardedDeletes.automations, T.automations, 'automations'],
      [guardedDeletes.dashboards, T.dashboards, 'dashboards'],
      [guardedDeletes.roles, T.roles, 'roles'],
      [guardedDeletes.bankAccounts, T.bankAccounts, 'bank_accounts'],
    ] as const) {
      const rid = uid('r');
      await db(table).insert({ id: rid, company_id: COMPANY });
      if (resource === 'bank_accounts')
        await db(T.bankTransactions).insert({ id: uid('bt'), company_id: COMPANY, bank_account_id: rid, status: 'unmatched' });
      else if (resource === 'roles') await record('role_permissions', rid);
      else await record(resource === 'automations' ? 'automation_runs' : 'widgets', rid);
      const t = refusal(await del(handler, rid)).error.confirm_token;
      expect(
        (
          await db(T.confirmTokens)
            .where({ token_hash: sha256Hex(t) })
            .first()
        ).resource,
      ).toBe(resource);
    }
    const acc = uid('acc');
    await db(T.accounts).insert({ id: acc, company_id: COMPANY, type: 'asset' });
    await db(T.accounts).insert({ id: uid('acc'), company_id: COMPANY, type: 'asset', parent_id: acc });
    const t = refusal(await del(guardedDeletes.accounts, acc)).error.confirm_token;
    expect(
      (
        await db(T.confirmTokens)
          .where({ token_hash: sha256Hex(t) })
          .first()
      ).resource,
    ).toBe('accounts');
  });
});
