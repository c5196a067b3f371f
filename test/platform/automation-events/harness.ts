/**
 * Shared bits of the automation-events tests: a local HTTP receiver on 127.0.0.1 whose answers a test
 * scripts, and `deliver`, which hands every event of the log after the last one it saw to the
 * automation consumer the way the job engine does (a throw = the engine retries it later).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { readAllEventsAfter, type DomainEvent } from '../../../runtime/platform/events/event-log.ts';
import { runAutomationsForEvent } from '../../../runtime/platform/automation/on-event.ts';

export interface Hit {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface Receiver {
  readonly url: string;
  readonly hits: Hit[];
  /** The status the next requests get (default 200) and the JSON they carry. */
  answer(status: number, body?: unknown): void;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

export async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = [];
  let status = 200;
  let payload: unknown = { ok: true };
  const server: Server = createServer(async (req, res) => {
    hits.push({ method: req.method ?? '', path: req.url ?? '', body: await bodyOf(req) });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    answer(s, b = { ok: s < 400 }) {
      status = s;
      payload = b;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The engine's part, in the test: every new event once to the consumer; failed ones are returned for a later retry. */
export function eventPump(db: Knex) {
  let seen = 0;
  return {
    /** Delivers the new events; returns those whose delivery threw (to retry). */
    async deliverNew(): Promise<DomainEvent[]> {
      const failed: DomainEvent[] = [];
      for (;;) {
        const batch = await readAllEventsAfter(db, seen, 200);
        if (!batch.length) return failed;
        for (const e of batch) {
          seen = e.seq;
          await runAutomationsForEvent(db, e).catch(() => failed.push(e));
        }
      }
    },
    /** Delivers again (an engine retry); returns those that threw again. */
    async redeliver(events: readonly DomainEvent[]): Promise<DomainEvent[]> {
      const failed: DomainEvent[] = [];
      for (const e of events) await runAutomationsForEvent(db, e).catch(() => failed.push(e));
      return failed;
    },
  };
}
