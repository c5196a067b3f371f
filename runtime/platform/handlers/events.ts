/** Handlers of spec/platform/events.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { type ChildSpec, createChild, listChildren } from '../records/child-records.ts';

const tenantWide = (kind: string): ChildSpec => ({ kind, parent: { fixed: 'tenant' } });

export const eventsHandlers = {
  'events.listCustomEvents': listChildren(tenantWide('events'), true),
  'events.reportClientError': createChild(tenantWide('client_errors')),
  'events.trackCustomEvent': createChild(tenantWide('events')),
} satisfies Partial<PlatformHandlers>;
