/**
 * Logs: secrets are redacted wherever they sit in a line (headers, bodies, one and two levels down,
 * plus paths added through LOG_REDACT); the per-request line carries the request id, service, route
 * template (never the raw path), status and duration; the level follows LOG_LEVEL and tests stay quiet.
 */
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, REDACTED, setLogger } from '../../runtime/observability/logger.ts';
import { observeRequests } from '../../runtime/observability/request-log.ts';

function capture(): { lines: Record<string, any>[]; stream: Writable } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}

afterEach(() => setLogger(undefined));

describe('redaction', () => {
  it('masks credentials in headers, bodies and nested objects', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: stream, redact: [] });
    log.info(
      {
        req: {
          headers: {
            authorization: 'Bearer eyJ.secret.jwt',
            'x-loop-api-key': 'loop_live_abc',
            cookie: 'sid=s3cr3t',
            accept: 'application/json',
          },
        },
        headers: { 'set-cookie': 'sid=s3cr3t', 'x-loop-api-key': 'loop_live_abc' },
        body: { email: 'a@example.com', password: 'hunter2hunter2', token: 'tok_123' },
        user: { profile: { secret: 'totp-seed', name: 'Ann' } },
        access: 'jwt-access',
        refresh: 'jwt-refresh',
        api_key: 'k',
      },
      'login',
    );
    const [line] = lines;
    expect(line.req.headers.authorization).toBe(REDACTED);
    expect(line.req.headers['x-loop-api-key']).toBe(REDACTED);
    expect(line.req.headers.cookie).toBe(REDACTED);
    expect(line.req.headers.accept).toBe('application/json');
    expect(line.headers['set-cookie']).toBe(REDACTED);
    expect(line.headers['x-loop-api-key']).toBe(REDACTED);
    expect(line.body).toEqual({ email: 'a@example.com', password: REDACTED, token: REDACTED });
    expect(line.user.profile).toEqual({ secret: REDACTED, name: 'Ann' });
    expect([line.access, line.refresh, line.api_key]).toEqual([REDACTED, REDACTED, REDACTED]);
    const text = JSON.stringify(lines);
    for (const s of ['eyJ.secret.jwt', 'loop_live_abc', 's3cr3t', 'hunter2hunter2', 'tok_123', 'totp-seed', 'jwt-access', 'jwt-refresh'])
      expect(text).not.toContain(s);
  });

  it('adds the paths LOG_REDACT names', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: stream }, { LOG_REDACT: 'body.iban, customer.ssn' });
    log.info({ body: { iban: 'GB00 1234', amount: 5 }, customer: { ssn: '123-45-6789' } }, 'x');
    expect(lines[0]!.body).toEqual({ iban: REDACTED, amount: 5 });
    expect(lines[0]!.customer.ssn).toBe(REDACTED);
  });

  it('masks a bare LOG_REDACT name at any depth, and secret keys in any case and inside arrays', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: stream }, { LOG_REDACT: 'national_id' });
    const input = { a: { b: { c: { national_id: 'AB123', Authorization: 'Basic xyz' } } }, items: [{ PASSWORD: 'p' }, { ok: 1 }] };
    log.info(input, 'deep');
    expect(lines[0]!.a.b.c).toEqual({ national_id: REDACTED, Authorization: REDACTED });
    expect(lines[0]!.items).toEqual([{ PASSWORD: REDACTED }, { ok: 1 }]);
    expect(input.a.b.c.national_id).toBe('AB123'); // the caller's object is left alone
  });

  it('takes its level from LOG_LEVEL, and defaults to warn under vitest', () => {
    expect(createLogger({ format: 'json', destination: capture().stream }, { VITEST: 'true' }).level).toBe('warn');
    expect(createLogger({ format: 'json', destination: capture().stream }, { VITEST: 'true', LOG_LEVEL: 'debug' }).level).toBe('debug');
    expect(createLogger({ format: 'json', destination: capture().stream }, {}).level).toBe('info');
  });
});

describe('request log line', () => {
  it('names the route template, request id, service, status and duration; never the raw path', async () => {
    const { lines, stream } = capture();
    setLogger(createLogger({ level: 'info', format: 'json', destination: stream }));
    const app = express();
    app.use((_req, res, next) => {
      res.locals.requestId = 'req-1234';
      res.locals.ctx = { tenant: { companyCode: '001', companyId: 7 }, principal: { userId: 42, via: 'jwt' } };
      next();
    });
    app.use(observeRequests('loop'));
    const r = express.Router();
    r.get('/crm/contacts/:id/', (_req, res) => void res.json({ ok: true }));
    r.get('/crm/broken/:id/', () => {
      throw new Error('boom');
    });
    const crm = express.Router();
    crm.get('/:id/', () => {
      throw new Error('nested boom');
    });
    r.use('/crm/deals', crm);
    app.use('/api/v1', r);
    app.use(((_err, _req, res, _next) => void res.status(500).json({})) as express.ErrorRequestHandler);
    const server = app.listen(0);
    const port = (server.address() as { port: number }).port;
    try {
      await fetch(`http://127.0.0.1:${port}/api/v1/crm/contacts/98765/?token=abc`);
      await fetch(`http://127.0.0.1:${port}/api/v1/crm/broken/555/`);
      await fetch(`http://127.0.0.1:${port}/api/v1/crm/deals/777/`);
      await fetch(`http://127.0.0.1:${port}/nothing/here/31337`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      server.close();
    }
    const req = lines.filter((l) => l.msg === 'request');
    expect(req.map((l) => [l.route, l.status])).toEqual([
      ['/api/v1/crm/contacts/:id/', 200],
      ['/api/v1/crm/broken/:id/', 500],
      ['/api/v1/crm/deals/:id/', 500],
      ['unmatched', 404],
    ]);
    expect(req[0]).toMatchObject({
      request_id: 'req-1234',
      service: 'loop',
      method: 'GET',
      tenant: { company_code: '001', company_id: 7 },
      principal: { id: 42 },
    });
    expect(typeof req[0]!.duration_ms).toBe('number');
    expect(req[1]!.level).toBe('error');
    const text = JSON.stringify(req);
    for (const raw of ['98765', '555', '777', '31337', 'token=abc']) expect(text).not.toContain(raw);
  });
});
