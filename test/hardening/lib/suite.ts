/**
 * The hardening cases every service answers the same way, each in the service's own error body:
 * NUL characters anywhere (query, path, JSON string, free JSON), date-time filters PostgreSQL cannot
 * read, unknown methods (405 + Allow), malformed JSON and multipart bodies, oversized bodies, paging
 * out of range — never a 500 and never the database's words. Per-service paths come from the test files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectNoDriverText, expectStyledError, startHarness, type Harness, type ServiceName } from './harness.ts';

export interface ServiceCases {
  /** A create with a valid body; `text` is one of its string fields. */
  readonly create: { readonly path: string; readonly body: Record<string, unknown>; readonly text: string };
  /** A collection with a date-time range filter. */
  readonly list: { readonly path: string; readonly dateFilter: string };
  /** An item path, `{id}` for the id. */
  readonly item: string;
  /** A POST that reads multipart/form-data bodies. */
  readonly multipart: string;
  /** A path, a method it lacks and its `Allow` header. */
  readonly methods: { readonly path: string; readonly missing: string; readonly allow: string };
  /** The table behind `create`, which must never be named in an answer. */
  readonly table: string;
}

const NUL = 'Null characters are not allowed.';

export function hardeningSuite(service: ServiceName, cases: ServiceCases): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service);
  });
  afterAll(async () => h?.close());

  const fields = (body: Record<string, unknown>) => errorOf(service, body).fields ?? {};

  describe(`${service}: NUL characters are refused up front`, () => {
    it('in a JSON string field', async () => {
      const r = await h.call('POST', cases.create.path, { body: { ...cases.create.body, [cases.create.text]: 'a\u0000b' } });
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ [cases.create.text]: [NUL] });
      expectNoDriverText(r, cases.table);
    });

    it('nested in free JSON', async () => {
      const r = await h.call('POST', cases.create.path, { body: { ...cases.create.body, tags: { k: '\u0000' } } });
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ 'tags.k': [NUL] });
    });

    it('in a JSON object key', async () => {
      const r = await h.call('POST', cases.create.path, { body: { ...cases.create.body, tags: { 'a\u0000': 1 } } });
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ tags: [NUL] });
    });

    it('in a query value', async () => {
      const r = await h.call('GET', `${cases.list.path}?search=a%00b`);
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ search: [NUL] });
    });

    it('in a path parameter', async () => {
      const r = await h.call('GET', cases.item.replace('{id}', 'a%00b'));
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ id: [NUL] });
    });

    it('JSON nested deeper than 64 levels', async () => {
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      const r = await h.call('POST', cases.create.path, { raw: `{"tags":${deep}}`, contentType: 'application/json' });
      expectStyledError(h, r, 400);
      expect(Object.keys(fields(r.body))[0]).toMatch(/^tags\./);
    });
  });

  describe(`${service}: date-time filters PostgreSQL cannot read are 400s naming the parameter`, () => {
    for (const bad of [
      '2020-01-01T00:00:00%2B20:00',
      '2020-01-01T00:00:00-16:00',
      '0000-01-01T00:00:00Z',
      '2020-02-30T00:00:00Z',
      '2020-01-01T24:00:00Z',
    ]) {
      it(bad, async () => {
        const r = await h.call('GET', `${cases.list.path}?${cases.list.dateFilter}=${bad}`);
        expectStyledError(h, r, 400);
        expect(Object.keys(fields(r.body))).toEqual([cases.list.dateFilter]);
        expectNoDriverText(r);
      });
    }
    it('an offset within ±15:59 is read', async () => {
      const r = await h.call('GET', `${cases.list.path}?${cases.list.dateFilter}=2020-01-01T00:00:00%2B15:59`);
      expect(r.status, r.text).toBe(200);
    });
  });

  describe(`${service}: unknown methods`, () => {
    it(`${cases.methods.missing} on a known path is 405 with Allow`, async () => {
      const r = await h.call(cases.methods.missing, cases.methods.path);
      expectStyledError(h, r, 405);
      expect(r.headers.get('allow')).toBe(cases.methods.allow);
      expect(errorOf(service, r.body).code?.toLowerCase()).toBe('method_not_allowed');
    });
    it('TRACE is 405 with Allow', async () => {
      const r = await h.call('TRACE', cases.list.path);
      expect(r.status, r.text).toBe(405);
      expect(r.headers.get('allow')).toMatch(/^[A-Z, ]+$/);
    });
    it('an unknown path stays 404', async () => {
      const r = await h.call('TRACE', 'no-such-endpoint-anywhere');
      expectStyledError(h, r, 404);
    });
  });

  describe(`${service}: malformed bodies`, () => {
    it('malformed JSON is 400', async () => {
      const r = await h.call('POST', cases.create.path, { raw: '{"name": ', contentType: 'application/json' });
      expectStyledError(h, r, 400);
      const e = errorOf(service, r.body);
      expect(e.code?.toLowerCase()).toBe(service === 'loop' ? 'parse_error' : 'validation_error');
      expect(e.message).toMatch(/^JSON parse error - ./);
    });
    it('multipart without part headers is 400', async () => {
      const raw = '--XyZ\r\n\r\nvalue\r\n--XyZ--\r\n';
      const r = await h.call('POST', cases.multipart, { raw, contentType: 'multipart/form-data; boundary=XyZ' });
      expectStyledError(h, r, 400);
      expect(errorOf(service, r.body).code?.toLowerCase()).toBe('bad_upload');
    });
    it('multipart cut short is 400', async () => {
      const raw = '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nval';
      const r = await h.call('POST', cases.multipart, { raw, contentType: 'multipart/form-data; boundary=XyZ' });
      expectStyledError(h, r, 400);
    });
    it('multipart without a boundary is 400', async () => {
      const r = await h.call('POST', cases.multipart, { raw: 'x', contentType: 'multipart/form-data' });
      expectStyledError(h, r, 400);
    });
    it('a NUL in a multipart field is 400', async () => {
      const raw = '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\na\u0000b\r\n--XyZ--\r\n';
      const r = await h.call('POST', cases.multipart, { raw, contentType: 'multipart/form-data; boundary=XyZ' });
      expectStyledError(h, r, 400);
      expect(fields(r.body)).toEqual({ name: [NUL] });
    });
    it('a JSON body over the limit is 413', async () => {
      const r = await h.call('POST', cases.create.path, { body: { ...cases.create.body, pad: 'x'.repeat(1_100_000) } });
      expectStyledError(h, r, 413);
      expect(errorOf(service, r.body).code?.toLowerCase()).toBe('payload_too_large');
    });
  });
}

/** Paging parameters out of range: the style's answer (a 400 naming the parameter, a clamp, or DRF's 404), never a 500. */
export function pagingSuite(
  service: ServiceName,
  path: string,
  cases: readonly { readonly query: string; readonly status: number; readonly body?: unknown }[],
): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(service);
  });
  afterAll(async () => h?.close());
  for (const c of cases) {
    it(`${service}: ${path}?${c.query} → ${c.status}`, async () => {
      const r = await h.call('GET', `${path}?${c.query}`);
      expect(r.status, r.text).toBe(c.status);
      if (c.body !== undefined) expect(r.body).toEqual(c.body);
    });
  }
}
