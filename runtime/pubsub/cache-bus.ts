/**
 * Cross-process cache invalidation over NOTIFY `loopgen_cache` (one listening connection per process,
 * database-listener.ts). In-process caches (TTL caches of tenancy answers, API keys, client apps,
 * revoked sessions) stay where they are; a writer publishes `{schema, cache, key}` in its own
 * transaction, so every process — this one included — drops the entry when, and only when, the
 * write commits. A process whose listening connection dropped cannot know what it missed, so on
 * reconnect every subscribed cache is cleared (a reload costs one query).
 *
 * `schema` keeps services (and test files) that share one PostgreSQL database apart.
 */
import type { Knex } from 'knex';
import { databaseSchema } from '../db/open-database.ts';
import { databaseListener, notify } from './database-listener.ts';

export const CACHE_CHANNEL = 'loopgen_cache';

/** `key` null: the whole cache. */
export type InvalidationHandler = (key: string | null) => void;

interface Bus {
  readonly schema: string;
  readonly handlers: Map<string, Set<InvalidationHandler>>;
}

const buses = new WeakMap<Knex, Bus>();

function busOf(db: Knex): Bus {
  let bus = buses.get(db);
  if (bus) return bus;
  const b: Bus = { schema: databaseSchema(db) ?? 'public', handlers: new Map() };
  buses.set(db, b);
  const listener = databaseListener(db);
  listener.onReconnect(() => {
    for (const hs of b.handlers.values()) for (const h of hs) h(null);
  });
  // Best effort: without a listener (database unreachable now) the TTLs still bound staleness, and
  // the listener's reconnect clears everything once it is back.
  listener
    .on(CACHE_CHANNEL, (payload) => {
      let msg: { schema?: unknown; cache?: unknown; key?: unknown };
      try {
        msg = JSON.parse(payload);
      } catch {
        return;
      }
      if (msg.schema !== b.schema || typeof msg.cache !== 'string') return;
      const key = typeof msg.key === 'string' ? msg.key : null;
      for (const h of b.handlers.get(msg.cache) ?? []) h(key);
    })
    .catch(() => undefined);
  return b;
}

/** Calls `handler` when any process invalidates `cache` of this database. Returns the remover. */
export function onInvalidation(db: Knex, cache: string, handler: InvalidationHandler): () => void {
  const b = busOf(db);
  let hs = b.handlers.get(cache);
  if (!hs) b.handlers.set(cache, (hs = new Set()));
  hs.add(handler);
  return () => void hs.delete(handler);
}

/**
 * Invalidates `cache` (`key`, or all of it) in every process once `trx` commits; on a plain handle at
 * once. `db` is the service's root handle (it names the schema).
 */
export async function publishInvalidation(db: Knex, trx: Knex, cache: string, key: string | null = null): Promise<void> {
  const schema = databaseSchema(db) ?? 'public';
  await notify(trx, CACHE_CHANNEL, JSON.stringify({ schema, cache, key }));
}

/**
 * For hooks that cannot wait inside the transaction: invalidates everywhere once the outermost
 * transaction of `trx` commits (nothing on rollback: nothing changed). A process that dies between
 * the commit and this NOTIFY leaves the others on their TTL.
 */
export function publishAfterCommit(db: Knex, trx: Knex, cache: string, key: string | null = null): void {
  let outer = trx as Knex.Transaction;
  while (outer.parentTransaction) outer = outer.parentTransaction;
  const done = outer.isTransaction ? (outer.executionPromise as Promise<unknown> | undefined) : undefined;
  const send = () => publishInvalidation(db, db, cache, key).catch(() => undefined);
  if (done) done.then(send, () => undefined);
  else void send();
}
