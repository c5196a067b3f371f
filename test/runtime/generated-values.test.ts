/**
 * Server-generated values (catalogue `generate:`) through the generic create of the LOOP service:
 * per-company sequences (desk ticket numbers `TKT-00001`, payment receipts `RCT-<year>-0001`),
 * concurrent creates, codes unique across companies, and the savepoint retry on a unique violation.
 * With DATABASE_URL set the concurrent creates really overlap (a connection pool); on PGlite they queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillGenerated, insertWithGenerated, randomCode } from '../../runtime/crud/generated-values.ts';
import { protectorItemResource } from '../../generated/loop/server/protector.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from '../actions/loop-client.ts';

let svc: TestService;
let a: LoopClient;
let b: LoopClient;

beforeAll(async () => {
  svc = await startTestService('loop');
  a = await signUp(svc, 'gena');
  b = await signUp(svc, 'genb');
}, 60_000);
afterAll(async () => svc?.close());

const ticket = (c: LoopClient, subject = 'Printer') => c.post('desk/tickets/', { subject, requester_name: 'Ann' });
/** A scripted random source: the given draws first, then real randomness. */
const scripted =
  (...draws: string[]) =>
  (length: number) =>
    draws.shift() ?? randomCode(length);

describe('sequence', () => {
  it('numbers each company from 1, padded, never reusing a deleted number', async () => {
    const first = await ticket(a);
    expect(first.status).toBe(201);
    expect(first.body.number).toBe('TKT-00001');
    expect((await ticket(a)).body.number).toBe('TKT-00002');
    expect((await ticket(b)).body.number).toBe('TKT-00001');
    const third = await ticket(a);
    expect((await a.call('DELETE', `desk/tickets/${third.body.id}/`)).status).toBe(204);
    expect((await ticket(a)).body.number).toBe('TKT-00004');
  });

  it('is read-only: a client number is never stored', async () => {
    // DRF ignores read-only fields in a body; a strict validator refuses them. Either way the number is ours.
    const r = await a.post('desk/tickets/', { subject: 'x', requester_name: 'y', number: 'TKT-99999' });
    if (r.status === 400) expect(JSON.stringify(r.body)).toContain('number');
    else {
      expect(r.status).toBe(201);
      expect(r.body.number).toMatch(/^TKT-\d{5}$/);
      expect(r.body.number).not.toBe('TKT-99999');
    }
  });

  it('gives concurrent creates distinct, consecutive numbers', async () => {
    const c = await signUp(svc, 'genc');
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => ticket(c, `Concurrent ${i}`)));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(201));
    const numbers = replies.map((r) => r.body.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `TKT-${String(i + 1).padStart(5, '0')}`));
  });

  it('expands {year} in the prefix', async () => {
    const tx = await create(a, 'payments/transactions/', { method: 'cash', amount: '10.00', currency: 'RWF' });
    const body = { transaction: tx.id, amount: '10.00', issued_at: '2025-03-04T10:00:00Z' };
    const year = new Date().getUTCFullYear();
    expect((await create(a, 'payments/receipts/', body)).number).toBe(`RCT-${year}-0001`);
    expect((await create(a, 'payments/receipts/', body)).number).toBe(`RCT-${year}-0002`);
  });
});

describe('code', () => {
  it('draws prefix + Crockford base32 on create, different for every row', async () => {
    const cat = await create(a, 'protector/categories/', { name: 'Bikes', slug: 'bikes' });
    const items = await Promise.all(
      [1, 2, 3].map((n) => create(a, 'protector/items/', { category: cat.id, name: `Bike ${n}`, owner_name: 'Ann' })),
    );
    for (const i of items) expect(i.protector_id).toMatch(/^PRT-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(items.map((i) => i.protector_id)).size).toBe(3);
  });

  it('skips a code another company already holds (public lookups search every company)', async () => {
    const cat = await create(b, 'protector/categories/', { name: 'Phones', slug: 'phones' });
    const theirs = await create(b, 'protector/items/', { category: cat.id, name: 'Phone', owner_name: 'Bo' });
    const values: Record<string, unknown> = {};
    await fillGenerated(svc.db, protectorItemResource, a.companyId, values, scripted(theirs.protector_id.slice(4), 'FRESH000'));
    expect(values.protector_id).toBe('PRT-FRESH000');
  });

  it.runIf(!!process.env.DATABASE_URL)('retries from a savepoint when a concurrent create took the same code', async () => {
    const cat = await create(a, 'protector/categories/', { name: 'Race', slug: 'race' });
    const row = (pid?: string) => ({
      company_id: a.companyId,
      category_id: cat.id,
      name: 'Racer',
      owner_name: 'Ann',
      created_at: new Date(),
      updated_at: new Date(),
      ...(pid ? { protector_id: pid } : {}),
    });
    // T1 holds an uncommitted row with the code T2 is about to draw: T2's pre-check cannot see it,
    // so T2's insert waits on the unique index and fails once T1 commits.
    const t1 = await svc.db.transaction();
    await t1('protector_items').insert(row('PRT-RACE0001'));
    const t2 = svc.db.transaction((trx) =>
      insertWithGenerated(trx, protectorItemResource, a.companyId, row(), scripted('RACE0001', 'RACE0002')),
    );
    await waitForLockWait();
    await t1.commit();
    const id = await t2;
    const stored = await svc.db('protector_items').where({ id }).first('protector_id');
    expect(stored.protector_id).toBe('PRT-RACE0002');
  });
});

/** Until some backend of this database waits on a lock (T2 blocked on T1's uncommitted key). */
async function waitForLockWait(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const r = await svc.db.raw(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if ((r.rows[0] as { n: number }).n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the second insert never waited on the first');
}
