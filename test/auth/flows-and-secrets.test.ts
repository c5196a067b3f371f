import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalApiKey } from '../../runtime/loop/auth/api-keys.ts';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { loopHandlers } from '../../runtime/loop/handlers/index.ts';
import type { Principal, TenantContext } from '../../runtime/runtime-api.ts';
import { apiError, runAction } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

let db: Knex;
const h = loopHandlers;
const secrets: string[] = [];

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'w'.repeat(40) });
});
afterAll(() => closeTestDb(db));

describe('auth flows', () => {
  let owner: { id: number; email: string };
  let tenant: TenantContext;
  let inviteToken = '';

  it('registers the seed Quick Test user with company 001, then logs in', async () => {
    const r = await runAction(db, h['auth.register']!, {
      body: { email: 'dev@example.com', username: 'dev', password: 'strongpass123', company_name: 'Demo Company' },
    });
    expect(r.status).toBe(201);
    expect(r.body.company).toMatchObject({ code: '001', name: 'Demo Company' });
    owner = r.body.user;
    const l = await runAction(db, h['auth.login']!, { body: { email: 'dev@example.com', password: 'strongpass123' } });
    secrets.push('strongpass123', r.body.refresh, l.body.refresh, l.body.access);
    tenant = await loopServices(db).tenancy.resolve(
      { userId: owner.id, email: owner.email, isSuperuser: false, via: 'jwt' },
      '001',
      'booking',
    );
  });

  it('refuses a weak password and a duplicate email with field errors', async () => {
    const e = await apiError(
      runAction(db, h['auth.register']!, { body: { email: 'DEV@example.com', username: 'dev2', password: '12345678' } }),
    );
    expect(e.status).toBe(400);
    expect(Object.keys(e.fields!).sort()).toEqual(['email', 'password']);
  });

  it('me lists the company with role, workspaces and products', async () => {
    const principal: Principal = { userId: owner.id, email: owner.email, isSuperuser: false, via: 'jwt' };
    const r = await runAction(db, h['auth.me']!, { principal });
    expect(r.body.user.email).toBe('dev@example.com');
    expect(r.body.user).not.toHaveProperty('password_hash');
    // A new company's products are its trial plan's (the catalogue seed's `trial`).
    const trial = await db('subscription_plans').where({ code: 'trial' }).first('products');
    expect(r.body.companies).toEqual([
      expect.objectContaining({
        code: '001',
        role: 'admin',
        is_owner: true,
        workspaces: [],
        products: [...(trial.products as string[])].sort(),
      }),
    ]);
  });

  it('invites a user by email (token mailed, stored hashed) and accepting creates the account', async () => {
    const principal: Principal = { userId: owner.id, email: owner.email, isSuperuser: false, via: 'jwt' };
    const r = await runAction(db, h['auth.inviteUser']!, { principal, tenant, body: { email: 'new@example.com', products: ['booking'] } });
    expect(r.status).toBe(201);
    const mail = await db('outbox_messages').where({ to: 'new@example.com' }).first();
    inviteToken = decodeURIComponent(/\?token=(\S+)/.exec(mail.body)![1]!);
    expect(await db('invitations').where({ token_hash: inviteToken }).first()).toBeUndefined();

    const missing = await apiError(runAction(db, h['auth.acceptInvitation']!, { body: { token: inviteToken } }));
    expect(Object.keys(missing.fields!).sort()).toEqual(['password', 'username']);
    const a = await runAction(db, h['auth.acceptInvitation']!, {
      body: { token: inviteToken, username: 'newbie', password: 'violet-harbour-88' },
    });
    secrets.push('violet-harbour-88', a.body.refresh);
    expect(a.body.company.code).toBe('001');
    const t = await loopServices(db).tenancy.resolve(
      { userId: a.body.membership.user, email: 'new@example.com', isSuperuser: false, via: 'jwt' },
      '001',
      'booking',
    );
    expect(t.companyCode).toBe('001');
    await expect(
      loopServices(db).tenancy.resolve(
        { userId: a.body.membership.user, email: 'new@example.com', isSuperuser: false, via: 'jwt' },
        '001',
        'crm',
      ),
    ).rejects.toMatchObject({ code: 'product_access_denied' });
    // Single use.
    expect((await apiError(runAction(db, h['auth.acceptInvitation']!, { body: { token: inviteToken } }))).status).toBe(410);
  });

  it('inviting needs the permission to add memberships', async () => {
    const principal: Principal = { userId: 424242, email: 'x@x', isSuperuser: false, via: 'jwt' };
    const weak: TenantContext = { ...tenant, role: 'staff', permissions: new Set(['booking.services.view']) };
    expect(
      (await apiError(runAction(db, h['auth.inviteUser']!, { principal, tenant: weak, body: { email: 'z@example.com' } }))).status,
    ).toBe(403);
  });

  it('no plaintext password, refresh token or API key is stored anywhere', async () => {
    const { key, prefix } = await createInternalApiKey(db, { userId: owner.id, label: 'scan', allowedCompanyIds: [] });
    // The secret part is base64url and may itself hold '_': take everything after `loop_<prefix>_`.
    secrets.push(key, key.slice(`loop_${prefix}_`.length));
    const tables: string[] = (
      await db.raw(`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`)
    ).rows.map((r: { table_name: string }) => r.table_name);
    expect(tables).toContain('users');
    const dump: string[] = [];
    for (const t of tables) dump.push(JSON.stringify(await db(t).select()));
    const all = dump.join('\n');
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const s of secrets) expect(all.includes(s), `found a stored secret (${s.slice(0, 6)}…)`).toBe(false);
    // And the JWT signature halves of refresh tokens are not there either.
    for (const s of secrets.filter((x) => x.split('.').length === 3)) expect(all.includes(s.split('.')[2]!)).toBe(false);
  });
});
