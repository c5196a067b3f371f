/**
 * The LOOP auth flows called as handlers, each rule with the words and rows it leaves: register, login, logout,
 * refresh, password reset and invitations. Users are mostly inserted directly (one argon2 hash for the file),
 * so it is quick enough for every mutant of `npm run mutate -- auth`.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, INVITATION_TTL_MS, INVITE_PERMISSION, inviteUser } from '../../runtime/loop/auth/invitation-flow.ts';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { linkFor, passwordReset, passwordResetConfirm, RESET_TTL_MS } from '../../runtime/loop/auth/password-reset-flow.ts';
import { login, logout, refresh, register } from '../../runtime/loop/auth/session-flows.ts';
import { createUser } from '../../runtime/loop/auth/create-user.ts';
import { provisionCompany } from '../../runtime/loop/auth/company-provisioning.ts';
import type { Principal, TenantContext } from '../../runtime/runtime-api.ts';
import { sha256Hex } from '../../runtime/security/token-hash.ts';
import { hashPassword, verifyPassword } from '../../runtime/security/password-hash.ts';
import { apiError, runAction } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

const clock = { t: Date.UTC(2031, 8, 1, 10, 0, 0) };
const PASSWORD = 'violet-harbour-58';
let db: Knex;
let hash: string;
let seq = 0;

async function user(extra: Record<string, unknown> = {}) {
  const n = ++seq;
  const [row] = await db('users')
    .insert({ email: `Flow${n}@Flows.test`, username: `flow${n}`, password_hash: hash, is_active: true, ...extra })
    .returning(['id', 'email']);
  return { id: Number(row.id), email: row.email as string };
}
const principalOf = (u: { id: number; email: string }, extra: Partial<Principal> = {}): Principal => ({
  userId: u.id,
  email: u.email,
  isSuperuser: false,
  via: 'jwt',
  ...extra,
});
const audits = (action: string, actor?: number) =>
  db('audit_logs')
    .where({ action, ...(actor ? { actor_id: actor } : {}) })
    .orderBy('id');
const lastMail = (to: string) => db('outbox_messages').where({ to }).orderBy('id', 'desc').first();
const tokenOf = (body: string) => decodeURIComponent(/\?token=(\S+)/.exec(body)![1]!);

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'f'.repeat(40), now: () => clock.t, limits: { registerPerIp: 1000, loginPerIp: 1000, resetPerIp: 1000 } });
  hash = await hashPassword(PASSWORD);
});
afterAll(() => closeTestDb(db));

describe('register', () => {
  it('creates the user (trimmed, names kept), a company when named, tokens, and an audit row', async () => {
    const r = await runAction(db, register, {
      body: {
        email: '  reg1@flows.test ',
        username: ' reg1 ',
        password: 'amber-lantern-41',
        first_name: 'Ada',
        last_name: null,
        company_name: '  Reg One ',
      },
      ip: '198.51.100.20',
    });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: 'reg1@flows.test', username: 'reg1', first_name: 'Ada', last_name: '' });
    expect(r.body.company).toMatchObject({ name: 'Reg One', slug: 'reg-one' });
    const claims = await loopServices(db).tokens.verifyAccess(r.body.access);
    expect(claims.userId).toBe(r.body.user.id);
    const row = await db('users').where({ id: r.body.user.id }).first();
    expect(row).toMatchObject({ last_name: null, is_superuser: false });
    expect(await verifyPassword(row.password_hash, 'amber-lantern-41')).toBe(true);
    const [audit] = await audits('register', r.body.user.id);
    expect(audit).toMatchObject({
      resource: 'auth',
      record_id: String(r.body.user.id),
      company_id: r.body.company.id,
      ip: '198.51.100.20',
    });
    expect(await db('memberships').where({ user_id: r.body.user.id, is_owner: true }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it('keeps a last name; the company gets the trimmed email', async () => {
    const r = await runAction(db, register, {
      body: {
        email: ' reg3@flows.test ',
        username: 'reg3',
        password: 'amber-lantern-43',
        last_name: 'Lovelace',
        company_name: 'Reg Three',
      },
    });
    expect(await db('users').where({ id: r.body.user.id }).first('last_name', 'first_name')).toEqual({
      last_name: 'Lovelace',
      first_name: null,
    });
    expect(await db('companies').where({ id: r.body.company.id }).first('email')).toEqual({ email: 'reg3@flows.test' });
  });

  it('createUser refuses a taken email or username (any case) and a password like them, all at once; trims; not a superuser', async () => {
    const first = await db.transaction((trx) =>
      createUser(
        trx,
        { email: '  cu1@flows.test ', username: ' cu1 ', password: 'amber-lantern-44', last_name: 'Byron' },
        new Date(clock.t),
      ),
    );
    expect(first).toMatchObject({
      email: 'cu1@flows.test',
      username: 'cu1',
      last_name: 'Byron',
      first_name: null,
      is_active: true,
      is_superuser: false,
    });
    const e = await apiError(
      db.transaction((trx) => createUser(trx, { email: 'CU1@FLOWS.TEST', username: 'CU1', password: 'cu1@flows.test' })),
    );
    expect((e as any).fields).toEqual({
      email: ['A user with that email already exists.'],
      username: ['A user with that username already exists.'],
      password: ['The password is too similar to the email or username.'],
    });
    const weak = await apiError(
      db.transaction((trx) => createUser(trx, { email: 'cu2@flows.test', username: 'zebra-cu2', password: 'zebra-cu2' })),
    );
    expect((weak as any).fields).toEqual({ password: ['The password is too similar to the email or username.'] });
    const root = await db.transaction((trx) =>
      createUser(trx, { email: 'cu3@flows.test', username: 'cu3', password: 'amber-lantern-45', is_superuser: true }),
    );
    expect(root.is_superuser).toBe(true);
  });

  it('without a company name there is no company; the audit row names none', async () => {
    const r = await runAction(db, register, {
      body: { email: 'reg2@flows.test', username: 'reg2', password: 'amber-lantern-42', company_name: '   ' },
    });
    expect(r.body.company).toBeNull();
    expect(r.body.user).toMatchObject({ first_name: '', last_name: '' });
    expect(await db('users').where({ id: r.body.user.id }).first('first_name')).toEqual({ first_name: null });
    expect(await db('memberships').where({ user_id: r.body.user.id }).first()).toBeUndefined();
  });

  it('is throttled per email', async () => {
    for (let i = 0; i < 5; i++) {
      await apiError(runAction(db, register, { body: { email: 'Throttle@flows.test', username: '', password: '' }, ip: `10.1.0.${i}` }));
    }
    const e = await apiError(
      runAction(db, register, { body: { email: 'throttle@flows.test ', username: '', password: '' }, ip: '10.1.0.9' }),
    );
    expect(e.status).toBe(429);
  });
});

describe('login', () => {
  it('answers tokens and the user, stamps last_login and audits; email case and spaces do not matter', async () => {
    const u = await user();
    const r = await runAction(db, login, { body: { email: `  ${u.email.toUpperCase()} `, password: PASSWORD }, ip: '198.51.100.21' });
    expect(r.status).toBeUndefined();
    expect(r.body.user).toMatchObject({ id: u.id, last_login: new Date(clock.t).toISOString() });
    expect((await loopServices(db).tokens.verifyAccess(r.body.access)).userId).toBe(u.id);
    expect(new Date((await db('users').where({ id: u.id }).first('last_login')).last_login).getTime()).toBe(clock.t);
    expect(await audits('login', u.id)).toEqual([
      expect.objectContaining({ resource: 'auth', record_id: String(u.id), ip: '198.51.100.21' }),
    ]);
    const other = await user();
    await runAction(db, login, { body: { email: u.email, password: PASSWORD } });
    expect(await db('users').where({ id: other.id }).first('last_login')).toEqual({ last_login: null });
  });

  it('a wrong password, an unknown email and an inactive user are the same 401, audited', async () => {
    const u = await user();
    const off = await user({ is_active: false });
    const answer = { status: 401, body: { detail: 'No active account found with the given credentials', code: 'no_active_account' } };
    expect(await runAction(db, login, { body: { email: u.email, password: 'wrong-password-1' } })).toEqual(answer);
    expect(await runAction(db, login, { body: { email: off.email, password: PASSWORD } })).toEqual(answer);
    expect(await runAction(db, login, { body: { email: 'nobody@flows.test', password: PASSWORD } })).toEqual(answer);
    expect(await runAction(db, login, { body: {} })).toEqual(answer);
    const failed = await db('audit_logs').where({ action: 'login_failed' }).whereIn('actor_id', [u.id, off.id]);
    expect(failed).toHaveLength(2);
    const anon = await db('audit_logs').where({ action: 'login_failed' }).whereNull('actor_id').orderBy('id', 'desc').first();
    expect(anon.changes).toEqual({ email: '' });
    expect(await db('users').where({ id: u.id }).first('last_login')).toEqual({ last_login: null });
  });

  it('is throttled per email', async () => {
    const u = await user();
    for (let i = 0; i < 10; i++) await runAction(db, login, { body: { email: u.email, password: 'nope-nope-nope' }, ip: `10.2.0.${i}` });
    expect((await apiError(runAction(db, login, { body: { email: u.email, password: PASSWORD }, ip: '10.2.1.1' }))).status).toBe(429);
  });
});

describe('logout and refresh', () => {
  it('both need a refresh token (DRF field error)', async () => {
    for (const flow of [logout, refresh]) {
      const e = await apiError(runAction(db, flow, { body: {} }));
      expect(e).toMatchObject({ status: 400, code: 'validation_error', fields: { refresh: ['This field is required.'] } });
      expect((e as unknown as Error).message).toBe('refresh: This field is required.');
      expect((await apiError(runAction(db, flow, { body: { refresh: 42 } }))).status).toBe(400);
    }
  });

  it("logout ends the caller's own session only, audited", async () => {
    const u = await user();
    const other = await user();
    const pair = await db.transaction((trx) => loopServices(db).tokens.issuePair(trx, { id: u.id, email: u.email, is_superuser: false }));
    const e = await apiError(runAction(db, logout, { body: { refresh: pair.refresh }, principal: principalOf(other) }));
    expect(e).toMatchObject({ status: 401, code: 'token_not_valid' });
    // Rolled back: nothing of the session is blacklisted. (The process's revoked-session cache still says
    // revoked for its 5 s TTL, as the token service marks it before the handler refuses.)
    expect(await db('token_blacklist').where({ user_id: u.id })).toEqual([]);
    expect(await runAction(db, logout, { body: { refresh: pair.refresh }, principal: principalOf(u) })).toEqual({
      status: 204,
      body: null,
    });
    expect(await audits('logout', u.id)).toEqual([expect.objectContaining({ resource: 'auth', record_id: String(u.id) })]);
    const anon = await db.transaction((trx) => loopServices(db).tokens.issuePair(trx, { id: u.id, email: u.email, is_superuser: false }));
    expect((await runAction(db, logout, { body: { refresh: anon.refresh } })).status).toBe(204);
  });

  it('refresh answers a new pair; a reused token is a committed 401', async () => {
    const u = await user();
    const pair = await db.transaction((trx) => loopServices(db).tokens.issuePair(trx, { id: u.id, email: u.email, is_superuser: false }));
    const next = await runAction(db, refresh, { body: { refresh: pair.refresh } });
    expect(Object.keys(next.body).sort()).toEqual(['access', 'refresh']);
    expect(await runAction(db, refresh, { body: { refresh: pair.refresh } })).toEqual({
      status: 401,
      body: { detail: 'Token is blacklisted', code: 'token_not_valid' },
    });
    await db('users').where({ id: u.id }).update({ is_active: false });
    expect((await apiError(runAction(db, refresh, { body: { refresh: next.body.refresh } }))).status).toBe(401);
  });
});

describe('password reset', () => {
  it('mails a one-hour single-use link to active users only; the answer is always the same 202', async () => {
    const u = await user();
    const off = await user({ is_active: false });
    const accepted = { status: 202, body: { detail: 'If an account exists for this email, a password reset link has been sent.' } };
    expect(await runAction(db, passwordReset, { body: { email: ` ${u.email.toUpperCase()} ` }, ip: '198.51.100.30' })).toEqual(accepted);
    expect(await runAction(db, passwordReset, { body: { email: off.email } })).toEqual(accepted);
    expect(await runAction(db, passwordReset, { body: {} })).toEqual(accepted);
    expect(await lastMail(off.email)).toBeUndefined();
    const mail = await lastMail(u.email);
    expect(mail.subject).toBe('Reset your LOOP password');
    expect(mail.payload).toEqual({ kind: 'password_reset', user_id: u.id });
    const token = tokenOf(mail.body);
    expect(mail.body).toContain(`http://loop.test/reset-password?token=${encodeURIComponent(token)}`);
    expect(mail.body).toContain(`POST /api/v1/auth/password-reset-confirm/: ${token}`);
    const row = await db('password_resets')
      .where({ token_hash: sha256Hex(token) })
      .first();
    expect(row).toMatchObject({ user_id: u.id, used_at: null });
    expect(RESET_TTL_MS).toBe(3_600_000);
    expect(new Date(row.expires_at).getTime()).toBe(clock.t + RESET_TTL_MS);
    expect(await audits('password_reset_requested', u.id)).toEqual([
      expect.objectContaining({ resource: 'auth', ip: '198.51.100.30', record_id: String(u.id) }),
    ]);
  });

  it('links use LOOP_FRONTEND_URL without trailing slashes, else the API base', () => {
    const saved = process.env.LOOP_FRONTEND_URL;
    try {
      delete process.env.LOOP_FRONTEND_URL;
      expect(linkFor('x', 'a b/c', 'http://api.test//')).toBe('http://api.test/x?token=a%20b%2Fc');
      process.env.LOOP_FRONTEND_URL = 'https://app.test///';
      expect(linkFor('reset-password', 't', 'http://api.test')).toBe('https://app.test/reset-password?token=t');
    } finally {
      if (saved === undefined) delete process.env.LOOP_FRONTEND_URL;
      else process.env.LOOP_FRONTEND_URL = saved;
    }
  });

  it('confirm: sets the password, spends every open token of the user, ends every session, audited', async () => {
    const u = await user();
    await runAction(db, passwordReset, { body: { email: u.email } });
    const first = tokenOf((await lastMail(u.email)).body);
    await runAction(db, passwordReset, { body: { email: u.email } });
    const second = tokenOf((await lastMail(u.email)).body);
    const session = await db.transaction((trx) =>
      loopServices(db).tokens.issuePair(trx, { id: u.id, email: u.email, is_superuser: false }),
    );
    // Someone else with an open reset: their password and token are not touched.
    const bystander = await user();
    await runAction(db, passwordReset, { body: { email: bystander.email } });
    const theirs = tokenOf((await lastMail(bystander.email)).body);
    // A token that is not one of them is refused even while valid ones exist.
    const wrong = await apiError(runAction(db, passwordResetConfirm, { body: { token: 'not-a-token', new_password: 'copper-meadow-93' } }));
    expect(wrong.fields).toEqual({ token: ['This reset token is invalid or has expired.'] });
    const ok = await runAction(db, passwordResetConfirm, {
      body: { token: second, new_password: 'copper-meadow-93' },
      ip: '198.51.100.31',
    });
    expect(ok.body).toEqual({ detail: 'Your password has been reset. Please log in again.' });
    expect(await verifyPassword((await db('users').where({ id: u.id }).first()).password_hash, 'copper-meadow-93')).toBe(true);
    const rows = await db('password_resets').where({ user_id: u.id });
    expect(rows.every((r) => new Date(r.used_at).getTime() === clock.t)).toBe(true);
    const invalid = { token: ['This reset token is invalid or has expired.'] };
    expect(
      (await apiError(runAction(db, passwordResetConfirm, { body: { token: first, new_password: 'copper-meadow-94' } }))).fields,
    ).toEqual(invalid);
    expect((await apiError(loopServices(db).tokens.verifyAccess(session.access))).code).toBe('token_not_valid');
    expect(await audits('password_reset', u.id)).toEqual([expect.objectContaining({ resource: 'auth', ip: '198.51.100.31' })]);
    expect((await db('users').where({ id: bystander.id }).first('password_hash')).password_hash).toBe(hash);
    expect(
      (
        await db('password_resets')
          .where({ token_hash: sha256Hex(theirs) })
          .first()
      ).used_at,
    ).toBeNull();
  });

  it("confirm refuses a missing, expired or inactive user's token, and a weak password naming new_password", async () => {
    const u = await user();
    await runAction(db, passwordReset, { body: { email: u.email } });
    const token = tokenOf((await lastMail(u.email)).body);
    const invalid = { token: ['This reset token is invalid or has expired.'] };
    expect((await apiError(runAction(db, passwordResetConfirm, { body: { new_password: 'copper-meadow-93' } }))).fields).toEqual(invalid);
    const weak = await apiError(runAction(db, passwordResetConfirm, { body: { token, new_password: u.email } }));
    expect(Object.keys(weak.fields!)).toEqual(['new_password']);
    expect((await apiError(runAction(db, passwordResetConfirm, { body: { token } }))).fields?.new_password?.[0]).toMatch(/too short/);
    clock.t += RESET_TTL_MS;
    try {
      expect((await apiError(runAction(db, passwordResetConfirm, { body: { token, new_password: 'copper-meadow-93' } }))).fields).toEqual(
        invalid,
      );
    } finally {
      clock.t -= RESET_TTL_MS;
    }
    await db('users').where({ id: u.id }).update({ is_active: false });
    expect((await apiError(runAction(db, passwordResetConfirm, { body: { token, new_password: 'copper-meadow-93' } }))).fields).toEqual(
      invalid,
    );
  });
});

describe('invitations', () => {
  async function setup() {
    const owner = await user();
    const made = await db.transaction((trx) =>
      provisionCompany(trx, { name: `Inviting ${++seq}`, ownerId: owner.id, now: new Date(clock.t) }),
    );
    const tenant: TenantContext = {
      companyId: made.company.id,
      companyCode: made.company.code,
      role: 'admin',
      permissions: new Set(['*']),
    };
    return { owner, company: made.company, tenant, roleId: made.roleId };
  }
  const invite = (p: Principal | null, tenant: TenantContext | null, body: Record<string, unknown>) =>
    runAction(db, inviteUser, { principal: p, tenant, body, ip: '198.51.100.40' });

  it('needs a signed-in user, a company and core.memberships.add (superusers need no permission)', async () => {
    const { owner, tenant } = await setup();
    expect(INVITE_PERMISSION).toBe('core.memberships.add');
    const anon = await apiError(invite(null, tenant, { email: 'x@flows.test' }));
    expect(anon).toMatchObject({ status: 401, code: 'not_authenticated' });
    expect((anon as unknown as Error).message).toBe('Authentication credentials were not provided.');
    const none = await apiError(invite(principalOf(owner), null, { email: 'x@flows.test' }));
    expect(none).toMatchObject({ status: 400, code: 'company_header_required' });
    expect((none as unknown as Error).message).toBe('The X-Company-ID header is required to invite into a company.');
    const weak = { ...tenant, permissions: new Set(['core.memberships.view']) };
    const denied = await apiError(invite(principalOf(owner), weak, { email: 'x@flows.test' }));
    expect(denied).toMatchObject({ status: 403, code: 'permission_denied' });
    expect((denied as unknown as Error).message).toBe('You do not have permission to invite users into this company.');
    expect(
      (await invite(principalOf(owner), { ...tenant, permissions: new Set(['core.memberships.add']) }, { email: 'y@flows.test' })).status,
    ).toBe(201);
    expect((await invite(principalOf(owner, { isSuperuser: true }), weak, { email: 'z@flows.test' })).status).toBe(201);
  });

  it('checks role, workspace and products against the company, all at once', async () => {
    const { owner, tenant } = await setup();
    const other = await setup();
    const [ws] = await db('workspaces').insert({ company_id: other.company.id, name: 'W', slug: 'w' }).returning('id');
    const e = await apiError(
      invite(principalOf(owner), tenant, {
        email: 'v@flows.test',
        role: other.roleId,
        workspace: ws.id,
        products: ['crm', 'nope', 'zilch'],
      }),
    );
    expect((e as any).fields).toEqual({
      role: [`Invalid pk "${other.roleId}" - object does not exist.`],
      workspace: [`Invalid pk "${ws.id}" - object does not exist.`],
      products: ['Unknown product code(s): nope, zilch.'],
    });
  });

  it('stores the invitation hashed, mails it, audits it; an active member cannot be invited again', async () => {
    const { owner, company, tenant, roleId } = await setup();
    const [ws] = await db('workspaces').insert({ company_id: company.id, name: 'Main', slug: 'main' }).returning('id');
    const r = await invite(principalOf(owner), tenant, { email: '  inv1@flows.test ', role: roleId, workspace: ws.id, products: ['crm'] });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(Number),
      email: 'inv1@flows.test',
      expires_at: new Date(clock.t + INVITATION_TTL_MS).toISOString(),
    });
    expect(INVITATION_TTL_MS).toBe(7 * 24 * 3600 * 1000);
    const mail = await lastMail('inv1@flows.test');
    expect(mail.subject).toBe(`You are invited to ${company.name} on LOOP`);
    expect(mail.company_id).toBe(company.id);
    expect(mail.payload).toEqual({ kind: 'invitation', invitation_id: r.body.id });
    const token = tokenOf(mail.body);
    expect(mail.body).toContain(`accept-invitation?token=`);
    expect(mail.body).toContain(`POST /api/v1/auth/accept-invitation/: ${token}`);
    const row = await db('invitations').where({ id: r.body.id }).first();
    expect(row).toMatchObject({
      company_id: company.id,
      workspace_id: ws.id,
      role_id: roleId,
      products: ['crm'],
      token_hash: sha256Hex(token),
      invited_by_id: owner.id,
      created_by: owner.id,
      accepted_at: null,
    });
    const [audit] = await audits('invite', owner.id);
    expect(audit).toMatchObject({
      resource: 'core.invitations',
      record_id: String(r.body.id),
      company_id: company.id,
      ip: '198.51.100.40',
    });
    expect(audit.changes).toEqual({ email: 'inv1@flows.test', role: roleId, workspace: ws.id, products: ['crm'] });
    const again = await apiError(invite(principalOf(owner), tenant, { email: owner.email.toLowerCase() }));
    expect(again).toMatchObject({ status: 409, code: 'already_member' });
    expect((again as unknown as Error).message).toBe(`${owner.email.toLowerCase()} is already a member of company ${company.code}.`);
  });

  it('accepting: new account with tokens; the invitation is spent; products granted', async () => {
    const { owner, company, tenant } = await setup();
    await invite(principalOf(owner), tenant, { email: 'inv2@flows.test', products: ['crm'] });
    const token = tokenOf((await lastMail('inv2@flows.test')).body);
    const missing = await apiError(runAction(db, acceptInvitation, { body: { token, username: 'inv2' } }));
    expect((missing as any).fields).toEqual({ password: ['This field is required to create your account.'] });
    const missingName = await apiError(runAction(db, acceptInvitation, { body: { token, password: 'pale-ember-77' } }));
    expect((missingName as any).fields).toEqual({ username: ['This field is required to create your account.'] });
    const a = await runAction(db, acceptInvitation, { body: { token, username: 'inv2', password: 'pale-ember-77' }, ip: '198.51.100.41' });
    expect(a.body.membership).toMatchObject({ company: company.id, role: null, workspace: null, status: 'active' });
    expect(a.body.company).toEqual({ id: company.id, code: company.code, name: company.name });
    expect((await loopServices(db).tokens.verifyAccess(a.body.access)).userId).toBe(a.body.membership.user);
    expect(a.body.refresh).toEqual(expect.any(String));
    const access = await db('product_access').where({ membership_id: a.body.membership.id });
    expect(access).toEqual([expect.objectContaining({ company_id: company.id, is_enabled: true, created_by: a.body.membership.user })]);
    expect(await db('memberships').where({ id: a.body.membership.id }).first('is_owner', 'created_by')).toEqual({
      is_owner: false,
      created_by: owner.id,
    });
    const [audit] = await audits('accept_invitation', a.body.membership.user);
    expect(audit).toMatchObject({
      resource: 'core.memberships',
      record_id: String(a.body.membership.id),
      company_id: company.id,
      changes: { invitation: expect.any(Number) },
    });
    const used = await apiError(runAction(db, acceptInvitation, { body: { token } }));
    expect(used).toMatchObject({ status: 410, code: 'invitation_used' });
    expect((used as unknown as Error).message).toBe('This invitation has already been accepted.');
  });

  it('accepting as an existing account revives its membership and re-enables products; no new tokens', async () => {
    const { owner, company, tenant, roleId } = await setup();
    const member = await user();
    const [m] = await db('memberships').insert({ company_id: company.id, user_id: member.id, status: 'suspended' }).returning('id');
    const crm = await db('products').where({ code: 'crm' }).first('id');
    await db('product_access').insert({ company_id: company.id, membership_id: m.id, product_id: crm.id, is_enabled: false });
    await invite(principalOf(owner), tenant, { email: member.email, role: roleId, products: ['crm'] });
    const token = tokenOf((await lastMail(member.email)).body);
    const a = await runAction(db, acceptInvitation, { body: { token } });
    expect(a.body).toMatchObject({
      access: null,
      refresh: null,
      membership: { id: m.id, user: member.id, role: roleId, status: 'active' },
    });
    expect(await db('memberships').where({ id: m.id }).first('status')).toEqual({ status: 'active' });
    expect(await db('product_access').where({ membership_id: m.id })).toEqual([expect.objectContaining({ is_enabled: true })]);
    // Only this membership's row was re-enabled.
    const bystander = await user();
    const [bm] = await db('memberships').insert({ company_id: company.id, user_id: bystander.id, status: 'active' }).returning('id');
    await db('product_access').insert({ company_id: company.id, membership_id: bm.id, product_id: crm.id, is_enabled: false });
    await invite(principalOf(owner), tenant, { email: 'again@flows.test', products: ['crm'] });
    const again = await user({ email: 'again@flows.test', username: `again${seq}` });
    const [am] = await db('memberships').insert({ company_id: company.id, user_id: again.id, status: 'suspended' }).returning('id');
    await db('product_access').insert({ company_id: company.id, membership_id: am.id, product_id: crm.id, is_enabled: false });
    await runAction(db, acceptInvitation, { body: { token: tokenOf((await lastMail('again@flows.test')).body) } });
    expect(await db('product_access').where({ membership_id: bm.id }).first('is_enabled')).toEqual({ is_enabled: false });
    expect(await db('product_access').where({ membership_id: am.id }).first('is_enabled')).toEqual({ is_enabled: true });
  });

  it('refuses an unknown token, an expired invitation, another signed-in user and an inactive account', async () => {
    const { owner, tenant } = await setup();
    const invalid = await apiError(runAction(db, acceptInvitation, { body: { token: 'nope' } }));
    expect((invalid as any).fields).toEqual({ token: ['This invitation token is invalid.'] });
    expect((await apiError(runAction(db, acceptInvitation, { body: {} }))).status).toBe(400);

    const stranger = await user();
    const off = await user({ is_active: false });
    await invite(principalOf(owner), tenant, { email: off.email });
    const offToken = tokenOf((await lastMail(off.email)).body);
    // A signed-in principal whose user row is gone is no match either.
    const ghost = await apiError(
      runAction(db, acceptInvitation, { body: { token: offToken }, principal: principalOf({ id: 987654321, email: off.email }) }),
    );
    expect(ghost).toMatchObject({ status: 403, code: 'invitation_email_mismatch' });
    const mismatch = await apiError(runAction(db, acceptInvitation, { body: { token: offToken }, principal: principalOf(stranger) }));
    expect(mismatch).toMatchObject({ status: 403, code: 'invitation_email_mismatch' });
    expect((mismatch as unknown as Error).message).toBe('This invitation was sent to another email address.');
    const inactive = await apiError(runAction(db, acceptInvitation, { body: { token: offToken } }));
    expect(inactive).toMatchObject({ status: 403, code: 'user_inactive' });
    expect((inactive as unknown as Error).message).toBe('This account is inactive.');
    // Signed in as the invited user (email compared case-insensitively): accepted.
    const invited = await user();
    await invite(principalOf(owner), tenant, { email: invited.email.toLowerCase() });
    const t2 = tokenOf((await lastMail(invited.email.toLowerCase())).body);
    expect((await runAction(db, acceptInvitation, { body: { token: t2 }, principal: principalOf(invited) })).body.membership.user).toBe(
      invited.id,
    );

    await invite(principalOf(owner), tenant, { email: 'late@flows.test' });
    const late = tokenOf((await lastMail('late@flows.test')).body);
    clock.t += INVITATION_TTL_MS;
    try {
      const expired = await apiError(
        runAction(db, acceptInvitation, { body: { token: late, username: 'late', password: 'pale-ember-78' } }),
      );
      expect(expired).toMatchObject({ status: 410, code: 'invitation_expired' });
      expect((expired as unknown as Error).message).toBe('This invitation has expired.');
    } finally {
      clock.t -= INVITATION_TTL_MS;
    }
  });
});
