/**
 * A fresh LOOP core schema for identity tests: PGlite in memory (or a private schema on the
 * PostgreSQL of DATABASE_URL). Tables mirror spec/loop/core.yaml with the implicit columns of
 * spec/README.md, built here so these tests do not depend on the migration emitter's progress.
 */
import { knex, type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';

export async function openTestDb(): Promise<Knex> {
  const url = process.env.DATABASE_URL;
  let db: Knex;
  if (url) {
    const schema = `t_auth_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = knex({ client: 'pg', connection: url });
    await admin.raw(`create schema ${schema}`);
    await admin.destroy();
    db = knex({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 0, max: 4 } });
    schemas.set(db, schema);
  } else {
    db = knex({ client: ClientPgLite, dialect: 'postgres', connection: {} } as Knex.Config);
  }
  await createLoopCore(db);
  return db;
}

const schemas = new WeakMap<Knex, string>();

/** Closes the database; on PostgreSQL also drops the test's private schema. */
export async function closeTestDb(db: Knex | undefined): Promise<void> {
  if (!db) return;
  const schema = schemas.get(db);
  if (schema) await db.raw(`drop schema ${schema} cascade`);
  await db.destroy();
}

type Builder = Knex.CreateTableBuilder;

async function table(db: Knex, name: string, scope: 'global' | 'company', softDelete: boolean, cols: (t: Builder) => void) {
  await db.schema.createTable(name, (t) => {
    t.increments('id');
    if (scope === 'company') {
      t.integer('company_id').notNullable().references('companies.id');
      t.integer('workspace_id').nullable();
    }
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.integer('created_by').nullable();
    if (softDelete) t.timestamp('deleted_at', { useTz: true }).nullable();
    cols(t);
  });
}

export async function createLoopCore(db: Knex): Promise<void> {
  await table(db, 'users', 'global', true, (t) => {
    t.string('email', 254).notNullable().unique();
    t.string('username', 150).notNullable().unique();
    t.string('password_hash', 255);
    t.string('first_name', 150);
    t.string('last_name', 150);
    t.string('phone', 30);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.boolean('is_superuser').notNullable().defaultTo(false);
    t.timestamp('last_login', { useTz: true });
  });
  await table(db, 'companies', 'global', true, (t) => {
    t.string('code', 3).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('slug', 100).notNullable().unique();
    t.string('email', 254);
    t.string('timezone', 64).defaultTo('UTC');
    t.string('currency', 3).defaultTo('USD');
    t.boolean('is_active').notNullable().defaultTo(true);
  });
  await table(db, 'workspaces', 'company', true, (t) => {
    t.string('name', 200).notNullable();
    t.string('slug', 100).notNullable();
    t.boolean('is_default').defaultTo(false);
    t.boolean('is_active').defaultTo(true);
  });
  await table(db, 'products', 'global', true, (t) => {
    t.string('code', 50).notNullable().unique();
    t.string('name', 200).notNullable();
    t.integer('sort_order').defaultTo(0);
    t.boolean('is_active').defaultTo(true);
  });
  await table(db, 'subscription_plans', 'global', true, (t) => {
    t.string('code', 50).notNullable().unique();
    t.string('name', 200).notNullable();
    t.integer('trial_days').defaultTo(0);
    t.jsonb('products').defaultTo('[]');
    t.boolean('is_default').defaultTo(false);
    t.boolean('is_active').defaultTo(true);
  });
  await table(db, 'company_subscriptions', 'company', true, (t) => {
    t.integer('plan_id').notNullable().references('subscription_plans.id');
    t.string('status').notNullable().defaultTo('trialing');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true });
    t.timestamp('trial_ends_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.boolean('auto_renew').defaultTo(true);
    t.jsonb('products').defaultTo('[]');
  });
  await table(db, 'roles', 'company', true, (t) => {
    t.string('name', 100).notNullable();
    t.text('description');
    t.jsonb('permissions').defaultTo('[]');
    t.boolean('is_system').defaultTo(false);
  });
  await table(db, 'memberships', 'company', true, (t) => {
    t.integer('user_id').notNullable().references('users.id');
    t.integer('role_id').references('roles.id');
    t.string('status').notNullable().defaultTo('active');
    t.boolean('is_owner').notNullable().defaultTo(false);
    t.string('title', 100);
    t.timestamp('joined_at', { useTz: true });
  });
  await table(db, 'developer_profiles', 'company', true, (t) => {
    t.integer('user_id').notNullable().references('users.id');
    t.string('display_name', 120).notNullable();
  });
  await table(db, 'product_access', 'company', true, (t) => {
    t.integer('membership_id').notNullable().references('memberships.id');
    t.integer('product_id').notNullable().references('products.id');
    t.boolean('is_enabled').notNullable().defaultTo(true);
  });
  await table(db, 'api_client_apps', 'global', true, (t) => {
    t.string('app_id', 100).notNullable().unique();
    t.string('name', 200).notNullable();
    t.jsonb('allowed_products').defaultTo('[]');
    t.boolean('is_active').notNullable().defaultTo(true);
  });
  await table(db, 'internal_api_keys', 'global', true, (t) => {
    t.string('label', 100).notNullable();
    t.string('prefix', 16).unique();
    t.string('key_hash', 255);
    t.integer('user_id').notNullable().references('users.id');
    t.jsonb('allowed_companies').defaultTo('[]');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.boolean('is_active').notNullable().defaultTo(true);
  });
  // Company is nullable here: login/logout/key-use rows have no tenant (see the report on core.yaml).
  await table(db, 'audit_logs', 'global', false, (t) => {
    t.integer('company_id').nullable();
    t.integer('workspace_id').nullable();
    t.integer('actor_id');
    t.string('app_id', 100);
    t.string('action', 50).notNullable();
    t.string('resource', 150).notNullable();
    t.string('record_id', 64);
    t.jsonb('changes');
    t.string('ip', 45);
    t.string('request_id', 64);
  });
  await table(db, 'refresh_tokens', 'global', false, (t) => {
    t.string('jti', 64).notNullable().unique();
    t.integer('user_id').notNullable().references('users.id');
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  await table(db, 'token_blacklist', 'global', false, (t) => {
    t.string('jti', 64).notNullable().unique();
    t.integer('user_id');
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  await table(db, 'password_resets', 'global', false, (t) => {
    t.integer('user_id').notNullable().references('users.id');
    t.string('token_hash', 255).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });
  await table(db, 'invitations', 'company', false, (t) => {
    t.string('email', 254).notNullable();
    t.integer('role_id');
    t.jsonb('products').defaultTo('[]');
    t.string('token_hash', 255).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('accepted_at', { useTz: true });
    t.integer('invited_by_id');
  });
  await table(db, 'idempotency_keys', 'global', false, (t) => {
    t.string('key', 255).notNullable();
    t.integer('company_id');
    t.integer('user_id');
    t.string('method', 10).notNullable();
    t.string('path', 500).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('status');
    t.jsonb('response');
    t.timestamp('locked_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  await table(db, 'outbox_messages', 'global', false, (t) => {
    t.integer('company_id');
    t.string('channel').notNullable();
    t.string('to', 500).notNullable();
    t.string('subject', 300);
    t.text('body').notNullable();
    t.jsonb('payload');
    t.string('status').notNullable().defaultTo('pending');
    t.integer('attempts').defaultTo(0);
    t.text('last_error');
    t.timestamp('next_attempt_at', { useTz: true });
    t.timestamp('sent_at', { useTz: true });
  });
  // Catalogue seed the handlers rely on: the default trial plan and the seed's apps.
  await db('products').insert(['core', 'booking', 'payments', 'crm'].map((code) => ({ code, name: `LOOP ${code}` })));
  await db('subscription_plans').insert({
    code: 'trial', name: 'LOOP Trial', trial_days: 30, is_default: true,
    products: JSON.stringify(['core', 'booking', 'payments', 'crm']),
  });
  await db('api_client_apps').insert([
    { app_id: 'loop-admin', name: 'LOOP Admin', allowed_products: JSON.stringify([]) },
    { app_id: 'loop-booking-web', name: 'LOOP Booking Web', allowed_products: JSON.stringify(['core', 'booking', 'payments']) },
  ]);
}
