/**
 * Brings the database to the state `POST /v1/sql` relies on, then checks that state. Run once per
 * process and database (first use), in its own transaction under an advisory lock, and skipped when
 * the schema's comment already names this setup version: idempotent and safe with several processes.
 *
 * The guard is the database, not the parser (docs/platform-sql.md):
 * - the NOLOGIN role READER_ROLE has SELECT on the `<schema>_sql` views and on the base columns they
 *   read, and nothing else: no write grant anywhere, no USAGE on the service schema;
 * - each base table has row-level security: a permissive `true` policy for everyone (so nothing
 *   changes for the owner or any other role) and a restrictive policy for the reader pinning
 *   `company_id` to the transaction-local `loopgen.tenant` (and `WITH CHECK (false)`);
 * - `set_config` is not executable by PUBLIC (granted back to pg_database_owner): without it a query
 *   could re-point `loopgen.tenant`, or run `set_config('role', …)` — SET ROLE back to the session user
 *   — and then read anything through query_to_xml(); the session-level advisory locks and
 *   pg_logical_emit_message are revoked alike (they outlive the rolled-back transaction / write WAL).
 *
 * Revoking from PUBLIC in pg_catalog needs a superuser; when the server is not one, the check below
 * fails and the endpoint answers 409 SQL_NOT_CONFIGURED naming the statements a DBA runs once.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { READER_ROLE, READER_VIEWS, TENANT_SETTING, type ReaderView } from './reader-objects.ts';

/**
 * pg_catalog functions (all overloads) the reader must not execute, though PUBLIC may by default:
 * set_config (tenant and role), session advisory locks (outlive the rollback on a pooled connection),
 * pg_logical_emit_message (writes WAL even in a read-only transaction), and the large-object functions
 * (lo_create and lo_from_bytea run in read-only transactions; with lo_compat_privileges on, any large
 * object would be readable).
 */
export const GUARDED_FUNCTIONS = [
  'set_config',
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_logical_emit_message',
  'lo_creat',
  'lo_create',
  'lo_from_bytea',
  'lo_open',
  'lo_close',
  'loread',
  'lowrite',
  'lo_lseek',
  'lo_lseek64',
  'lo_tell',
  'lo_tell64',
  'lo_truncate',
  'lo_truncate64',
  'lo_unlink',
  'lo_get',
  'lo_put',
] as const;

const TENANT_POLICY = 'loopgen_sql_tenant';
const EVERYONE_POLICY = 'loopgen_sql_everyone';

export type Readiness = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const sqlSchemaOf = (schema: string) => `${schema}_sql`;

/**
 * `tenantType`: the SQL type of the table's company_id (text on the platform's tables), so the setting
 * is cast once and the column's index still serves the pin.
 */
function viewStatements(schema: string, v: ReaderView, tenantType: string): string[] {
  const base = `${ident(schema)}.${ident(v.table)}`;
  const view = `${ident(sqlSchemaOf(schema))}.${ident(v.name)}`;
  const pin = `company_id = nullif(current_setting('${TENANT_SETTING}', true), '')::${tenantType}`;
  const select = Object.entries(v.columns)
    .map(([name, expr]) => `${expr} AS ${ident(name)}`)
    .join(', ');
  return [
    `ALTER TABLE ${base} ENABLE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS ${EVERYONE_POLICY} ON ${base}`,
    `CREATE POLICY ${EVERYONE_POLICY} ON ${base} AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)`,
    `DROP POLICY IF EXISTS ${TENANT_POLICY} ON ${base}`,
    `CREATE POLICY ${TENANT_POLICY} ON ${base} AS RESTRICTIVE FOR ALL TO ${ident(READER_ROLE)} USING (${pin}${v.policy ? ` AND ${v.policy}` : ''}) WITH CHECK (false)`,
    `GRANT SELECT (${v.grants.map(ident).join(', ')}) ON ${base} TO ${ident(READER_ROLE)}`,
    `CREATE VIEW ${view} WITH (security_invoker = true, security_barrier = true) AS SELECT ${select} FROM ${base}${v.where ? ` WHERE ${v.where}` : ''}`,
    `GRANT SELECT ON ${view} TO ${ident(READER_ROLE)}`,
  ];
}

/** The DDL after the role exists; its hash is the setup version stored on the schema. */
export function setupStatements(schema: string, tenantTypes: ReadonlyMap<string, string>): string[] {
  const sql = ident(sqlSchemaOf(schema));
  const role = ident(READER_ROLE);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${sql}`,
    // Start from nothing: an earlier version's views and grants go.
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${ident(schema)} FROM ${role}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${ident(schema)} FROM ${role}`,
    `REVOKE ALL ON SCHEMA ${ident(schema)} FROM ${role}`,
    `GRANT USAGE ON SCHEMA ${sql} TO ${role}`,
    ...READER_VIEWS.flatMap((v) => viewStatements(schema, v, tenantTypes.get(v.table) ?? 'text')),
  ];
}

const marker = (statements: readonly string[]) =>
  `loopgen POST /v1/sql reader ${createHash('sha256').update(statements.join(';\n')).digest('hex').slice(0, 16)}`;

/** company_id's type per exposed table (a table without one has no place here: it cannot be pinned). */
async function tenantTypes(db: Knex, schema: string): Promise<Map<string, string>> {
  const r = await db.raw(
    `select c.relname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       join pg_class c on c.oid = a.attrelid
      where c.relnamespace = ?::regnamespace and c.relname = any(?::text[]) and a.attname = 'company_id' and not a.attisdropped`,
    [schema, READER_VIEWS.map((v) => v.table)],
  );
  const types = new Map<string, string>(r.rows.map((x: { relname: string; type: string }) => [x.relname, x.type]));
  for (const v of READER_VIEWS) if (!types.has(v.table)) throw new Error(`${schema}.${v.table} has no company_id column to pin`);
  return types;
}

const isCode = (e: unknown, ...codes: string[]) => codes.includes(String((e as { code?: unknown })?.code));

async function createRole(trx: Knex): Promise<void> {
  const exists = await trx.raw('select 1 from pg_roles where rolname = ?', [READER_ROLE]);
  if (exists.rows.length) return;
  // Roles are cluster-wide: another database (or process) may create it at the same moment.
  await trx.raw('SAVEPOINT loopgen_sql_role');
  try {
    await trx.raw(`CREATE ROLE ${ident(READER_ROLE)} NOLOGIN NOSUPERUSER NOINHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
    await trx.raw('RELEASE SAVEPOINT loopgen_sql_role');
  } catch (e) {
    await trx.raw('ROLLBACK TO SAVEPOINT loopgen_sql_role');
    if (!isCode(e, '42710', '23505')) throw e;
  }
}

async function install(trx: Knex, schema: string, statements: readonly string[]): Promise<void> {
  await createRole(trx);
  const me = (await trx.raw('select rolsuper from pg_roles where rolname = current_user')).rows[0];
  // A non-superuser server switches to the role through membership (SET LOCAL ROLE needs it).
  if (!me?.rolsuper) await trx.raw(`GRANT ${ident(READER_ROLE)} TO CURRENT_USER`);
  const existing = await trx.raw(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind = 'v'`,
    [sqlSchemaOf(schema)],
  );
  for (const r of existing.rows) await trx.raw(`DROP VIEW IF EXISTS ${r.name}`);
  for (const s of statements) await trx.raw(s);
  // Only what PUBLIC may still execute (a NULL acl is the default: PUBLIC may), so the grant back to the
  // database owner never widens a function PUBLIC never had.
  const fns = await trx.raw(
    `select p.oid::regprocedure::text as sig from pg_proc p
      where p.pronamespace = 'pg_catalog'::regnamespace and p.proname = any(?::text[])
        and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) x where x.grantee = 0 and x.privilege_type = 'EXECUTE'))
      order by 1`,
    [[...GUARDED_FUNCTIONS]],
  );
  for (const f of fns.rows) {
    // As a non-superuser this only warns ("no privileges could be revoked"); readinessProblems reports it.
    await trx.raw(`REVOKE EXECUTE ON FUNCTION ${f.sig} FROM PUBLIC`);
    await trx.raw(`GRANT EXECUTE ON FUNCTION ${f.sig} TO pg_database_owner`);
  }
  await trx.raw(`COMMENT ON SCHEMA ${ident(sqlSchemaOf(schema))} IS '${marker(statements)}'`);
}

/** What keeps the reader from being a guard, in words; empty when it is one. */
export async function readinessProblems(db: Knex, schema: string): Promise<string[]> {
  const problems: string[] = [];
  const role = (await db.raw('select * from pg_roles where rolname = ?', [READER_ROLE])).rows[0];
  if (!role) return [`role ${READER_ROLE} does not exist`];
  for (const attr of ['rolsuper', 'rolbypassrls', 'rolcanlogin', 'rolcreaterole', 'rolcreatedb', 'rolreplication'])
    if (role[attr]) problems.push(`role ${READER_ROLE} has ${attr.slice(3)}`);
  const member = await db.raw(`select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid where m.member = ?::regrole`, [
    READER_ROLE,
  ]);
  for (const r of member.rows) problems.push(`role ${READER_ROLE} is a member of ${r.rolname}`);
  const me = (
    await db.raw(`select rolsuper or pg_has_role(current_user, ?, 'MEMBER') as can from pg_roles where rolname = current_user`, [
      READER_ROLE,
    ])
  ).rows[0];
  if (!me?.can) problems.push(`the server's role cannot SET ROLE ${READER_ROLE}`);
  const fns = await db.raw(
    `select p.oid::regprocedure::text as sig from pg_proc p
      where p.pronamespace = 'pg_catalog'::regnamespace and p.proname = any(?::text[])
        and has_function_privilege(?, p.oid, 'EXECUTE') order by 1`,
    [[...GUARDED_FUNCTIONS], READER_ROLE],
  );
  for (const f of fns.rows) problems.push(`${READER_ROLE} may execute ${f.sig}`);
  const writable = await db.raw(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and ((c.relkind in ('r', 'p', 'v', 'm', 'f') and has_table_privilege(?, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))
          or (c.relkind = 'S' and has_sequence_privilege(?, c.oid, 'USAGE, UPDATE')))
      order by 1`,
    [READER_ROLE, READER_ROLE],
  );
  for (const r of writable.rows) problems.push(`${READER_ROLE} may write ${r.name}`);
  // Anything else the reader can reach by name: a PUBLIC-readable table, or a SECURITY DEFINER function
  // (it would run as its owner), in a schema the reader may use — public, an extension's schema, ….
  const reachable = await db.raw(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema', ?) and n.nspname not like 'pg\\_%'
        and c.relkind in ('r', 'p', 'v', 'm', 'f') and has_schema_privilege(?, n.oid, 'USAGE')
        and has_table_privilege(?, c.oid, 'SELECT')
      union all
     select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
        and has_schema_privilege(?, n.oid, 'USAGE') and has_function_privilege(?, p.oid, 'EXECUTE')
      order by 1`,
    [sqlSchemaOf(schema), READER_ROLE, READER_ROLE, READER_ROLE, READER_ROLE],
  );
  for (const r of reachable.rows) problems.push(`${READER_ROLE} may reach ${r.name}`);
  const usage = (await db.raw(`select has_schema_privilege(?, ?, 'USAGE') as u`, [READER_ROLE, schema])).rows[0];
  if (usage?.u) problems.push(`${READER_ROLE} may use schema ${schema}`);
  const pinned = await db.raw(
    `select c.relname, c.relrowsecurity, exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = ?) as policy
       from pg_class c where c.relnamespace = ?::regnamespace and c.relname = any(?::text[])`,
    [TENANT_POLICY, schema, READER_VIEWS.map((v) => v.table)],
  );
  const byName = new Map(pinned.rows.map((r: { relname: string }) => [r.relname, r]));
  for (const v of READER_VIEWS) {
    const r = byName.get(v.table) as { relrowsecurity: boolean; policy: boolean } | undefined;
    if (!r?.relrowsecurity || !r.policy) problems.push(`${schema}.${v.table} has no row-level security pinning the tenant`);
  }
  return problems;
}

/** Installs when this version is not there yet, then checks; never throws for missing privileges. */
async function prepare(db: Knex, schema: string): Promise<Readiness> {
  try {
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`loopgen_sql_setup:${schema}`]);
      const current = await trx.raw(`select obj_description(oid, 'pg_namespace') as m from pg_namespace where nspname = ?`, [
        sqlSchemaOf(schema),
      ]);
      const statements = setupStatements(schema, await tenantTypes(trx, schema));
      if (current.rows[0]?.m !== marker(statements)) await install(trx, schema, statements);
    });
  } catch (e) {
    // Missing privileges (CREATEROLE, table ownership, …): say so; anything else is a server fault.
    if (!isCode(e, '42501')) throw e;
    return { ok: false, problems: [`setup failed: ${(e as Error).message}`] };
  }
  const problems = await readinessProblems(db, schema);
  return problems.length ? { ok: false, problems } : { ok: true };
}

/** How long a ready answer is trusted before the state is checked again (a later GRANT would show). */
const RECHECK_MS = 60_000;
const ready = new WeakMap<Knex, Map<string, { readonly at: number; readonly answer: Promise<Readiness> }>>();

/**
 * Readiness of `db` (the root handle, never a request's transaction: the setup needs its own) for
 * tenant SQL over `schema`. A ready answer is kept for a minute; a failed one is asked again next
 * time, so a DBA's fix takes effect without a restart.
 */
export function ensureSqlReader(db: Knex, schema: string): Promise<Readiness> {
  let bySchema = ready.get(db);
  if (!bySchema) ready.set(db, (bySchema = new Map()));
  const known = bySchema.get(schema);
  if (known && Date.now() - known.at < RECHECK_MS) return known.answer;
  const answer = prepare(db, schema).then(
    (r) => {
      if (!r.ok) bySchema.delete(schema);
      return r;
    },
    (e) => {
      bySchema.delete(schema);
      throw e;
    },
  );
  bySchema.set(schema, { at: Date.now(), answer });
  return answer;
}
