/**
 * Runs SQL as the tenant's reader: inside a savepoint of the caller's transaction (or a transaction of
 * its own), the settings are made transaction-local — read-only, statement_timeout, search_path on the
 * `<schema>_sql` views, `loopgen.tenant`, and last `role` = the reader — and the savepoint is always
 * rolled back, which undoes every one of them. Nothing survives on the connection, so it is safe on a
 * pool and behind PgBouncer in transaction mode.
 *
 * The tenant's statement travels alone over the extended query protocol (one statement per message,
 * no `;` chains), wrapped as `SELECT * FROM (<statement>) LIMIT cap + 1`: only a query expression fits
 * there, so no utility command (SET ROLE, COPY, DO, …) can ever reach the session, whatever the parser
 * in statement-check.ts said. What the expression may do is the role's business (reader-setup.ts).
 */
import type { Knex } from 'knex';
import { READER_ROLE, TENANT_SETTING } from './reader-objects.ts';
import { sqlSchemaOf } from './reader-setup.ts';

export interface ReaderOptions {
  readonly tenantId: number;
  /** The service schema whose `<schema>_sql` views the query sees. */
  readonly schema: string;
  readonly timeoutMs: number;
}

export interface RawResult {
  readonly fields: readonly { readonly name: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** One statement on the reader's connection, extended protocol, rows as arrays. */
export type RawRun = (text: string, values: readonly unknown[]) => Promise<RawResult>;

/** Marks a failure of the tenant's own statement (as opposed to the server's set-up around it). */
export class ReaderQueryError extends Error {
  constructor(readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'ReaderQueryError';
  }
}

interface PgliteLike {
  readonly waitReady: Promise<void>;
  query(text: string, values: unknown[], opts: { rowMode: 'array' }): Promise<RawResult>;
}
interface PgClientLike {
  query(cfg: { text: string; values: unknown[]; rowMode: 'array'; queryMode: 'extended' }): Promise<RawResult>;
}

function rawRunner(conn: unknown): RawRun {
  if (conn && typeof conn === 'object' && 'waitReady' in conn) {
    // PGlite's query() always uses the extended protocol.
    return (text, values) => (conn as PgliteLike).query(text, [...values], { rowMode: 'array' });
  }
  // node-postgres picks the simple protocol (which runs `;`-separated lists) when there are no values,
  // unless told otherwise.
  return (text, values) => (conn as PgClientLike).query({ text, values: [...values], rowMode: 'array', queryMode: 'extended' });
}

/** The connection a knex transaction runs on (knex's transaction client hands out exactly that one). */
async function connectionOf(trx: Knex.Transaction): Promise<unknown> {
  return (trx.client as unknown as { acquireConnection(): Promise<unknown> }).acquireConnection();
}

async function inReaderSavepoint<T>(trx: Knex.Transaction, o: ReaderOptions, fn: (run: RawRun) => Promise<T>): Promise<T> {
  if (!Number.isSafeInteger(o.tenantId)) throw new Error('tenantId must be an integer');
  await trx.raw('SAVEPOINT loopgen_sql');
  try {
    // One round trip; `role` last in the list (each set_config is evaluated in order).
    await trx.raw(
      `select set_config('transaction_read_only', 'on', true), set_config('statement_timeout', ?, true),
              set_config('search_path', ?, true), set_config(?, ?, true), set_config('role', ?, true)`,
      [
        String(Math.max(1, Math.floor(o.timeoutMs))),
        `pg_catalog, "${sqlSchemaOf(o.schema)}", pg_temp`,
        TENANT_SETTING,
        String(o.tenantId),
        READER_ROLE,
      ],
    );
    const run = rawRunner(await connectionOf(trx));
    return await fn(async (text, values) => {
      try {
        return await run(text, values);
      } catch (e) {
        throw new ReaderQueryError(e);
      }
    });
  } finally {
    // Undoes the role, the tenant, read-only and the timeout, and clears an aborted statement.
    await trx.raw('ROLLBACK TO SAVEPOINT loopgen_sql');
    await trx.raw('RELEASE SAVEPOINT loopgen_sql');
  }
}

/**
 * Runs `fn` with a connection that is the tenant's reader. `db` may be a request's transaction (a
 * savepoint is used) or a root handle (a transaction is opened and nothing in it is ever kept).
 */
export async function asTenantReader<T>(db: Knex, o: ReaderOptions, fn: (run: RawRun) => Promise<T>): Promise<T> {
  if (db.isTransaction) return inReaderSavepoint(db as Knex.Transaction, o, fn);
  return db.transaction((trx) => inReaderSavepoint(trx, o, fn));
}

export interface ReadOnlyQuery extends ReaderOptions {
  /** One SELECT statement, without a trailing `;`. */
  readonly sql: string;
  readonly params: readonly unknown[];
  /** At most this many rows are returned; one more is fetched to tell that there were more. */
  readonly rowCap: number;
}

export interface ReadOnlyResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Column names made unique (`?column?`, `?column?_2`), so every value has a key in its row object. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 2; seen.has(name); i++) name = `${n}_${i}`;
    seen.add(name);
    return name;
  });
}

/** Driver values as JSON: timestamps ISO, bytea as PostgreSQL's hex text, big integers exact. */
function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(jsonValue);
  return v;
}

/** The execution function: no parsing here — the statement is wrapped and run as the tenant's reader. */
export async function runReadOnlyQuery(db: Knex, q: ReadOnlyQuery): Promise<ReadOnlyResult> {
  const cap = Math.max(1, Math.floor(q.rowCap));
  // The newline keeps a trailing `-- comment` of the statement from swallowing the wrapper's end.
  const text = `SELECT * FROM (\n${q.sql}\n) AS loopgen_sql_query LIMIT ${cap + 1}`;
  return asTenantReader(db, q, async (run) => {
    const started = performance.now();
    const r = await run(text, q.params);
    const durationMs = Math.round(performance.now() - started);
    const columns = uniqueNames(r.fields.map((f) => f.name));
    const rows = r.rows.slice(0, cap).map((row) => Object.fromEntries(columns.map((c, i) => [c, jsonValue(row[i])])));
    return { columns, rows, truncated: r.rows.length > cap, durationMs };
  });
}
