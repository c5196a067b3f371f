/**
 * pg-boss talks to PostgreSQL through a tiny `executeSql(text, values)` interface (its `db` option).
 * This one runs it on a Knex handle's own connection — the pool's for the engine, a transaction's for
 * `send(..., { trx })` — so a job is inserted in the same transaction as the write that caused it,
 * and embedded PGlite (one connection, owned by Knex) serves pg-boss too. The driver is called
 * directly, so pg-boss's `$1` parameters need no translation; PGlite runs parameterless multi-statement
 * scripts (pg-boss's schema migrations) with `exec`, which its extended-protocol `query` refuses.
 */
import type { Knex } from 'knex';

export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

interface RawConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  exec?(text: string): Promise<{ rows: any[] }[]>;
  waitReady?: Promise<void>;
}

interface KnexClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(c: RawConnection): Promise<unknown>;
}

/** True for the embedded PGlite client (knex-pglite), whose one connection is the PGlite instance. */
export function isPglite(db: Knex): boolean {
  return typeof (db.client as { pglite?: unknown }).pglite === 'object';
}

export function knexExecutor(db: Knex): SqlExecutor {
  const client = db.client as unknown as KnexClient;
  return {
    async executeSql(text, values) {
      const conn = await client.acquireConnection();
      try {
        if (conn.exec && (!values || values.length === 0)) {
          const results = await conn.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return await conn.query(text, values ?? []);
      } catch (e) {
        // pg-boss's scripts open their own transactions: one that failed halfway would hand a pooled
        // connection back in an aborted transaction. A Knex transaction's connection is its owner's to end.
        // (Never on PGlite: its one connection may be inside a request's transaction right now.)
        if (!isPglite(db) && !(db as { isTransaction?: boolean }).isTransaction) await conn.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await client.releaseConnection(conn);
      }
    },
  };
}
