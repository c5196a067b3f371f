/**
 * The SMS effect. Like mail (runtime/effects/mail/mailer.ts), messages are queued in the outbox
 * (`outbox_messages`, channel sms) inside the request transaction, so a message exists exactly when
 * the change that caused it commits. A transport delivers them later (sms-transport.ts); with none
 * configured they stay pending in the outbox, where a developer can read them.
 */
import type { Knex } from 'knex';
import { enqueueOutbox } from '../mail/mailer.ts';

export interface SmsMessage {
  /** E.164 phone number, e.g. +15551234567. */
  readonly to: string;
  readonly text: string;
  readonly senderId?: string | null;
  readonly companyId: number | null;
  readonly payload?: Record<string, unknown>;
}

export const E164 = /^\+[1-9]\d{6,14}$/;

/** Queues an SMS in the caller's transaction; returns the outbox row id. */
export function enqueueSms(trx: Knex, msg: SmsMessage): Promise<number> {
  return enqueueOutbox(trx, {
    channel: 'sms',
    to: msg.to,
    subject: null,
    body: msg.text,
    companyId: msg.companyId,
    payload: { ...(msg.payload ?? {}), ...(msg.senderId ? { sender_id: msg.senderId } : {}) },
  });
}
