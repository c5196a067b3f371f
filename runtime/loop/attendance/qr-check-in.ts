/**
 * `POST attendance/sessions/{id}/qr-token/` issues a QR token; `POST attendance/qr-check-in/`
 * verifies it and records the caller's attendance once per session (409 on a second check-in).
 * The session row is locked while checking, so two scans of the same person cannot both insert.
 */
import { attendanceRecordResource as records, attendanceSessionResource as sessions } from '../../../generated/loop/server/attendance.ts';
import { ApiError, conflict, notFound, validation } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { T } from '../auth/loop-schema.ts';
import { newQrSecret, parseQrToken, signQrToken, verifyQrSignature } from './qr-token.ts';
import { companyId, userId } from '../handler-kit/tenant.ts';
import { assertTransition } from '../handler-kit/transitions.ts';
import { fetchRow } from '../handler-kit/rows.ts';

const CHECK_IN_OPEN = ['scheduled', 'open'];

export async function qrToken(a: LoopArgs<'attendance.qrToken'>): Promise<ActionResult> {
  const company = companyId(a);
  const ttl = a.body.ttl_seconds;
  const s = await a
    .trx(sessions.table)
    .where({ id: a.params.id, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'qr_secret');
  if (!s) throw notFound(`Session ${a.params.id} not found.`);
  assertTransition(`Session ${s.id}`, 'qr-token', s.status, CHECK_IN_OPEN);
  const secret = (s.qr_secret as string | null) ?? newQrSecret();
  const expiresAt = Date.now() + ttl * 1000;
  const token = signQrToken(secret, company, Number(s.id), expiresAt);
  await a.trx(sessions.table).where({ id: s.id }).update({ qr_secret: secret, qr_token: token, updated_at: new Date() });
  await a.audit({ action: 'qr-token', resource: sessions.id, recordId: s.id, changes: { expires_at: new Date(expiresAt).toISOString() } });
  return { status: 200, body: { session: Number(s.id), qr_token: token, expires_at: new Date(expiresAt).toISOString() } };
}

type CheckInBody = LoopArgs<'attendance.qrCheckIn'>['body'];

async function personOf(a: ActionContext, company: number, body: CheckInBody) {
  const uid = userId(a);
  const m =
    uid === null ? undefined : await a.trx(T.memberships).where({ company_id: company, user_id: uid }).whereNull('deleted_at').first('id');
  const u = uid === null ? undefined : await a.trx(T.users).where({ id: uid }).first('first_name', 'last_name', 'username', 'email');
  const fromUser = u ? [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username || u.email : null;
  const name = body.person_name?.trim() || fromUser;
  if (!name) throw validation({ person_name: ['Required when no signed-in user is checking in.'] });
  // A named third party (kiosk checking someone in) is not the signed-in member.
  const membership = body.person_name ? null : (m?.id ?? null);
  return { name: String(name).slice(0, 200), membership, code: body.person_code ?? null };
}

export async function qrCheckIn(a: LoopArgs<'attendance.qrCheckIn'>): Promise<ActionResult> {
  const company = companyId(a);
  const body = a.body;
  const t = parseQrToken(body.qr_token);
  if (!t) throw validation({ qr_token: ['Not a LOOP attendance QR token.'] });
  const s = await a
    .trx(sessions.table)
    .where({ id: t.session, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'qr_secret', 'starts_at', 'late_after_minutes');
  // Unknown session and bad signature look the same to the caller: the token is not one of ours.
  if (!s || !s.qr_secret || !verifyQrSignature(s.qr_secret, company, t)) throw notFound('Unknown QR token.');
  if (t.expiresAt < Date.now()) throw new ApiError(410, 'qr_token_expired', 'This QR code has expired; scan the current one.');
  if (!CHECK_IN_OPEN.includes(s.status))
    throw new ApiError(410, 'session_closed', `Session ${s.id} is ${s.status}; check-in is closed.`, {
      details: { current_status: s.status },
    });

  const person = await personOf(a, company, body);
  const dup = await a
    .trx(records.table)
    .where({ session_id: s.id, company_id: company })
    .whereNull('deleted_at')
    .where((q) => {
      if (person.membership !== null) q.orWhere('membership_id', person.membership);
      if (person.code) q.orWhere('person_code', person.code);
      if (person.membership === null && !person.code) q.orWhereRaw('lower(person_name) = lower(?)', [person.name]);
    })
    .first('id', 'check_in_at');
  if (dup) {
    throw conflict(`${person.name} is already checked in to session ${s.id}.`, 'already_checked_in', {
      details: { record: Number(dup.id) },
    });
  }
  const now = new Date();
  const lateAt = new Date(new Date(s.starts_at).getTime() + Number(s.late_after_minutes ?? 0) * 60_000);
  const [row] = await a
    .trx(records.table)
    .insert({
      company_id: company,
      session_id: s.id,
      person_name: person.name,
      person_code: person.code,
      membership_id: person.membership,
      status: now > lateAt ? 'late' : 'present',
      check_in_at: now,
      method: 'qr',
      latitude: body.latitude ?? null,
      longitude: body.longitude ?? null,
      created_at: now,
      updated_at: now,
      created_by: userId(a),
    })
    .returning('id');
  const id = (row as { id: number | string }).id;
  await a.audit({
    action: 'qr-check-in',
    resource: records.id,
    recordId: id,
    changes: { session: Number(s.id), person_name: person.name },
  });
  return { status: 201, body: await fetchRow(a.trx, records, company, id, 'Record') };
}
