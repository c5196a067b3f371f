/**
 * One dedicated LISTEN connection per database handle (in `serve`: per process), shared by everything
 * that needs PostgreSQL notifications — realtime fan-out (`loopgen_events`) and cache invalidation
 * (`loopgen_cache`). Notifications are delivered on commit only, so listeners never see a rolled-back
 * write.
 *
 * - PostgreSQL: a `pg.Client` of its own, outside the knex pool (a pooled connection cannot stay in
 *   LISTEN). When it drops (server restart, pg_terminate_backend, network) it reconnects with backoff
 *   and re-LISTENs; `onReconnect` callbacks then run, because notifications sent while it was down are
 *   lost — consumers catch up from the database (the event log) or drop what they cached.
 * - PGlite: its own `listen()` API on the embedded instance (one process, nothing to reconnect).
 *
 * Keyed by the knex handle, so two services (or two test runtimes) on their own handles share nothing.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { onDatabaseClose } from '../db/open-database.ts';

export type NotifyHandler = (payload: string) => void;

export interface DatabaseListener {
  readonly kind: 'postgres' | 'pglite';
  /** Calls `handler` with each payload on `channel`; resolves once the LISTEN is in place. Returns the unsubscribe. */
  on(channel: string, handler: NotifyHandler): Promise<() => void>;
  /** Runs `cb` after the connection came back from a drop (notifications may have been missed). */
  onReconnect(cb: () => void): () => void;
  /** How many times the connection was re-established (tests, stats). */
  readonly reconnects: number;
  close(): Promise<void>;
}

const listeners = new WeakMap<Knex, DatabaseListener>();

/** The listener of `db`, created on first use. */
export function databaseListener(db: Knex): DatabaseListener {
  let l = listeners.get(db);
  if (!l) {
    const pglite = (db.client as { pglite?: PGliteLike }).pglite;
    l = pglite ? pgliteListener(pglite) : postgresListener(connectionConfig(db));
    listeners.set(db, l);
    // Whoever closes the database closes its listening connection too (tests drop databases after).
    onDatabaseClose(db, () => closeDatabaseListener(db));
  }
  return l;
}

/** Closes the listener of `db` if one was opened (service close; before the database is dropped). */
export async function closeDatabaseListener(db: Knex): Promise<void> {
  const l = listeners.get(db);
  listeners.delete(db);
  await l?.close();
}

/** `NOTIFY channel, payload` in `trx` (delivered when it commits) or at once on a plain handle. */
export async function notify(trx: Knex, channel: string, payload: string): Promise<void> {
  await trx.raw('select pg_notify(?, ?)', [channel, payload]);
}

function connectionConfig(db: Knex): pg.ClientConfig {
  const c = (db.client as { config: { connection?: unknown } }).config.connection;
  const base: pg.ClientConfig = typeof c === 'string' ? { connectionString: c } : { ...(c as pg.ClientConfig) };
  // keepAlive: a half-open TCP connection is noticed (and replaced) instead of listening to nothing.
  return { ...base, keepAlive: true, application_name: 'loopgen_listener' };
}

interface PGliteLike {
  waitReady?: Promise<void>;
  listen(channel: string, cb: (payload: string) => void): Promise<(() => Promise<void>) | (() => void)>;
}

class Handlers {
  private readonly byChannel = new Map<string, Set<NotifyHandler>>();
  readonly reconnectCbs = new Set<() => void>();

  add(channel: string, h: NotifyHandler): boolean {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(h);
    return first;
  }

  remove(channel: string, h: NotifyHandler): boolean {
    const set = this.byChannel.get(channel);
    if (!set) return false;
    set.delete(h);
    if (set.size) return false;
    this.byChannel.delete(channel);
    return true;
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  dispatch(channel: string, payload: string): void {
    for (const h of this.byChannel.get(channel) ?? []) {
      try {
        h(payload);
      } catch {
        // One consumer's bug must not stop the others from hearing the notification.
      }
    }
  }
}

function pgliteListener(pglite: PGliteLike): DatabaseListener {
  const handlers = new Handlers();
  const unlisten = new Map<string, () => unknown>();
  return {
    kind: 'pglite',
    reconnects: 0,
    async on(channel, handler) {
      if (handlers.add(channel, handler)) {
        await pglite.waitReady;
        unlisten.set(channel, await pglite.listen(channel, (payload) => handlers.dispatch(channel, payload)));
      }
      return () => {
        if (handlers.remove(channel, handler)) {
          const u = unlisten.get(channel);
          unlisten.delete(channel);
          void Promise.resolve(u?.()).catch(() => undefined);
        }
      };
    },
    onReconnect(cb) {
      handlers.reconnectCbs.add(cb);
      return () => handlers.reconnectCbs.delete(cb);
    },
    async close() {
      for (const u of unlisten.values()) await Promise.resolve(u()).catch(() => undefined);
      unlisten.clear();
    },
  };
}

const MAX_BACKOFF_MS = 5_000;

function postgresListener(config: pg.ClientConfig): DatabaseListener {
  const handlers = new Handlers();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let backoff = 100;
  let retry: NodeJS.Timeout | null = null;
  const state = { reconnects: 0 };

  async function listenOn(c: pg.Client, channel: string): Promise<void> {
    await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
  }

  function dropped(c: pg.Client): void {
    if (client !== c) return;
    client = null;
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    if (!closed) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = null;
      connect(true).catch(() => {
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        scheduleReconnect();
      });
    }, backoff);
    retry.unref();
  }

  function connect(isReconnect: boolean): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    if (connecting) return connecting;
    connecting = (async () => {
      const c = new pg.Client(config);
      c.on('notification', (m) => handlers.dispatch(m.channel, m.payload ?? ''));
      c.on('error', () => dropped(c));
      c.on('end', () => dropped(c));
      try {
        await c.connect();
        for (const ch of handlers.channels()) await listenOn(c, ch);
      } catch (err) {
        c.removeAllListeners('end');
        void c.end().catch(() => undefined);
        throw err;
      }
      if (closed) {
        await c.end().catch(() => undefined);
        throw new Error('listener closed');
      }
      client = c;
      backoff = 100;
      if (isReconnect) {
        state.reconnects++;
        for (const cb of handlers.reconnectCbs) {
          try {
            cb();
          } catch {
            // as in dispatch
          }
        }
      }
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  return {
    kind: 'postgres',
    get reconnects() {
      return state.reconnects;
    },
    async on(channel, handler) {
      const first = handlers.add(channel, handler);
      try {
        const c = await connect(false);
        // A connection made after `add` already LISTENs on every channel; one made before needs this one.
        if (first) await listenOn(c, channel);
      } catch (err) {
        // Not reachable now: the reconnect loop LISTENs on every registered channel when it gets through.
        scheduleReconnect();
        if (!client) throw err;
      }
      return () => {
        if (handlers.remove(channel, handler) && client)
          void client.query(`UNLISTEN ${client.escapeIdentifier(channel)}`).catch(() => undefined);
      };
    },
    onReconnect(cb) {
      handlers.reconnectCbs.add(cb);
      return () => handlers.reconnectCbs.delete(cb);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const c = client ?? (await connecting?.catch(() => null)) ?? null;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
