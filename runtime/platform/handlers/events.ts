/** Handlers of spec/platform/events.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import type { ActionHandler } from '../../runtime-api.ts';
import { type ChildSpec, createChild, listChildren } from '../records/child-records.ts';

const tenantWide = (kind: string): ChildSpec => ({ kind, parent: { fixed: 'tenant' } });

/** Stores the row as createChild does, then answers `body(row)` instead of the row (the document's bodies). */
function answering(h: ActionHandler, body: (row: Record<string, unknown>) => unknown): ActionHandler {
  return async (a) => {
    const r = await h(a);
    return { status: r.status, body: body(('body' in r ? r.body : {}) as Record<string, unknown>) };
  };
}

export const eventsHandlers = {
  'events.listCustomEvents': listChildren(tenantWide('events'), 'events'),
  'events.reportClientError': answering(createChild(tenantWide('client_errors')), (row) => ({ error_id: row.id })),
  'events.trackCustomEvent': answering(createChild(tenantWide('events')), () => ({ tracked: true })),
} satisfies Partial<PlatformHandlers>;
