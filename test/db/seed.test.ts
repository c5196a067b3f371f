/** seed.json: what the emitter writes, and that the runtime loads it once into empty tables. */
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitMigrations } from '../../generator/emit/migration/index.ts';
import { buildSeed, emitSeed } from '../../generator/emit/seed/emit-seed.ts';
import { closeDatabase } from '../../runtime/db/open-database.ts';
import { migrate } from '../../runtime/db/migrator.ts';
import { seedIfEmpty } from '../../runtime/db/seed.ts';
import { loadFixtureService } from '../migration/ir-edit.ts';
import { freshDatabase, writeFiles } from './db-helpers.ts';

const SCHEMA = 'test_db_seed';
let db: Knex;
let seedFile: string;

beforeAll(async () => {
  db = await freshDatabase('shop', SCHEMA);
  const shop = await loadFixtureService('shop');
  const migrations = emitMigrations(shop, { root: '/', version: '0' }, { snapshot: null, existing: [] }, { allowDestructive: false });
  const root = await writeFiles([...migrations.files, ...emitSeed(shop)]);
  await migrate(db, { service: 'shop', dir: join(root, 'generated/shop/migrations'), direction: 'up' });
  seedFile = join(root, 'generated/shop/seed.json');
});
afterAll(async () => {
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
  await closeDatabase(db);
});

describe('seed.json emitter', () => {
  it('keeps seed and demo rows apart, keyed by column, parents first', async () => {
    const seed = buildSeed(await loadFixtureService('shop'));
    expect(seed.tables.map((t) => t.table)).toEqual(['companies', 'booking_services']);
    expect(seed.tables[0]).toMatchObject({ seed: [{ code: '001', name: 'Demo Shop' }], demo: [] });
    expect(seed.tables[1]!.demo).toEqual([{ category: 'hair', duration_minutes: 30, name: 'Haircut', price: '25.00' }]);
    expect(seed.products).toEqual([{ code: 'booking', name: 'Shop Booking' }]);
  });

  it('lists every CRUD and action permission once, sorted, with names', async () => {
    const { permissions } = buildSeed(await loadFixtureService('shop'));
    const codes = permissions.map((p) => p.code);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    // 5 resources × view/add/change/delete + create-invoice (item action) + calendar (module action).
    expect(codes).toHaveLength(22);
    expect(permissions.find((p) => p.code.includes('calendar'))).toMatchObject({ module: 'booking', resource: null });
    const action = permissions.find((p) => p.code.endsWith('create-invoice'))!;
    expect(action).toMatchObject({ module: 'booking', resource: 'appointments', name: 'Create an invoice for the appointment' });
    expect(permissions.every((p) => p.name.length > 0)).toBe(true);
  });

  it('rooms (no products) gets no product or permission catalogue', async () => {
    expect(buildSeed(await loadFixtureService('rooms'))).toMatchObject({ products: [], permissions: [], tables: [] });
  });
});

describe('seedIfEmpty', () => {
  it('loads seed rows once; demo rows join empty tables under the first company', async () => {
    expect(await seedIfEmpty(db, { service: 'shop', seedFile })).toEqual({ inserted: { companies: 1 } });
    expect(await seedIfEmpty(db, { service: 'shop', seedFile })).toEqual({ inserted: {} });
    expect(await db('companies').pluck('code')).toEqual(['001']);

    const demo = await seedIfEmpty(db, { service: 'shop', seedFile, demo: true });
    expect(demo).toEqual({ inserted: { booking_services: 1 } });
    const [company] = await db('companies').select('id');
    const services = await db('booking_services').select('company_id', 'name', 'category');
    expect(services).toEqual([{ company_id: company.id, name: 'Haircut', category: 'hair' }]);
    expect(await seedIfEmpty(db, { service: 'shop', seedFile, demo: true })).toEqual({ inserted: {} });
  });

  it('a missing seed file is not an error', async () => {
    expect(await seedIfEmpty(db, { service: 'shop', seedFile: join(seedFile, '..', 'nope.json') })).toEqual({ inserted: {} });
  });
});
