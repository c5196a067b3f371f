/**
 * What a realtime client asked for, and whether an event matches it. Shared by the SSE stream and the
 * WebSocket, so both filter alike.
 *
 * Channels (docs/api/platform-api.txt, "WebSocket upgrade": `objects:<type_id>, files, files:<folder>`):
 * an event of type `object.*` is on `objects` and `objects:<object_type_id>`; `file.*` on `files` and
 * `files:<folder>`; any other `<noun>.<verb>` on `<noun>s` (`forms`, `users`, …) and, when its data names
 * one, `<noun>s:<id>`. `*` (or the old default `events`) is every channel of the tenant.
 * Types: exact event types (`object.created`) or a prefix pattern (`object.*`); none means all.
 */
import { validation } from '../../http/api-error.ts';
import type { DomainEvent } from '../events/event-log.ts';
import { EVENT_TYPES } from '../webhooks/event-types.ts';

export const ALL = '*';
const CHANNEL = /^(\*|events|[a-z_]+(:[A-Za-z0-9_\-./]{1,200})?)$/;
const MAX_ITEMS = 50;

export interface Subscription {
  /** null: every type. */
  readonly types: readonly string[] | null;
  /** Mutable for the WebSocket's subscribe/unsubscribe messages. */
  readonly channels: Set<string>;
  /** No channel was named, so `*` stands in: a WebSocket's first subscribe replaces it. */
  implicitAll: boolean;
}

/** Comma-separated and/or repeated query values, trimmed, empty ones dropped. */
export function listParam(v: unknown): string[] {
  const parts = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).flatMap((x) => String(x).split(','));
  return parts.map((s) => s.trim()).filter(Boolean);
}

export function checkChannel(c: string): string {
  if (!CHANNEL.test(c)) {
    throw validation({ channel: [`"${c}" is not a channel: use objects, objects:<type_id>, files, files:<folder>, forms, … or *.`] });
  }
  return c === 'events' ? ALL : c;
}

function checkType(t: string): string {
  if (t === ALL || t.endsWith('.*') || (EVENT_TYPES as readonly string[]).includes(t)) return t;
  throw validation({ types: [`Unknown event type "${t}"; GET /events/types lists them (a prefix such as object.* also works).`] });
}

/**
 * From query parameters: `types` (alias `events`), `channel`/`channels`, `object_type`/`object_type_id`
 * (→ `objects:<id>`), `folder` (→ `files:<folder>`). No channel named → every channel.
 */
export function subscriptionFromQuery(q: Record<string, unknown>): Subscription {
  const types = [...listParam(q.types), ...listParam(q.events)].map(checkType);
  const channels = [...listParam(q.channel), ...listParam(q.channels)].map(checkChannel);
  for (const t of [...listParam(q.object_type), ...listParam(q.object_type_id)]) channels.push(checkChannel(`objects:${t}`));
  for (const f of listParam(q.folder)) channels.push(checkChannel(`files:${f}`));
  if (types.length > MAX_ITEMS || channels.length > MAX_ITEMS) throw validation({ channels: [`At most ${MAX_ITEMS} channels and types.`] });
  return {
    types: types.length && !types.includes(ALL) ? types : null,
    channels: new Set(channels.length ? channels : [ALL]),
    implicitAll: channels.length === 0,
  };
}

/** The channels an event is published on. */
export function channelsOf(e: Pick<DomainEvent, 'type' | 'data'>): string[] {
  const noun = e.type.split('.')[0] ?? e.type;
  const d = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  if (noun === 'object') {
    const t = str(d.object_type_id);
    return t ? ['objects', `objects:${t}`] : ['objects'];
  }
  if (noun === 'file') {
    const f = str(d.folder);
    return f ? ['files', `files:${f}`] : ['files'];
  }
  const plural = `${noun}s`;
  const id = str(d[`${noun}_id`]) ?? str(d.id);
  return id ? [plural, `${plural}:${id}`] : [plural];
}

export function typeMatches(types: readonly string[] | null, type: string): boolean {
  return !types || types.some((t) => t === type || (t.endsWith('.*') && type.startsWith(t.slice(0, -1))));
}

/** The first channel of the subscription the event is on, or null when it is not wanted. */
export function matchChannel(sub: Subscription, e: Pick<DomainEvent, 'type' | 'data'>): string | null {
  if (!typeMatches(sub.types, e.type)) return null;
  const on = channelsOf(e);
  if (sub.channels.has(ALL)) return on.at(-1) ?? ALL;
  // The most specific channel first, so a client subscribed to both hears which one matched.
  for (const c of [...on].reverse()) if (sub.channels.has(c)) return c;
  return null;
}
