/**
 * Realtime clients for the tests and the bench: an SSE reader over fetch (parses `id:`/`event:`/`data:`
 * blocks the way EventSource does) and a `ws` WebSocket client; both keep what they received, with
 * the time it arrived, and can wait for a message.
 */
import WebSocket from 'ws';

export interface Received {
  readonly at: number;
  readonly id?: string;
  readonly event: string;
  readonly data: any;
}

async function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = find();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface SseClient {
  readonly status: number;
  readonly received: Received[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

export async function openSse(url: string, token: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: ac.signal });
  const received: Received[] = [];
  let endedResolve!: () => void;
  const ended = new Promise<void>((r) => (endedResolve = r));
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let id: string | undefined;
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const [k, ...rest] = line.split(':');
              const v = rest.join(':').replace(/^ /, '');
              if (k === 'id') id = v;
              else if (k === 'event') event = v;
              else if (k === 'data') data.push(v);
            }
            if (data.length) received.push({ at: performance.now(), id, event, data: JSON.parse(data.join('\n')) });
          }
        }
      } catch {
        // aborted by close()
      } finally {
        endedResolve();
      }
    })();
  } else endedResolve();
  return {
    status: res.status,
    received,
    ended,
    waitFor: (pred, timeoutMs = 10_000) => waitUntil(() => received.find(pred), timeoutMs, 'an SSE event'),
    close: () => ac.abort(),
  };
}

export interface WsClient {
  readonly ws: WebSocket;
  readonly received: Received[];
  send(msg: unknown): void;
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

/** Opens a WebSocket; rejects with `{status}` when the server refused the upgrade. */
export function openWs(url: string): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const received: Received[] = [];
    ws.on('message', (raw) => {
      const data = JSON.parse(raw.toString());
      received.push({ at: performance.now(), event: data.type, data });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        received,
        send: (msg) => ws.send(JSON.stringify(msg)),
        waitFor: (pred, timeoutMs = 10_000) => waitUntil(() => received.find(pred), timeoutMs, 'a WebSocket message'),
        close: () => ws.close(),
      }),
    );
  });
}

export function wsUrl(httpBase: string, query: Record<string, string>): string {
  const u = new URL('/v1/realtime', httpBase.replace(/^http/, 'ws'));
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
