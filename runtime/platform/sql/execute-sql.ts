/**
 * `POST /v1/sql` (docs/api/platform-api.txt, "SQL": "Direct SQL query execution against tenant D1
 * shards"): one read-only SELECT over the tenant's object data, answered `{columns, rows, row_count,
 * duration_ms}` plus `truncated` and `row_limit` when the row cap cut the answer short.
 *
 * Order of refusals: body shape (400), the parser's single-SELECT check (400 SQL_NOT_READ_ONLY /
 * SQL_SYNTAX_ERROR), the database's readiness (409 SQL_NOT_CONFIGURED — PGlite, or a server role that
 * may not set up the reader), then the statement's own failures as the database reports them.
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { ApiError, badRequest, conflict, validation } from '../../http/api-error.ts';
import { databaseSchema } from '../../db/open-database.ts';
import { bodyOf, tenantOf } from '../http/action-context.ts';
import { checkSelect } from './statement-check.ts';
import { ensureSqlReader } from './reader-setup.ts';
import { ReaderQueryError, runReadOnlyQuery } from './reader-session.ts';

const MAX_SQL_CHARS = 100_000;
const MAX_PARAMS = 100;
/** Rows are bounded by the cap; this bounds their size (a few huge values) before they are sent. */
const MAX_RESULT_BYTES = 10 * 1024 * 1024;

const envInt = (name: string, fallback: number, min: number, max: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};
/** PLATFORM_SQL_TIMEOUT_MS (default 5000) and PLATFORM_SQL_MAX_ROWS (default 1000). */
export const sqlLimits = () => ({
  timeoutMs: envInt('PLATFORM_SQL_TIMEOUT_MS', 5000, 100, 300_000),
  rowCap: envInt('PLATFORM_SQL_MAX_ROWS', 1000, 1, 100_000),
});

const PGLITE =
  'POST /v1/sql needs PostgreSQL (set DATABASE_URL): the embedded PGlite database runs on the server’s one thread and cannot interrupt a statement (statement_timeout does not fire there), so a single slow query would stop the whole server. See docs/platform-sql.md.';

/**
 * A parameter as the driver takes it: scalars as they are, arrays as PostgreSQL arrays (`= any($1)`),
 * objects as JSON text (`$1::jsonb`; a JSON array goes as a string).
 */
function readParams(raw: unknown): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validation({ params: ['must be an array of values for $1, $2, …'] });
  if (raw.length > MAX_PARAMS) throw validation({ params: [`at most ${MAX_PARAMS} values`] });
  return raw.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v));
}

/** The database's or parser's words about the caller's own SQL are the answer (ApiError `verbatim`). */
const sqlError = (status: number, code: string, message: string, extra: { details?: Record<string, unknown>; cause?: unknown } = {}) =>
  new ApiError(status, code, message, { ...extra, verbatim: true });

/** The database's answer to the tenant's statement, as a 4xx; a fault of the server itself stays a 5xx. */
function queryFailure(e: ReaderQueryError, timeoutMs: number): ApiError {
  const pgError = e.cause as { code?: string; message?: string; position?: string };
  const code = String(pgError.code ?? '');
  const details = { sqlstate: code || null, ...(pgError.position ? { position: Number(pgError.position) } : {}) };
  const message = pgError.message ?? 'The statement failed.';
  if (code === '57014')
    return sqlError(400, 'sql_timeout', `The statement ran longer than ${timeoutMs} ms and was cancelled.`, { details, cause: e });
  if (code === '42501') return sqlError(403, 'sql_permission_denied', `Not readable through SQL: ${message}.`, { details, cause: e });
  if (code === '25006') return sqlError(400, 'sql_not_read_only', `SQL runs read-only: ${message}.`, { details, cause: e });
  // Connection, resource, system and internal classes are the server's, not the statement's.
  if (/^(08|53|58|XX)/.test(code) || !code) throw e.cause;
  return sqlError(400, 'sql_error', message, { details, cause: e });
}

export const executeSqlQuery: ActionHandler = async (a) => {
  const body = bodyOf(a);
  const sql = body.sql;
  if (typeof sql !== 'string' || !sql.trim()) throw validation({ sql: ['a SELECT statement is required'] });
  if (sql.length > MAX_SQL_CHARS) throw validation({ sql: [`at most ${MAX_SQL_CHARS} characters`] });
  const params = readParams(body.params);
  const check = await checkSelect(sql);
  if (!check.ok) throw sqlError(400, check.code, check.message);

  const root = a.ctx.db;
  if ((root.client as { pglite?: unknown }).pglite !== undefined) throw conflict(PGLITE, 'sql_not_configured');
  const schema = databaseSchema(root) ?? a.ctx.service;
  const readiness = await ensureSqlReader(root, schema);
  if (!readiness.ok)
    throw conflict(
      `POST /v1/sql is not configured on this database: ${readiness.problems.join('; ')}. See docs/platform-sql.md for the statements a database administrator runs once.`,
      'sql_not_configured',
    );

  const { timeoutMs, rowCap } = sqlLimits();
  let result;
  try {
    result = await runReadOnlyQuery(a.trx, { tenantId: tenantOf(a), schema, timeoutMs, rowCap, sql: check.statement, params });
  } catch (e) {
    if (e instanceof ReaderQueryError) throw queryFailure(e, timeoutMs);
    throw e;
  }
  const data = {
    columns: result.columns,
    rows: result.rows,
    row_count: result.rows.length,
    duration_ms: result.durationMs,
    truncated: result.truncated,
    row_limit: rowCap,
  };
  const size = Buffer.byteLength(JSON.stringify(data), 'utf8');
  if (size > MAX_RESULT_BYTES)
    throw badRequest(
      `The result is ${size} bytes as JSON; at most ${MAX_RESULT_BYTES} are sent. Select fewer columns or rows (LIMIT).`,
      'sql_result_too_large',
    );
  return { body: data };
};
