/**
 * Delivers queued email (outbox rows, channel email) through nodemailer. `SMTP_URL`
 * (smtp://user:pass@host:587, smtps://…) selects SMTP; without it nothing is sent and messages
 * stay pending in the outbox. Tests and tools may pass any nodemailer transporter (e.g. jsonTransport).
 *
 * Each claimed row is marked `sending` first (FOR UPDATE SKIP LOCKED on PostgreSQL), then `sent` or
 * back to `pending` with a later `next_attempt_at` (`failed` after MAX_ATTEMPTS). A notification
 * linked through `payload.notification_id` follows the delivery status (sent / failed).
 */
import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
import { OUTBOX_TABLE } from './mailer.ts';
import { startRecurring } from '../../jobs/recurring.ts';

export const MAX_ATTEMPTS = 5;

export function smtpTransportFromEnv(env: NodeJS.ProcessEnv = process.env): Transporter | null {
  if (!env.SMTP_URL) return null;
  return nodemailer.createTransport(env.SMTP_URL);
}

interface OutboxRow {
  id: number | string;
  to: string;
  subject: string | null;
  body: string;
  payload: unknown;
  attempts: number;
}

function payloadOf(v: unknown): Record<string, unknown> {
  const p = typeof v === 'string' ? JSON.parse(v) : v;
  return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

async function markNotification(db: Knex, payload: Record<string, unknown>, status: 'sent' | 'failed', at: Date): Promise<void> {
  const id = payload.notification_id;
  if (typeof id !== 'number') return;
  await db('notifications_notifications')
    .where({ id })
    .update({ status, ...(status === 'sent' ? { sent_at: at } : {}), updated_at: at });
}

/** Sends up to `limit` due email rows; returns how many were sent and how many failed this round. */
export async function deliverPendingMail(
  db: Knex,
  transport: Transporter,
  opts: { from?: string; limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const from = opts.from ?? process.env.SMTP_FROM ?? 'LOOP <no-reply@loop.local>';
  const claimed: OutboxRow[] = await db.transaction(async (trx) => {
    const q = trx(OUTBOX_TABLE)
      .where({ channel: 'email', status: 'pending' })
      .where((w) => w.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', new Date()))
      .orderBy('id')
      .limit(opts.limit ?? 50)
      .forUpdate()
      .skipLocked();
    const rows = (await q.select('id', 'to', 'subject', 'body', 'payload', 'attempts')) as OutboxRow[];
    if (rows.length)
      await trx(OUTBOX_TABLE)
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({ status: 'sending', updated_at: new Date() });
    return rows;
  });
  let sent = 0;
  let failed = 0;
  for (const row of claimed) {
    const payload = payloadOf(row.payload);
    const now = new Date();
    try {
      await transport.sendMail({
        from,
        to: row.to,
        subject: row.subject ?? '',
        text: row.body,
        ...(typeof payload.html === 'string' ? { html: payload.html } : {}),
        ...(typeof payload.reply_to === 'string' ? { replyTo: payload.reply_to } : {}),
      });
      await db(OUTBOX_TABLE)
        .where({ id: row.id })
        .update({ status: 'sent', sent_at: now, attempts: row.attempts + 1, last_error: null, updated_at: now });
      await markNotification(db, payload, 'sent', now);
      sent++;
    } catch (err) {
      const attempts = row.attempts + 1;
      const final = attempts >= MAX_ATTEMPTS;
      await db(OUTBOX_TABLE)
        .where({ id: row.id })
        .update({
          status: final ? 'failed' : 'pending',
          attempts,
          last_error: String(err instanceof Error ? err.message : err).slice(0, 2000),
          // Back off 1, 2, 4, 8 minutes between attempts.
          next_attempt_at: new Date(now.getTime() + 60_000 * 2 ** (attempts - 1)),
          updated_at: now,
        });
      if (final) await markNotification(db, payload, 'failed', now);
      failed++;
    }
  }
  return { sent, failed };
}

/**
 * Sends the outbox in rounds run by the job engine (runtime/jobs/recurring.ts) while SMTP is configured:
 * one round at a time across every process on the database, the next `intervalMs` after the last.
 * Rows are claimed with SKIP LOCKED and back off per row, as before.
 */
export function startMailWorker(db: Knex, opts: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): { stop(): Promise<void> } {
  const transport = smtpTransportFromEnv(opts.env);
  if (!transport) return { stop: async () => undefined };
  const job = startRecurring(db, {
    queue: 'loop.mail-drain',
    everySeconds: (opts.intervalMs ?? 5000) / 1000,
    round: () => deliverPendingMail(db, transport),
  });
  return {
    async stop() {
      await job.stop();
      transport.close();
    },
  };
}
