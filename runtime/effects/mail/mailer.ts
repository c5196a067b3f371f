/**
 * The mail effect. Handlers enqueue mail inside their transaction (`outbox_messages`, channel email),
 * so a message exists exactly when the change that caused it commits; a sender delivers later.
 * With `SMTP_URL` set, `createMailSender` delivers through nodemailer; without it messages stay in
 * the outbox (visible to developers and tests) — nothing is ever lost or sent twice by a rollback.
 */
import type { Knex } from 'knex';

export const OUTBOX_TABLE = 'outbox_messages';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  /** Plain-text body. */
  readonly text: string;
  readonly html?: string;
  readonly companyId?: number | null;
  /** Structured data for templates and tests (e.g. `{ kind: 'password_reset', token }`) — never secrets at rest; see callers. */
  readonly payload?: Record<string, unknown>;
}

/** One outbox row, pending delivery; shared by every channel (email here, SMS in effects/sms). */
export async function enqueueOutbox(
  trx: Knex,
  msg: {
    channel: 'email' | 'sms' | 'webhook';
    to: string;
    subject: string | null;
    body: string;
    companyId: number | null;
    payload: Record<string, unknown>;
  },
): Promise<number> {
  const now = new Date();
  const [row] = await trx(OUTBOX_TABLE)
    .insert({
      company_id: msg.companyId,
      channel: msg.channel,
      to: msg.to,
      subject: msg.subject,
      body: msg.body,
      payload: JSON.stringify(msg.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return Number(row.id ?? row);
}

/** Queues an email in the caller's transaction; returns the outbox row id. */
export function enqueueMail(trx: Knex, msg: MailMessage): Promise<number> {
  return enqueueOutbox(trx, {
    channel: 'email',
    to: msg.to,
    subject: msg.subject.slice(0, 300),
    body: msg.text,
    companyId: msg.companyId ?? null,
    payload: { ...(msg.payload ?? {}), ...(msg.html ? { html: msg.html } : {}) },
  });
}
