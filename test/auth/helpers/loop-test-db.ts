/**
 * A fresh LOOP database for identity tests, migrated by the generated migrations and loaded with the
 * catalogue seed (test/helpers/test-service.ts: a PGlite copy of a migrated template, or with
 * DATABASE_URL a PostgreSQL database created from a migrated template database). The schema is the
 * catalogue's own, so these tests cannot drift from spec/loop/core.yaml.
 */
import type { Knex } from 'knex';
import { openTestDatabase } from '../../helpers/test-service.ts';

const drops = new WeakMap<Knex, () => Promise<void>>();

export async function openTestDb(): Promise<Knex> {
  const { db, drop } = await openTestDatabase('loop');
  drops.set(db, drop);
  return db;
}

/** Closes the database; on PostgreSQL also drops the test's database. */
export async function closeTestDb(db: Knex | undefined): Promise<void> {
  if (!db) return;
  await drops.get(db)?.();
}
