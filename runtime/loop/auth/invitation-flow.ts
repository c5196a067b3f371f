/**
 * invite-user / accept-invitation (docs/api/loop-api.txt): an invitation into the current company (optionally a
 * workspace, a role and products), single-use, expiring after 7 days, stored as a token digest and
 * mailed through the outbox. Accepting links the signed-in user, or the existing account of the
 * invited email, or creates one from `username` + `password`; then creates or revives the membership.
 */
import type { Knex } from 'knex';
import { ApiError, validation } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { writeAudit } from '../audit/write-audit.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { grants } from '../tenancy/permissions.ts';
import { TENANT_HEADER } from '../tenancy/tenant-resolver.ts';
import { createUser } from './create-user.ts';
import { T } from './loop-schema.ts';
import { loopServices } from './loop-services.ts';
import { publishUserChanged } from '../tenancy/cache-sync.ts';
import { linkFor } from './password-reset-flow.ts';
import { randomToken, sha256Hex } from '../../security/token-hash.ts';
import { findUserByEmail, normaliseEmail } from './user-store.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Inviting adds a membership, so it needs the permission to add one. */
export const INVITE_PERMISSION = 'core.memberships.add';

export async function inviteUser(a: LoopArgs<'auth.inviteUser'>): Promise<ActionResult> {
  const { principal, tenant } = a.ctx;
  if (!principal) throw new ApiError(401, 'not_authenticated', 'Authentication credentials were not provided.');
  if (!tenant) throw new ApiError(400, 'company_header_required', `The ${TENANT_HEADER} header is required to invite into a company.`);
  if (!principal.isSuperuser && !grants(tenant.permissions, INVITE_PERMISSION)) {
    throw new ApiError(403, 'permission_denied', 'You do not have permission to invite users into this company.');
  }
  const s = loopServices(a.ctx.db);
  const b = a.body;
  const email = String(b.email ?? '').trim();
  const roleId = b.role == null ? null : Number(b.role);
  const workspaceId = b.workspace == null ? null : Number(b.workspace);
  const products = Array.isArray(b.products) ? b.products.map(String) : [];
  const fields: Record<string, string[]> = {};
  if (roleId !== null && !(await a.trx(T.roles).where({ id: roleId, company_id: tenant.companyId }).whereNull('deleted_at').first('id'))) {
    fields.role = [`Invalid pk "${b.role}" - object does not exist.`];
  }
  if (
    workspaceId !== null &&
    !(await a.trx(T.workspaces).where({ id: workspaceId, company_id: tenant.companyId }).whereNull('deleted_at').first('id'))
  ) {
    fields.workspace = [`Invalid pk "${b.workspace}" - object does not exist.`];
  }
  if (products.length) {
    const known: string[] = await a.trx(T.products).whereIn('code', products).whereNull('deleted_at').pluck('code');
    const unknown = products.filter((p) => !known.includes(p));
    if (unknown.length) fields.products = [`Unknown product code(s): ${unknown.join(', ')}.`];
  }
  if (Object.keys(fields).length) throw validation(fields);
  const existing = await findUserByEmail(a.trx, email);
  if (
    existing &&
    (await a
      .trx(T.memberships)
      .where({ company_id: tenant.companyId, user_id: existing.id, status: 'active' })
      .whereNull('deleted_at')
      .first('id'))
  ) {
    throw new ApiError(409, 'already_member', `${email} is already a member of company ${tenant.companyCode}.`);
  }
  const now = s.now();
  const token = randomToken();
  const expiresAt = new Date(now + INVITATION_TTL_MS);
  const [inv] = await a
    .trx(T.invitations)
    .insert({
      company_id: tenant.companyId,
      workspace_id: workspaceId,
      email,
      role_id: roleId,
      products: JSON.stringify(products),
      token_hash: sha256Hex(token),
      expires_at: expiresAt,
      invited_by_id: principal.userId,
      created_by: principal.userId,
      created_at: new Date(now),
      updated_at: new Date(now),
    })
    .returning(['id', 'email', 'expires_at']);
  const company = await a.trx(T.companies).where({ id: tenant.companyId }).first('name');
  await enqueueMail(a.trx, {
    to: email,
    companyId: tenant.companyId,
    subject: `You are invited to ${company?.name ?? 'a company'} on LOOP`,
    text: `You have been invited to join ${company?.name ?? 'a company'} on LOOP.\n\nAccept here (valid for 7 days, usable once):\n${linkFor('accept-invitation', token, a.baseUrl)}\n\nOr send this token to POST /api/v1/auth/accept-invitation/: ${token}`,
    payload: { kind: 'invitation', invitation_id: inv.id },
  });
  await writeAudit(a.trx, {
    action: 'invite',
    resource: 'core.invitations',
    recordId: inv.id,
    actorId: principal.userId,
    companyId: tenant.companyId,
    appId: a.ctx.appId,
    ip: a.ctx.ip,
    requestId: a.ctx.requestId,
    changes: { email, role: roleId, workspace: workspaceId, products },
  });
  return { status: 201, body: { id: inv.id, email: inv.email, expires_at: new Date(inv.expires_at).toISOString() } };
}

export async function acceptInvitation(a: LoopArgs<'auth.acceptInvitation'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const b = a.body;
  const token = String(b.token ?? '');
  const now = new Date(s.now());
  const inv = token
    ? await a
        .trx(T.invitations)
        .where({ token_hash: sha256Hex(token) })
        .forUpdate()
        .first()
    : undefined;
  if (!inv) throw validation({ token: ['This invitation token is invalid.'] });
  if (inv.accepted_at) throw new ApiError(410, 'invitation_used', 'This invitation has already been accepted.');
  if (new Date(inv.expires_at).getTime() <= now.getTime()) throw new ApiError(410, 'invitation_expired', 'This invitation has expired.');

  const principal = a.ctx.principal;
  let user = principal ? await a.trx(T.users).where({ id: principal.userId }).first() : await findUserByEmail(a.trx, inv.email);
  if (principal && normaliseEmail(user?.email ?? '') !== normaliseEmail(inv.email)) {
    throw new ApiError(403, 'invitation_email_mismatch', 'This invitation was sent to another email address.');
  }
  let tokens: { access: string; refresh: string } | null = null;
  if (!user) {
    const fields: Record<string, string[]> = {};
    if (!b.username) fields.username = ['This field is required to create your account.'];
    if (!b.password) fields.password = ['This field is required to create your account.'];
    if (Object.keys(fields).length) throw validation(fields);
    user = await createUser(a.trx, { email: inv.email, username: String(b.username), password: String(b.password) }, now);
    tokens = await s.tokens.issuePair(a.trx, user);
  } else if (!user.is_active) {
    throw new ApiError(403, 'user_inactive', 'This account is inactive.');
  }
  const membership = await upsertMembership(a.trx, inv, user.id, now);
  await grantProducts(a.trx, inv, membership.id, user.id, now);
  await a.trx(T.invitations).where({ id: inv.id }).update({ accepted_at: now, updated_at: now });
  await writeAudit(a.trx, {
    action: 'accept_invitation',
    resource: 'core.memberships',
    recordId: membership.id,
    actorId: user.id,
    companyId: inv.company_id,
    appId: a.ctx.appId,
    ip: a.ctx.ip,
    requestId: a.ctx.requestId,
    changes: { invitation: inv.id },
  });
  s.tenancy.invalidateUser(user.id);
  await publishUserChanged(s.db, a.trx, user.id);
  const company = await a.trx(T.companies).where({ id: inv.company_id }).first('id', 'code', 'name');
  return {
    body: {
      membership: {
        id: membership.id,
        company: inv.company_id,
        user: user.id,
        role: membership.role_id,
        workspace: membership.workspace_id,
        status: 'active',
      },
      company,
      access: tokens?.access ?? null,
      refresh: tokens?.refresh ?? null,
    },
  };
}

async function upsertMembership(trx: Knex, inv: Record<string, any>, userId: number, now: Date) {
  const live = await trx(T.memberships).where({ company_id: inv.company_id, user_id: userId }).whereNull('deleted_at').first('id');
  const values = {
    role_id: inv.role_id ?? null,
    workspace_id: inv.workspace_id ?? null,
    status: 'active',
    joined_at: now,
    updated_at: now,
  };
  if (live) {
    const [row] = await trx(T.memberships).where({ id: live.id }).update(values).returning(['id', 'role_id', 'workspace_id']);
    return row;
  }
  const [row] = await trx(T.memberships)
    .insert({
      company_id: inv.company_id,
      user_id: userId,
      is_owner: false,
      created_at: now,
      created_by: inv.invited_by_id ?? null,
      ...values,
    })
    .returning(['id', 'role_id', 'workspace_id']);
  return row;
}

async function grantProducts(trx: Knex, inv: Record<string, any>, membershipId: number, userId: number, now: Date) {
  const codes: string[] = typeof inv.products === 'string' ? JSON.parse(inv.products) : (inv.products ?? []);
  if (!codes.length) return;
  const products: { id: number }[] = await trx(T.products).whereIn('code', codes).select('id');
  for (const p of products) {
    const row = await trx(T.productAccess).where({ membership_id: membershipId, product_id: p.id }).whereNull('deleted_at').first('id');
    if (row) await trx(T.productAccess).where({ id: row.id }).update({ is_enabled: true, updated_at: now });
    else
      await trx(T.productAccess).insert({
        company_id: inv.company_id,
        membership_id: membershipId,
        product_id: p.id,
        is_enabled: true,
        created_at: now,
        updated_at: now,
        created_by: userId,
      });
  }
}
