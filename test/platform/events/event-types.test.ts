/**
 * GET /events/types stays true to what the platform appends: CRUD event types come from the routes
 * the generated server mounts (no type for a resource without write routes), write actions from the
 * observer's table, and the hand-appended ones (objects, files, forms, automations) are there — every
 * type literal a publish/emitEvent/appendEvent call in runtime/platform appends is listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Every event type literal runtime/platform appends by hand (publish/emitEvent/appendEvent calls). */
function appendedLiterals(): Map<string, string> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../../runtime/platform');
  const call = /\b(?:publish|emitEvent|appendEvent)\(\s*[^,()]+,\s*[^,()]+,\s*['"`]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)['"`]/g;
  const found = new Map<string, string>();
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    for (const m of readFileSync(join(root, f), 'utf8').matchAll(call)) found.set(m[1]!, f);
  }
  return found;
}

it('lists every event type appended anywhere in runtime/platform', () => {
  const found = appendedLiterals();
  // The scan must see the known call sites, or it proves nothing.
  for (const t of ['object.created', 'file.uploaded', 'form.submitted', 'integration.synced']) expect(found.has(t), t).toBe(true);
  const missing = [...found].filter(([t]) => !EVENT_TYPES.includes(t)).map(([t, f]) => `${t} (${f})`);
  expect(missing).toEqual([]);
});
