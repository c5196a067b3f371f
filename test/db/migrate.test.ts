/**
 * Generated migrations applied to a real database (PGlite, or PostgreSQL with DATABASE_URL):
 * up, status, a follow-up migration from a catalogue change, a declared rename, and down.
 */
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitMigrations, readPreviousMigrations } from '../../generator/emit/migration/index.ts';
import { closeDatabase } from '../../runtime/db/open-database.ts';
import { migrate } from '../../runtime/db/migrator.ts';
import { addField, editField, field, loadFixtureService } from '../migration/ir-edit.ts';
import { columnsOf, freshDatabase, tablesOf, writeFiles } from './db-helpers.ts';

const SCHEMA = 'test_db_migrate';
const ctx = { root: '/', version: '0.0.0' };
let db: Knex;
let root: string;
let dir: string;

beforeAll(async () => {
  db = await freshDatabase('shop', SCHEMA);
  const shop = await loadFixtureService('shop');
  const initial = emitMigrations(shop, ctx, { snapshot: null, existing: [] }, { allowDestructive: false });
  root = await writeFiles(initial.files);
  dir = join(root, 'generated/shop/migrations');
});
afterAll(async () => {
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
  await closeDatabase(db);
});

/** Emits the migration a catalogue change implies, reading the previous state from disk like `loopgen build`. */
async function emitNext(edit: (s: Awaited<ReturnType<typeof loadFixtureService>>) => Awaited<ReturnType<typeof loadFixtureService>>) {
  const previous = await readPreviousMigrations(root, 'shop');
  const out = emitMigrations(edit(await loadFixtureService('shop')), ctx, previous, { allowDestructive: false });
  await writeFiles(out.files, root);
  return out;
}

describe('migrator on the fixture shop', () => {
  it('status lists the initial migration as pending; up applies it in the service schema', async () => {
    expect(await migrate(db, { service: 'shop', dir, direction: 'status' })).toEqual({
      direction: 'status',
      ran: [],
      applied: [],
      pending: ['0001_initial.ts'],
    });
    const up = await migrate(db, { service: 'shop', dir, direction: 'up' });
    expect(up).toMatchObject({ ran: ['0001_initial.ts'], applied: ['0001_initial.ts'], pending: [] });
    expect(await tablesOf(db, SCHEMA)).toEqual([
      'booking_appointments',
      'booking_services',
      'booking_staff',
      'companies',
      'knex_migrations',
      'knex_migrations_lock',
      'memberships',
    ]);
  });

  it('the schema enforces tenancy FKs, live-row uniques and enum checks', async () => {
    const [company] = await db('companies').insert({ code: '001', name: 'Demo' }).returning('id');
    const row = { company_id: company.id, name: 'Cut', price: '10.00' };
    const [first] = await db('booking_services').insert(row).returning('id');
    await expect(db('booking_services').insert(row)).rejects.toThrow(/ux_booking_services_company_id_name/);
    // Soft-deleted rows no longer hold the name.
    await db('booking_services').where({ id: first.id }).update({ deleted_at: db.fn.now() });
    await db('booking_services').insert(row);
    await expect(db('booking_services').insert({ ...row, name: 'Other', category: 'tattoo' })).rejects.toThrow(
      /ck_booking_services_category/,
    );
    await expect(db('booking_services').insert({ ...row, name: 'Orphan', company_id: 999 })).rejects.toThrow(
      /fk_booking_services_company_id/,
    );
  });

  it('a new field becomes 0002, applied on top; a declared rename keeps the data', async () => {
    const added = await emitNext((s) => addField(s, 'booking_services', field('color', { max: 7 })));
    expect(added.files[0]!.path).toBe('generated/shop/migrations/0002_add_booking_services_color.ts');
    expect((await migrate(db, { service: 'shop', dir, direction: 'up' })).ran).toEqual(['0002_add_booking_services_color.ts']);
    expect(await columnsOf(db, SCHEMA, 'booking_services')).toContain('color');

    const renamed = await emitNext((s) =>
      editField(addField(s, 'booking_services', field('color', { max: 7 })), 'booking_services', 'name', (f) => ({
        ...f,
        name: 'title',
        column: 'title',
        renamedFrom: 'name',
      })),
    );
    expect(renamed.statements.map((st) => st.kind)).toContain('rename_column');
    await migrate(db, { service: 'shop', dir, direction: 'up' });
    expect(await db('booking_services').whereNull('deleted_at').pluck('title')).toEqual(['Cut']);
  });

  it('down rolls back one batch at a time, to an empty schema', async () => {
    const first = await migrate(db, { service: 'shop', dir, direction: 'down' });
    expect(first.ran).toEqual(['0003_rename_booking_services_name_to_title.ts']);
    expect(await columnsOf(db, SCHEMA, 'booking_services')).toContain('name');
    await migrate(db, { service: 'shop', dir, direction: 'down' });
    expect(await columnsOf(db, SCHEMA, 'booking_services')).not.toContain('color');
    // Rows still reference companies: down drops the FKs before the tables, so order does not matter.
    const last = await migrate(db, { service: 'shop', dir, direction: 'down' });
    expect(last).toMatchObject({
      ran: ['0001_initial.ts'],
      applied: [],
      pending: ['0001_initial.ts', '0002_add_booking_services_color.ts', '0003_rename_booking_services_name_to_title.ts'],
    });
    expect(await tablesOf(db, SCHEMA)).toEqual(['knex_migrations', 'knex_migrations_lock']);
  });
});
