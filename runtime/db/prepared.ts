/**
 * SQL text prepared once and run without the query builder: the hot CRUD paths (runtime/crud/statements.ts)
 * build their statements per descriptor at first use, then each request only binds values.
 *
 * On PostgreSQL a statement is sent as a protocol-level named prepared statement, so the server parses
 * and plans it once per connection (planning the list page cost as much as running it: docs/performance.md).
 * That works directly and behind PgBouncer ≥ 1.21 in transaction mode with `max_prepared_statements` set;
 * for an older pooler set PG_PREPARED_STATEMENTS=off and the same text goes unnamed. PGlite runs the
 * same text through its own connection.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export interface Statement {
  /** `lg_` + a digest of the text: the same text always gets the same name, in every process. */
  readonly name: string;
  /** PostgreSQL text with `$1…$n` placeholders. */
  readonly text: string;
}

export function statement(text: string): Statement {
  return { name: `lg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
}

/** Named statements unless PG_PREPARED_STATEMENTS=off (read once: it is a deployment setting). */
const named = !/^(off|false|0|no)$/i.test(process.env.PG_PREPARED_STATEMENTS ?? '');

interface Connection {
  query(q: unknown, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}
interface PoolClient {
  /** Set by knex-pglite: the embedded database, whose single connection takes `(text, values)`. */
  readonly pglite?: unknown;
  acquireConnection(): Promise<Connection>;
  releaseConnection(c: Connection): Promise<void>;
}

/**
 * Runs `s` on a pooled connection of `db` (never inside a transaction: a transaction's queries must use
 * its own handle) and returns the rows, typed by the same parsers as every other query.
 */
export async function runStatement(db: Knex, s: Statement, values: readonly unknown[]): Promise<Record<string, unknown>[]> {
  if ((db as Knex & { isTransaction?: boolean }).isTransaction) throw new Error('runStatement runs outside transactions');
  const client = db.client as unknown as PoolClient;
  const conn = await client.acquireConnection();
  try {
    const res =
      client.pglite !== undefined
        ? await conn.query(s.text, values as unknown[])
        : await conn.query(named ? { name: s.name, text: s.text, values } : { text: s.text, values });
    return res.rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
