/**
 * notifications/send-email and send-sms through the generated server: templates rendered with
 * handlebars, one notification + one outbox row per recipient, and delivery through a real
 * nodemailer transport (jsonTransport) moving outbox and notification to `sent`.
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverPendingMail } from '../../runtime/effects/mail/smtp-transport.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { signUp, type LoopClient } from './loop-client.ts';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
});

const outbox = (c: LoopClient, channel: string) => svc.db('outbox_messages').where({ company_id: c.companyId, channel }).orderBy('id');

describe('notifications/send-email', () => {
  it('renders a template per recipient, records notifications and queues outbox rows', async () => {
    const c = await signUp(svc, 'mail');
    const t = await c.post('notifications/templates/', {
      code: 'booking_confirmation',
      name: 'Booking confirmation',
      channel: 'email',
      subject: 'See you {{day}}, {{name}}',
      body: 'Hi {{name}}, your booking for {{service}} is confirmed.',
      html_body: '<p>Hi {{name}} &amp; welcome</p>',
    });
    expect(t.status).toBe(201);
    const r = await c.post('notifications/send-email/', {
      to: ['a@example.test', 'b@example.test'],
      template: 'booking_confirmation',
      variables: { name: 'Ada <3', day: 'Monday', service: 'Haircut' },
    });
    expect(r.status).toBe(202);
    expect(r.body.queued).toBe(2);
    const rows = await outbox(c, 'email');
    expect(rows.map((x) => Number(x.id))).toEqual(r.body.message_ids);
    expect(rows[0]).toMatchObject({
      to: 'a@example.test',
      subject: 'See you Monday, Ada <3',
      body: 'Hi Ada <3, your booking for Haircut is confirmed.',
      status: 'pending',
    });
    const payload = typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload;
    // HTML escapes the variables; the plain text does not.
    expect(payload.html).toBe('<p>Hi Ada &lt;3 &amp; welcome</p>');
    const notes = await svc.db('notifications_notifications').where({ company_id: c.companyId }).orderBy('id');
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({ channel: 'email', status: 'pending', title: 'See you Monday, Ada <3' });
    expect(Number(notes[0].template_id)).toBe(t.body.id);
    expect(payload.notification_id).toBe(Number(notes[0].id));
  });

  it('delivers queued mail through a nodemailer transport and marks notifications sent', async () => {
    const c = await signUp(svc, 'deliver');
    const r = await c.post('notifications/send-email/', { to: 'x@example.test', subject: 'Hello', body: 'Plain text' });
    expect(r.status).toBe(202);
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sent: string[] = [];
    const wrapped = {
      sendMail: async (m: SendMailOptions) => {
        const info = await transport.sendMail(m);
        sent.push(String(info.message));
        return info;
      },
    } as unknown as Transporter;
    const result = await deliverPendingMail(svc.db, wrapped);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    const [row] = await outbox(c, 'email');
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sent.some((s) => JSON.parse(s).subject === 'Hello' && JSON.parse(s).to[0].address === 'x@example.test')).toBe(true);
    const [note] = await svc.db('notifications_notifications').where({ company_id: c.companyId });
    expect(note.status).toBe('sent');
    expect(note.sent_at).not.toBeNull();
  });

  it('refuses bad addresses, missing content and unknown templates', async () => {
    const c = await signUp(svc, 'mailbad');
    expect((await c.post('notifications/send-email/', { to: ['ok@example.test', 'not-an-email'], subject: 's', body: 'b' })).status).toBe(
      400,
    );
    expect((await c.post('notifications/send-email/', { to: 'ok@example.test' })).status).toBe(400);
    const missing = await c.post('notifications/send-email/', { to: 'ok@example.test', template: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('nope');
    expect(await outbox(c, 'email')).toHaveLength(0);
  });
});

describe('notifications/send-sms', () => {
  it('queues E.164 SMS from a template and refuses other numbers', async () => {
    const c = await signUp(svc, 'sms');
    await c.post('notifications/templates/', {
      code: 'reminder',
      name: 'Reminder',
      channel: 'sms',
      body: 'Reminder: {{what}} at {{time}}',
    });
    const r = await c.post('notifications/send-sms/', {
      to: '+15551234567',
      template: 'reminder',
      variables: { what: 'Dentist', time: '10:00' },
      sender_id: 'LOOP',
    });
    expect(r.status).toBe(202);
    const [row] = await outbox(c, 'sms');
    expect(row).toMatchObject({ to: '+15551234567', body: 'Reminder: Dentist at 10:00', status: 'pending' });
    const [note] = await svc.db('notifications_notifications').where({ company_id: c.companyId, channel: 'sms' });
    expect(note.body).toBe('Reminder: Dentist at 10:00');
    expect((await c.post('notifications/send-sms/', { to: '5551234', message: 'x' })).status).toBe(400);
    expect((await c.post('notifications/send-sms/', { to: '+15551234567' })).status).toBe(400);
    // An email template is not an SMS template.
    await c.post('notifications/templates/', { code: 'mailonly', name: 'Mail', channel: 'email', body: 'x' });
    expect((await c.post('notifications/send-sms/', { to: '+15551234567', template: 'mailonly' })).status).toBe(404);
  });
});
