/**
 * Behaviour of the generated client (the golden shop/rooms SDKs) against a tiny local HTTP server:
 * pagination, typed errors, refresh-once on 401, retries with backoff, no retry for bare POSTs, timeouts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError as RoomsConflictError, createClient as createRooms } from '../golden/sdk-basic/rooms/sdk/index.ts';
import {
  AuthenticationError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  createClient,
} from '../golden/sdk-basic/shop/sdk/index.ts';
import { errorFromResponse } from '../golden/sdk-basic/shop/sdk/errors.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: Seen, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);
beforeEach(() => {
  seen = [];
});

const shop = (extra: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ baseUrl: base, companyId: '001', appId: 'test-app', retryBaseMs: 1, ...extra });
const appt = (id: number) => ({ id, status: 'pending' });

describe('generated client', () => {
  it('iterates every page by following `next`, sending tenant and app headers', async () => {
    handler = (req, res) => {
      const page = new URL(req.url, base).searchParams.get('page') ?? '1';
      const next = page === '1' ? `${base}/api/v1/booking/appointments/?page=2&status=pending` : null;
      json(res, 200, { count: 3, next, previous: null, results: page === '1' ? [appt(1), appt(2)] : [appt(3)] });
    };
    const ids: number[] = [];
    for await (const a of shop({ token: 'tok' }).booking.appointments.iterate({ status: 'pending' })) ids.push(a.id);
    expect(ids).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.url)).toEqual([
      '/api/v1/booking/appointments/?status=pending',
      '/api/v1/booking/appointments/?page=2&status=pending',
    ]);
    expect(seen[0]!.headers['x-company-id']).toBe('001');
    expect(seen[0]!.headers['x-shop-app-id']).toBe('test-app');
    expect(seen[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('follows next_cursor for keyset pages (roomloop style), without trailing slashes', async () => {
    handler = (req, res) => {
      const cursor = new URL(req.url, base).searchParams.get('cursor');
      json(res, 200, cursor ? { data: [{ id: 'room_b' }], next_cursor: null } : { data: [{ id: 'room_a' }], next_cursor: 'c1' });
    };
    const ids: string[] = [];
    for await (const r of createRooms({ baseUrl: base, apiKey: 'sk_live_1' }).facilities.rooms.iterate({ limit: 1 })) ids.push(r.id);
    expect(ids).toEqual(['room_a', 'room_b']);
    expect(seen.map((s) => s.url)).toEqual(['/v1/rooms?limit=1', '/v1/rooms?limit=1&cursor=c1']);
    expect(seen[0]!.headers.authorization).toBe('Bearer sk_live_1');
  });

  it('raises a typed ValidationError with field messages', async () => {
    handler = (_req, res) => json(res, 400, { starts_at: ['This field is required.'], non_field_errors: ['Slot taken.'] });
    const err = await shop()
      .booking.appointments.create({ service: 1, starts_at: '' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.status).toBe(400);
    expect(v.code).toBe('validation_error');
    expect(v.fields.starts_at).toEqual(['This field is required.']);
    expect(v.fields.non_field_errors).toEqual(['Slot taken.']);
    expect(JSON.parse(seen[0]!.body)).toEqual({ service: 1, starts_at: '' });
  });

  it('refreshes an expired access token once and retries the call', async () => {
    let refreshes = 0;
    handler = (req, res) => {
      if (req.url === '/api/v1/auth/refresh/') {
        refreshes++;
        expect(JSON.parse(req.body)).toEqual({ refresh: 'r1' });
        return json(res, 200, { access: 'fresh', refresh: 'r2' });
      }
      if (req.headers.authorization !== 'Bearer fresh') return json(res, 401, { detail: 'Token is expired', code: 'token_not_valid' });
      json(res, 200, appt(7));
    };
    const client = shop({ token: 'stale', refreshToken: 'r1' });
    expect((await client.booking.appointments.get(7)).id).toBe(7);
    expect(refreshes).toBe(1);
    expect(client.auth.getTokens()).toEqual({ access: 'fresh', refresh: 'r2' });
  });

  it('gives up with AuthenticationError when the refreshed token is refused too', async () => {
    let refreshes = 0;
    handler = (req, res) => {
      if (req.url === '/api/v1/auth/refresh/') {
        refreshes++;
        return json(res, 200, { access: `a${refreshes}` });
      }
      json(res, 401, { detail: 'Token is expired', code: 'token_not_valid' });
    };
    const err = await shop({ token: 'stale', refreshToken: 'r1' })
      .booking.services.get(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('token_not_valid');
    expect(refreshes).toBe(1);
    expect(seen.filter((s) => s.url === '/api/v1/booking/services/1/')).toHaveLength(2);
  });

  it('logs in and sends the access token afterwards', async () => {
    handler = (req, res) => (req.url === '/api/v1/auth/login/' ? json(res, 200, { access: 'A', refresh: 'R' }) : json(res, 200, appt(1)));
    const client = shop();
    await client.auth.login({ email: 'dev@example.com', password: 'pw' });
    await client.booking.appointments.get(1);
    expect(seen[1]!.headers.authorization).toBe('Bearer A');
  });

  it('retries a GET on 503 with backoff, then succeeds', async () => {
    let n = 0;
    handler = (_req, res) => (++n < 3 ? json(res, 503, { detail: 'busy' }) : json(res, 200, appt(1)));
    expect((await shop({ retries: 2 }).booking.appointments.get(1)).id).toBe(1);
    expect(seen).toHaveLength(3);
  });

  it('does not retry a POST without an idempotency key', async () => {
    handler = (_req, res) => json(res, 503, { detail: 'busy' });
    const err = await shop({ retries: 3 })
      .booking.services.create({ name: 'Cut', price: '1.00' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(1);
  });

  it('retries a POST sent with an idempotency key, reusing the key', async () => {
    let n = 0;
    handler = (_req, res) => (++n < 2 ? json(res, 503, {}) : json(res, 201, { id: 5 }));
    await shop({ retries: 3 }).booking.services.create({ name: 'Cut', price: '1.00' }, { idempotencyKey: true });
    expect(seen).toHaveLength(2);
    const keys = seen.map((s) => s.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('aborts a call that outlives its timeout with TimeoutError', async () => {
    handler = () => {
      /* never answers */
    };
    const err = await shop({ timeoutMs: 50, retries: 0 })
      .booking.appointments.get(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    // On a loaded machine the 50 ms may run out before the server has even read the request: at most one, never a retry.
    expect(seen.length).toBeLessThanOrEqual(1);
  });

  it('honours a caller AbortSignal without retrying', async () => {
    handler = () => {
      /* never answers */
    };
    const ctrl = new AbortController();
    const pending = shop({ retries: 3 })
      .booking.appointments.get(1, { signal: ctrl.signal })
      .catch((e: unknown) => e);
    // Abort once the server holds the request (a fixed delay raced the connection on a loaded machine).
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    ctrl.abort();
    const err = await pending;
    expect((err as Error).name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
  });

  it('parses roomloop and platform error bodies and Retry-After', async () => {
    handler = (_req, res) => json(res, 409, { error: { code: 'slot_conflict', message: 'Slot taken', rule: 'R-03' } });
    const err = await createRooms({ baseUrl: base })
      .facilities.reservations.create({ room: 'room_1', starts_at: 'a', ends_at: 'b' })
      .catch((e: unknown) => e);
    // Each SDK is its own package, with its own error classes.
    expect(err).toBeInstanceOf(RoomsConflictError);
    expect(err).toMatchObject({ status: 409, code: 'slot_conflict', rule: 'R-03', message: 'Slot taken' });
    const platform = errorFromResponse(
      429,
      { success: false, error: { code: 'RATE_LIMITED', message: 'slow down' }, request_id: 'rq1' },
      '7',
    );
    expect(platform).toBeInstanceOf(RateLimitError);
    expect(platform).toMatchObject({ code: 'RATE_LIMITED', requestId: 'rq1', retryAfter: 7 });
  });
});
