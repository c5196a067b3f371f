import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { T } from '../../runtime/loop/auth/loop-schema.ts';
import { login, logout, refresh } from '../../runtime/loop/auth/session-flows.ts';
import { passwordReset, passwordResetConfirm } from '../../runtime/loop/auth/password-reset-flow.ts';
import { createSuperuser } from '../../runtime/loop/auth/create-superuser.ts';
import { apiError, runAction } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

const clock = { t: Date.UTC(2031, 0, 6, 9, 0, 0) };
let db: Knex;

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'x'.repeat(40), now: () => clock.t });
  await createSuperuser(db, { email: 'ada@example.com', password: 'analytical-engine-1843' });
});
afterAll(() => closeTestDb(db));

const signIn = async () => (await runAction(db, login, { body: { email: 'Ada@Example.com', password: 'analytical-engine-1843' } })).body;

describe('JWT access and refresh tokens', () => {
  it('login returns a verifiable access token with jti and 15-minute lifetime', async () => {
    const { access, refresh: r, user } = await signIn();
    expect(user.email).toBe('ada@example.com');
    const claims = await loopServices(db).tokens.verifyAccess(access);
    expect(claims.userId).toBe(user.id);
    expect(claims.isSuperuser).toBe(true);
    const payload = JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(15 * 60);
    expect(typeof payload.jti).toBe('string');
    const rp = JSON.parse(Buffer.from(r.split('.')[1], 'base64url').toString());
    expect(rp.exp - rp.iat).toBe(7 * 24 * 3600);
  });

  it('wrong password is a 401 without a token', async () => {
    const count = async (table: string, where: Record<string, unknown> = {}) =>
      Number((await db(table).where(where).count({ n: '*' }).first())!.n);
    const failedBefore = await count(T.auditLogs, { action: 'login_failed' });
    const tokensBefore = await count(T.refreshTokens);
    const res = await runAction(db, login, { body: { email: 'ada@example.com', password: 'nope-nope-nope' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'No active account found with the given credentials', code: 'no_active_account' });
    // The failed attempt is audited (committed although the answer is a 401) and no session is issued.
    expect(await count(T.auditLogs, { action: 'login_failed' })).toBe(failedBefore + 1);
    const row = await db(T.auditLogs).where({ action: 'login_failed' }).orderBy('id', 'desc').first();
    expect(row).toMatchObject({ resource: 'auth', ip: '203.0.113.7' });
    expect(row.actor_id).not.toBeNull();
    expect(typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes).toEqual({ email: 'ada@example.com' });
    expect(await count(T.refreshTokens)).toBe(tokensBefore);
  });

  it('an access token is refused once expired', async () => {
    const { access } = await signIn();
    clock.t += 15 * 60 * 1000 + 1000;
    const e = await apiError(loopServices(db).tokens.verifyAccess(access));
    expect(e.status).toBe(401);
    expect(e.code).toBe('token_not_valid');
  });

  it('a tampered or foreign token is refused', async () => {
    const { access } = await signIn();
    const [h, p] = access.split('.');
    expect((await apiError(loopServices(db).tokens.verifyAccess(`${h}.${p}.AAAA`))).status).toBe(401);
  });

  it('refresh rotates: the new pair works, the old refresh is blacklisted, and its reuse kills the session', async () => {
    const first = await signIn();
    const second = (await runAction(db, refresh, { body: { refresh: first.refresh } })).body;
    expect(second.refresh).not.toBe(first.refresh);
    await loopServices(db).tokens.verifyAccess(second.access);
    const reuse = await runAction(db, refresh, { body: { refresh: first.refresh } });
    expect(reuse.status).toBe(401);
    // Reuse of a rotated token revokes the whole session, including the newest tokens.
    expect((await apiError(loopServices(db).tokens.verifyAccess(second.access))).status).toBe(401);
    expect((await apiError(runAction(db, refresh, { body: { refresh: second.refresh } }))).status).toBe(401);
  });

  it('logout blacklists the refresh token and ends the session’s access tokens', async () => {
    const { access, refresh: r, user } = await signIn();
    const principal = { userId: user.id, email: user.email, isSuperuser: true, via: 'jwt' as const };
    expect((await runAction(db, logout, { body: { refresh: r }, principal })).status).toBe(204);
    expect((await apiError(runAction(db, refresh, { body: { refresh: r } }))).status).toBe(401);
    expect((await apiError(loopServices(db).tokens.verifyAccess(access))).code).toBe('token_not_valid');
    expect(await db('audit_logs').where({ action: 'logout', actor_id: user.id }).first()).toBeTruthy();
  });

  it('an expired refresh token is refused', async () => {
    const { refresh: r } = await signIn();
    clock.t += 7 * 24 * 3600 * 1000 + 1000;
    expect((await apiError(runAction(db, refresh, { body: { refresh: r } }))).status).toBe(401);
  });

  it('password reset: single use, never reveals the email, revokes every session', async () => {
    const a = await signIn();
    const unknown = await runAction(db, passwordReset, { body: { email: 'nobody@example.com' } });
    const known = await runAction(db, passwordReset, { body: { email: 'ada@example.com' } });
    expect(unknown.status).toBe(202);
    expect(known).toEqual(unknown);
    const mail = await db('outbox_messages').where({ to: 'ada@example.com' }).orderBy('id', 'desc').first();
    const token = decodeURIComponent(/\?token=(\S+)/.exec(mail.body)![1]!);
    const row = await db('password_resets').orderBy('id', 'desc').first();
    expect(row.token_hash).not.toBe(token);

    const weak = await apiError(runAction(db, passwordResetConfirm, { body: { token, new_password: '12345678' } }));
    expect(weak.fields?.new_password?.length).toBeGreaterThan(0);
    await runAction(db, passwordResetConfirm, { body: { token, new_password: 'difference-engine-1822' } });
    expect(
      (await apiError(runAction(db, passwordResetConfirm, { body: { token, new_password: 'difference-engine-1822' } }))).fields?.token,
    ).toBeTruthy();
    expect((await apiError(loopServices(db).tokens.verifyAccess(a.access))).status).toBe(401);
    expect((await apiError(runAction(db, refresh, { body: { refresh: a.refresh } }))).status).toBe(401);
    const ok = await runAction(db, login, { body: { email: 'ada@example.com', password: 'difference-engine-1822' } });
    expect(ok.body.access).toBeTruthy();
  });
});
