/**
 * knex's client for embedded PGlite: knex-pglite, with its answers made the same as node-postgres gives.
 *
 * knex-pglite names the statement after knex's method name (`del` → "DEL", `increment` → "COUNTER"), and
 * knex's PostgreSQL dialect only turns "UPDATE" and "DELETE" into a row count: on PGlite a `.delete()` or
 * `.increment()` resolved to the raw result object, which is always truthy, so every `if (!deleted) 404`
 * passed on the embedded database (a user deleting another user's passkey was told 200). Naming the
 * statement by the command it runs gives the row count on both backends (test/db/open-database.test.ts).
 */
import ClientPgLite from 'knex-pglite';

/** knex's method names whose statement is a DELETE or an UPDATE. */
const COMMAND_OF: Record<string, string> = { del: 'delete', counter: 'update' };

interface QueryObject {
  method?: string;
  [key: string]: unknown;
}

const Base = ClientPgLite as unknown as new (config: unknown) => { processResponse(obj: QueryObject, runner: unknown): unknown };

export class PgliteClient extends Base {
  override processResponse(obj: QueryObject, runner: unknown): unknown {
    const method = obj.method && COMMAND_OF[obj.method];
    return super.processResponse(method ? { ...obj, method } : obj, runner);
  }
}
