/**
 * The realtime fan-out of one process: local subscribers (SSE streams, WebSockets) grouped by tenant,
 * fed from the domain event log (runtime/platform/events/event-log.ts).
 *
 * A commit anywhere raises NOTIFY `loopgen_events` `{company_id, seq}` (appendEvent); this process's
 * one listening connection (runtime/pubsub/database-listener.ts) hears it, and when the tenant has
 * subscribers here the hub reads that tenant's new rows with `readEventsAfter` — the notification only
 * wakes it, the log is the truth — and hands each subscriber the events it asked for. A tenant without
 * local subscribers costs nothing. Reads of one tenant never overlap: notifications that arrive during a
 * read make one more read afterwards, so a burst of writes becomes a few batched reads.
 *
 * Commit order is not `seq` order (a transaction holding seq 10 may commit after the one holding 11),
 * so every read starts no later than just before the lowest notified seq since the last read, and each
 * subscriber remembers the seqs it recently received to skip repeats. After the listening
 * connection comes back from a drop every tenant is read again from its subscribers' cursors.
 */
import type { Knex } from 'knex';
import { databaseListener } from '../../pubsub/database-listener.ts';
import { DOMAIN_EVENTS, EVENTS_CHANNEL, readEventsAfter, type DomainEvent } from '../events/event-log.ts';

const BATCH = 500;
/** Seqs a subscriber remembers for de-duplication; older ones are below its floor. */
const RECENT = 4096;

export interface Sink {
  readonly tenant: number;
  /** Returns false when the event is not wanted (filtered out). */
  deliver(e: DomainEvent): void;
  wants(e: DomainEvent): boolean;
  /** Ends the client's connection (server shutting down). */
  close(reason: string): void;
}

/** One subscriber's position in its tenant's log. */
class Cursor {
  /** Highest seq received; the next read starts after it. */
  after: number;
  /** Nothing at or below this is delivered (where the subscription started, or what was forgotten). */
  private floor: number;
  private readonly recent = new Set<number>();

  constructor(
    readonly sink: Sink,
    start: number,
  ) {
    this.after = start;
    this.floor = start;
  }

  offer(e: DomainEvent): void {
    if (e.seq <= this.floor || this.recent.has(e.seq)) return;
    this.recent.add(e.seq);
    if (this.recent.size > RECENT) {
      const oldest = this.recent.values().next().value as number;
      this.recent.delete(oldest);
      this.floor = Math.max(this.floor, oldest);
    }
    if (e.seq > this.after) this.after = e.seq;
    if (this.sink.wants(e)) this.sink.deliver(e);
  }
}

interface TenantState {
  readonly cursors: Set<Cursor>;
  pumping: boolean;
  again: boolean;
  /** Lowest seq-1 a late notification asked to re-read from (Infinity: none). */
  late: number;
}

export interface HubStats {
  readonly tenants: number;
  readonly subscribers: number;
}

export class EventHub {
  private readonly tenants = new Map<number, TenantState>();
  private listening: Promise<void> | null = null;
  private unlisten: (() => void) | null = null;
  private unreconnect: (() => void) | null = null;
  private closed = false;

  constructor(private readonly db: Knex) {}

  /**
   * Adds a subscriber. `since`: resume after this seq (the log is replayed from there); without it
   * the subscriber starts at the tenant's newest event. Resolves once it is live; returns the remover.
   */
  async subscribe(sink: Sink, since?: number): Promise<() => void> {
    if (this.closed) throw new Error('realtime hub closed');
    await this.listen();
    const start = since ?? (await this.newestSeq(sink.tenant));
    const cursor = new Cursor(sink, start);
    const st = this.state(sink.tenant);
    st.cursors.add(cursor);
    // Catch up: a replay for a resume, and anything committed between reading the newest seq and now.
    void this.pump(sink.tenant);
    return () => {
      st.cursors.delete(cursor);
      if (!st.cursors.size && !st.pumping) this.tenants.delete(sink.tenant);
    };
  }

  stats(): HubStats {
    let subscribers = 0;
    for (const st of this.tenants.values()) subscribers += st.cursors.size;
    return { tenants: this.tenants.size, subscribers };
  }

  /** Ends every subscriber's connection and stops listening (service close). */
  async close(): Promise<void> {
    this.closed = true;
    for (const st of this.tenants.values()) for (const c of st.cursors) c.sink.close('server shutting down');
    this.tenants.clear();
    this.unlisten?.();
    this.unreconnect?.();
  }

  private state(tenant: number): TenantState {
    let st = this.tenants.get(tenant);
    if (!st) this.tenants.set(tenant, (st = { cursors: new Set(), pumping: false, again: false, late: Infinity }));
    return st;
  }

  private listen(): Promise<void> {
    this.listening ??= (async () => {
      const l = databaseListener(this.db);
      this.unreconnect = l.onReconnect(() => {
        for (const t of this.tenants.keys()) void this.pump(t);
      });
      this.unlisten = await l.on(EVENTS_CHANNEL, (payload) => this.onNotify(payload));
    })().catch((err) => {
      this.listening = null;
      throw err;
    });
    return this.listening;
  }

  private onNotify(payload: string): void {
    let msg: { company_id?: unknown; seq?: unknown };
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    const tenant = Number(msg.company_id);
    const st = this.tenants.get(tenant);
    if (!st || !st.cursors.size) return;
    // Read from just before this event at the latest: it is committed (NOTIFY comes after the commit),
    // but a read already under way may have run before it was visible and moved the cursors past it.
    const seq = Number(msg.seq);
    if (Number.isSafeInteger(seq)) st.late = Math.min(st.late, seq - 1);
    void this.pump(tenant);
  }

  private async newestSeq(tenant: number): Promise<number> {
    const row = await this.db(DOMAIN_EVENTS).where({ company_id: tenant }).max({ seq: 'seq' }).first();
    return Number(row?.seq ?? 0);
  }

  private async pump(tenant: number): Promise<void> {
    const st = this.tenants.get(tenant);
    if (!st) return;
    if (st.pumping) {
      st.again = true;
      return;
    }
    st.pumping = true;
    try {
      do {
        st.again = false;
        if (!st.cursors.size) break;
        let from = st.late;
        st.late = Infinity;
        for (const c of st.cursors) from = Math.min(from, c.after);
        for (;;) {
          const batch = await readEventsAfter(this.db, tenant, from, BATCH);
          for (const e of batch) for (const c of st.cursors) c.offer(e);
          if (batch.length < BATCH) break;
          from = batch[batch.length - 1]!.seq;
        }
      } while (st.again && !this.closed);
    } catch {
      // The database is unreachable (or closing): the next notification, or the listener's reconnect, reads again.
    } finally {
      st.pumping = false;
      if (!st.cursors.size) this.tenants.delete(tenant);
    }
  }
}

const hubs = new WeakMap<Knex, EventHub>();

/** The hub of this database handle (one per process in `serve`). */
export function eventHub(db: Knex): EventHub {
  let h = hubs.get(db);
  if (!h) hubs.set(db, (h = new EventHub(db)));
  return h;
}

/** Closes the hub of `db`, ending its streams (graceful shutdown). */
export async function closeEventHub(db: Knex): Promise<void> {
  const h = hubs.get(db);
  hubs.delete(db);
  await h?.close();
}
