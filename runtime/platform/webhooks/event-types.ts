/**
 * Event names the platform emits (webhooks, automations, /events/stream, GET /events/types): the ones
 * appended by hand (objects, files, approvals, forms, automations, webhook tests) and every one the
 * write observer appends for CRUD resources and write actions (events/write-events.ts), so the list
 * stays true to what the event log can hold.
 */
import { writeEventTypes } from '../events/write-events.ts';

const APPENDED_BY_HAND = [
  'object.created',
  'object.updated',
  'object.deleted',
  'object.restored',
  'object.submitted',
  'object.approved',
  'object.rejected',
  'file.uploaded',
  'file.updated',
  'file.deleted',
  'file.restored',
  'webhook.test',
  'form.submitted',
  'automation.run',
  'integration.synced',
  'custom',
];

export const EVENT_TYPES: readonly string[] = [...new Set([...APPENDED_BY_HAND, ...writeEventTypes()])].sort();
