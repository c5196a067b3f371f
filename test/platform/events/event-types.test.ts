/**
 * GET /events/types stays true to what the platform appends: CRUD event types come from the routes
 * the generated server mounts (no type for a resource without write routes), write actions from the
 * observer's table, and the hand-appended ones (objects, files, forms, automations) are there.
 */
import { expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../runtime/platform/webhooks/event-types.ts';
import { ACTION_EVENTS } from '../../../runtime/platform/events/write-events.ts';
import { actions } from '../../../generated/platform/server/index.ts';

it('lists the appended types and nothing a route cannot produce', () => {
  for (const t of [
    'object.created',
    'object.updated',
    'object.deleted',
    'file.uploaded',
    'form.submitted',
    'webhook.created',
    'user.signed_in',
  ])
    expect(EVENT_TYPES).toContain(t);
  // Resources without write routes (object rows are written by actions; versions and tenants by nobody's CRUD).
  for (const t of ['data_object.created', 'object_version.created', 'tenant.created', 'webhook_delivery.created'])
    expect(EVENT_TYPES).not.toContain(t);
  expect([...EVENT_TYPES].sort()).toEqual([...new Set(EVENT_TYPES)].sort());
});

it('maps only actions the generated server has', () => {
  const ids = new Set(actions.map((a) => a.id));
  expect(Object.keys(ACTION_EVENTS).filter((id) => !ids.has(id))).toEqual([]);
});
