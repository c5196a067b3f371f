/** Error bodies and list envelopes of the roomloop and platform styles, and PostgreSQL error mapping. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ruleViolation } from '../../runtime/http/api-error.ts';
import { errorBody } from '../../runtime/http/render-error.ts';
import { toApiError } from '../../runtime/http/to-api-error.ts';
import { WIRE_STYLES } from '../../runtime/http/wire-style.ts';
import { client, startTestServer, type TestServer } from './crud-fixture.ts';

describe('errorBody', () => {
  it('renders a rules-engine refusal per style', () => {
    const err = ruleViolation('R-05', 'Bookings close 24h ahead.');
    expect(errorBody(err, 'roomloop', 'r1')).toEqual({
      error: { code: 'rule_violation', message: 'Bookings close 24h ahead.', rule: 'R-05' },
    });
    expect(errorBody(err, 'platform', 'r1')).toEqual({
      success: false,
      error: { code: 'RULE_VIOLATION', message: 'Bookings close 24h ahead.' },
      request_id: 'r1',
    });
    expect(errorBody(err, 'drf', 'r1')).toEqual({ detail: 'Bookings close 24h ahead.', code: 'rule_violation' });
  });

  it('maps PostgreSQL errors by SQLSTATE, naming wire fields', () => {
    const name = (c: string) => (c === 'service_id' ? 'service' : c);
    const fk = { code: '23503', detail: 'Key (service_id)=(99) is not present in table "svc".' };
    expect(toApiError(fk, WIRE_STYLES.drf, name)!.fields).toEqual({ service: ['Invalid pk "99" - object does not exist.'] });
    const uniq = { code: '23505', detail: 'Key (company_id, name)=(1, x) already exists.' };
    expect(toApiError(uniq, WIRE_STYLES.drf, name)!.status).toBe(400);
    expect(toApiError(uniq, WIRE_STYLES.roomloop, name)!.status).toBe(409);
    expect(toApiError({ code: '22P02', message: 'invalid input syntax for type integer' }, WIRE_STYLES.platform)!.status).toBe(400);
    expect(toApiError({ code: '23503', detail: 'Key (id)=(1) is still referenced from table "bkg".' }, WIRE_STYLES.drf)!.status).toBe(409);
    expect(toApiError(new Error('boom'), WIRE_STYLES.drf)).toBeNull();
    expect(toApiError(new ApiError(418, 'teapot', 'x'), WIRE_STYLES.drf)!.status).toBe(418);
  });
});

describe('roomloop style over HTTP', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer('roomloop');
  });
  afterAll(async () => srv?.close());

  it('lists as {data, next_cursor} and follows the cursor', async () => {
    const api = client(srv.url);
    for (const name of ['A', 'B', 'C']) expect((await api('POST', '/services/', { name, price: 1 })).status).toBe(201);
    const p1 = await api('GET', '/services/?limit=2');
    expect(p1.status, JSON.stringify(p1.body)).toBe(200);
    expect(p1.body.data.map((x: { name: string }) => x.name)).toEqual(['A', 'B']);
    expect(typeof p1.body.next_cursor).toBe('string');
    const p2 = await api('GET', `/services/?limit=2&cursor=${p1.body.next_cursor}`);
    expect(p2.body).toMatchObject({ next_cursor: null });
    expect(p2.body.data.map((x: { name: string }) => x.name)).toEqual(['C']);
    const bad = await api('GET', '/services/?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
  });

  it('renders validation, 401 and unique conflicts as {error:{code,message}}', async () => {
    const api = client(srv.url);
    const v = await api('POST', '/services/', { price: 1 });
    expect(v.status).toBe(400);
    expect(v.body.error).toMatchObject({ code: 'validation_error' });
    expect(v.body.error.message).toMatch(/^name: /);
    const dup = await api('POST', '/services/', { name: 'A', price: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const anon = await client(srv.url, {})('GET', '/services/');
    expect(anon.body).toEqual({ error: { code: 'unauthorized', message: 'Authentication credentials were not provided.' } });
  });
});

describe('platform style over HTTP', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer('platform');
  });
  afterAll(async () => srv?.close());

  it('wraps bodies in {success, data, request_id} and deletes with 200', async () => {
    const api = client(srv.url);
    const created = await api('POST', '/services/', { name: 'X', price: '2.00' }, { 'X-Request-ID': 'abc' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, request_id: 'abc', data: { name: 'X', price: '2.00' } });
    const list = await api('GET', '/services/?limit=1&offset=0');
    expect(list.body.data).toMatchObject({ total: 1, next_cursor: null });
    expect(list.body.data.results).toHaveLength(1);
    const del = await api('DELETE', `/services/${created.body.data.id}/`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ success: true, data: null });
    const gone = await api('GET', `/services/${created.body.data.id}/`, undefined, { 'X-Request-ID': 'r-404' });
    expect(gone.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Not found.' }, request_id: 'r-404' });
  });
});
