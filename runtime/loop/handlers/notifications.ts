/**
 * notifications/send-email and send-sms: render a template (or take free text), record one
 * notification per recipient (status `pending`) and queue one outbox message per recipient in the
 * same transaction. Delivery is pluggable: email goes out through SMTP (nodemailer,
 * runtime/effects/mail/smtp-transport.ts) when `SMTP_URL` is set, which then marks the notification
 * `sent`/`failed`; otherwise, like SMS today, messages stay in the outbox for a developer to read.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  notificationsNotificationResource as notifications,
  notificationsNotificationTemplateResource as templates,
} from '../../../generated/loop/server/notifications.ts';
import { notFound, validation } from '../../http/api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionContext } from '../../runtime-api.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { E164, enqueueSms } from '../../effects/sms/sms-outbox.ts';
import { T } from '../auth/loop-schema.ts';
import { companyIdOf } from '../files/assets.ts';
import { renderTemplate } from '../docs/render-template.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

const MAX_RECIPIENTS = 100;

interface TemplateRow {
  id: number;
  subject: string | null;
  body: string;
  html_body: string | null;
}

function recipients(to: unknown, check: (s: string) => boolean, what: string): string[] {
  const list = Array.isArray(to) ? to : [to];
  if (list.length === 0 || list.length > MAX_RECIPIENTS) throw validation({ to: [`Send 1 to ${MAX_RECIPIENTS} ${what}s.`] });
  const bad = list.filter((x) => typeof x !== 'string' || !check(x.trim()));
  if (bad.length) throw validation({ to: [`Not a valid ${what}: ${bad.map((b) => JSON.stringify(b)).join(', ')}.`] });
  return [...new Set(list.map((x) => (x as string).trim()))];
}

async function findTemplate(trx: Knex, company: number, code: string, channel: 'email' | 'sms'): Promise<TemplateRow> {
  // Prefer English when a code exists in several languages; the request names no language.
  const t = await trx(templates.table)
    .where({ company_id: company, code, channel, is_active: true })
    .whereNull('deleted_at')
    .orderByRaw("(language = 'en') desc, id")
    .first('id', 'subject', 'body', 'html_body');
  if (!t) throw notFound(`No active ${channel} template with code "${code}".`);
  return t as TemplateRow;
}

/** Member users by email, so a notification names its recipient when the address belongs to one. */
async function usersByEmail(trx: Knex, emails: string[]): Promise<Map<string, number>> {
  const lower = emails.map((e) => e.toLowerCase());
  const rows = (await trx(T.users)
    .whereRaw(`lower(email) in (${lower.map(() => '?').join(', ')})`, lower)
    .select('id', 'email')) as { id: number | string; email: string }[];
  return new Map(rows.map((r) => [r.email.toLowerCase(), Number(r.id)]));
}

async function recordNotification(
  trx: Knex,
  a: ActionContext,
  n: { channel: 'email' | 'sms'; title: string; body: string; template: number | null; recipient: number | null; data: unknown },
): Promise<number> {
  const now = new Date();
  const [row] = await trx(notifications.table)
    .insert({
      company_id: companyIdOf(a.ctx),
      recipient_id: n.recipient,
      channel: n.channel,
      title: n.title.slice(0, 200) || '(no subject)',
      body: n.body,
      kind: 'info',
      source_module: 'notifications',
      template_id: n.template,
      data: JSON.stringify(n.data),
      status: 'pending',
      created_by: a.ctx.principal ? Number(a.ctx.principal.userId) : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return Number(row.id ?? row);
}

async function sendEmail(a: LoopArgs<'notifications.sendEmail'>) {
  const b = a.body;
  const company = companyIdOf(a.ctx);
  const to = recipients(b.to, (s) => z.email().safeParse(s).success, 'email address');
  const vars = b.variables ?? {};
  let subject: string;
  let text: string;
  let html: string | undefined;
  let templateId: number | null = null;
  if (b.template) {
    const t = await findTemplate(a.trx, company, b.template, 'email');
    templateId = t.id;
    subject = renderTemplate(b.subject ?? t.subject ?? '', vars, { field: 'subject' });
    text = renderTemplate(t.body, vars, { field: 'body' });
    html = t.html_body ? renderTemplate(t.html_body, vars, { field: 'html', html: true }) : undefined;
  } else {
    if (!b.subject || !(b.body || b.html)) throw validation({ non_field_errors: ['Give a template, or a subject with body or html.'] });
    subject = renderTemplate(b.subject, vars, { field: 'subject' });
    html = b.html ? renderTemplate(b.html, vars, { field: 'html', html: true }) : undefined;
    text = b.body
      ? renderTemplate(b.body, vars, { field: 'body' })
      : html!
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
  }
  const users = await usersByEmail(a.trx, to);
  const ids: number[] = [];
  for (const addr of to) {
    const notification = await recordNotification(a.trx, a, {
      channel: 'email',
      title: subject,
      body: text,
      template: templateId,
      recipient: users.get(addr.toLowerCase()) ?? null,
      data: { to: addr, variables: vars },
    });
    ids.push(
      await enqueueMail(a.trx, {
        to: addr,
        subject,
        text,
        html,
        companyId: company,
        payload: { kind: 'notification', notification_id: notification, ...(b.reply_to ? { reply_to: b.reply_to } : {}) },
      }),
    );
  }
  await a.audit({ action: 'send-email', resource: a.action.id, changes: { to, template: b.template ?? null, subject, message_ids: ids } });
  return { status: 202, body: { queued: ids.length, message_ids: ids } };
}

async function sendSms(a: LoopArgs<'notifications.sendSms'>) {
  const b = a.body;
  const company = companyIdOf(a.ctx);
  const to = recipients(b.to, (s) => E164.test(s), 'E.164 phone number (e.g. +15551234567)');
  if (b.sender_id !== undefined && !/^[A-Za-z0-9 ]{1,11}$/.test(b.sender_id))
    throw validation({ sender_id: ['Up to 11 letters, digits or spaces.'] });
  const vars = b.variables ?? {};
  let text: string;
  let templateId: number | null = null;
  if (b.template) {
    const t = await findTemplate(a.trx, company, b.template, 'sms');
    templateId = t.id;
    text = renderTemplate(t.body, vars, { field: 'body' });
  } else {
    if (!b.message) throw validation({ message: ['Give a message or a template.'] });
    text = renderTemplate(b.message, vars, { field: 'message' });
  }
  if (text.length > 1600) throw validation({ message: [`The rendered message is ${text.length} characters; the limit is 1600.`] });
  const ids: number[] = [];
  for (const phone of to) {
    const notification = await recordNotification(a.trx, a, {
      channel: 'sms',
      title: text.slice(0, 60),
      body: text,
      template: templateId,
      recipient: null,
      data: { to: phone, variables: vars },
    });
    ids.push(
      await enqueueSms(a.trx, {
        to: phone,
        text,
        senderId: b.sender_id ?? null,
        companyId: company,
        payload: { kind: 'notification', notification_id: notification },
      }),
    );
  }
  await a.audit({ action: 'send-sms', resource: a.action.id, changes: { to, template: b.template ?? null, message_ids: ids } });
  return { status: 202, body: { queued: ids.length, message_ids: ids } };
}

export const notificationsHandlers = {
  'notifications.sendEmail': sendEmail,
  'notifications.sendSms': sendSms,
} satisfies Partial<LoopHandlers>;
