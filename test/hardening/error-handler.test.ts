/**
 * The generic error handler (runtime/http/create-app.ts) in each wire style: an unknown error is a
 * 500 that says nothing but its request id (the error goes to the log with that id), and a 4xx whose
 * message some code built from a driver error is answered in plain words instead.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../runtime/http/api-error.ts';
import { createApp } from '../../runtime/http/create-app.ts';
import { WIRE_STYLES } from '../../runtime/http/wire-style.ts';
import type { ServiceStyle } from '../../runtime/descriptor.ts';
import type { RequestContext, Runtime } from '../../runtime/runtime-api.ts';

const SQL = 'select "secret"."x" from "secret_table" where "id" = $1 - relation "secret_table" does not exist';

function routes(): Router {
  const r = Router();
  r.get('/boom', () => {
    throw Object.assign(new Error(SQL), { code: '42P01' });
  });
  r.get('/leaky', () => {
    throw new ApiError(400, 'validation_error', `Invalid value: insert into "t" ("a") values ($1) - value too long`);
  });
  r.get('/plain', () => {
    throw new ApiError(400, 'validation_error', 'Choose a later date.');
  });
  return r;
}

const EXPECTED_500: Readonly<Record<ServiceStyle, (id: string) => unknown>> = {
  drf: (id) => ({ detail: 'A server error occurred.', code: 'server_error', request_id: id }),
  roomloop: (id) => ({ error: { code: 'server_error', message: 'A server error occurred.', request_id: id } }),
  platform: (id) => ({ success: false, error: { code: 'SERVER_ERROR', message: 'A server error occurred.' }, request_id: id }),
};

for (const style of ['drf', 'roomloop', 'platform'] as const) {
  describe(`${style} error handler`, () => {
    let server: Server;
    let base: string;
    const logged: { err: unknown; id: string | undefined }[] = [];
    beforeAll(async () => {
      // createApp reads only these members of the runtime.
      const runtime = { service: 'hardening', style, wire: WIRE_STYLES[style], db: null } as unknown as Runtime;
      const app = createApp({
        runtime,
        routes: routes(),
        basePath: '/v1/',
        onServerError: (err: unknown, ctx: RequestContext | undefined) => logged.push({ err, id: ctx?.requestId }),
        onRefusedInput: (err: unknown, ctx: RequestContext | undefined) => logged.push({ err, id: ctx?.requestId }),
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('an unknown error is a 500 with only the request id; the error is logged with it', async () => {
      const res = await fetch(`${base}/boom`, { headers: { 'X-Request-ID': 'req-500' } });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual(EXPECTED_500[style]('req-500'));
      expect(logged.at(-1)).toMatchObject({ id: 'req-500', err: { message: SQL } });
    });

    it('a 4xx carrying SQL is answered in plain words', async () => {
      const res = await fetch(`${base}/leaky`, { headers: { 'X-Request-ID': 'req-400' } });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/insert|values|\$1/);
      expect(text).toContain('Invalid input.');
      expect(logged.at(-1)?.id).toBe('req-400');
    });

    it('an ordinary 4xx keeps its message', async () => {
      const res = await fetch(`${base}/plain`);
      expect(await res.text()).toContain('Choose a later date.');
    });

    it('a known path with a missing method is 405 with Allow', async () => {
      const res = await fetch(`${base}/plain`, { method: 'POST' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    });
  });
}
