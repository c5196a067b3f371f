/**
 * The friendly half of `POST /v1/sql`'s guard: PostgreSQL's own parser (libpg-query, the server's
 * grammar compiled to WebAssembly) decides whether the text is exactly one SELECT — `WITH … SELECT`,
 * `VALUES` and `TABLE x` included — with no data-modifying WITH, no SELECT … INTO and no FOR
 * UPDATE/SHARE, and says why not in words. The database role is the real guard (reader-setup.ts):
 * whatever slips past this check still runs read-only as a reader that can write nothing.
 */
import { parse } from 'libpg-query';

export type StatementCheck =
  | { readonly ok: true; /** The statement alone: no trailing `;` or comments. */ readonly statement: string }
  | { readonly ok: false; readonly code: 'sql_syntax_error' | 'sql_not_read_only'; readonly message: string };

const ONLY = 'Only a single read-only SELECT statement (or WITH … SELECT) is accepted';

const NAMES: Readonly<Record<string, string>> = {
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  TransactionStmt: 'a transaction command',
  CallStmt: 'CALL',
};

/** `CreateTableAsStmt` → `CREATE TABLE AS`. */
const statementName = (node: string) =>
  NAMES[node] ??
  node
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();

const WRITES: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

/** The first reason anywhere in the tree that makes the SELECT more than a read. */
function writeInside(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const r = writeInside(n);
      if (r) return r;
    }
    return null;
  }
  if (!node || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    if (WRITES[key]) return `a data-modifying ${WRITES[key]} inside the statement (WITH … AS (${WRITES[key]} …)) writes`;
    if (key === 'intoClause' && value) return 'SELECT … INTO creates a table';
    if (key === 'lockingClause' && Array.isArray(value) && value.length) return 'FOR UPDATE / FOR SHARE locks rows';
    const r = writeInside(value);
    if (r) return r;
  }
  return null;
}

export async function checkSelect(sql: string): Promise<StatementCheck> {
  if (!sql.trim()) return { ok: false, code: 'sql_not_read_only', message: `${ONLY}; the text holds no statement.` };
  let tree: Awaited<ReturnType<typeof parse>>;
  try {
    tree = await parse(sql);
  } catch (e) {
    const pos = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    return {
      ok: false,
      code: 'sql_syntax_error',
      message: `SQL syntax error: ${(e as Error).message}${typeof pos === 'number' && pos >= 0 ? ` (at character ${pos + 1})` : ''}.`,
    };
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length === 0) return { ok: false, code: 'sql_not_read_only', message: `${ONLY}; the text holds no statement.` };
  if (stmts.length > 1) return { ok: false, code: 'sql_not_read_only', message: `${ONLY}; the text holds ${stmts.length} statements.` };
  const [only] = stmts;
  const kind = Object.keys(only.stmt ?? {})[0] ?? 'unknown';
  if (kind !== 'SelectStmt') return { ok: false, code: 'sql_not_read_only', message: `${ONLY}; this is ${statementName(kind)}.` };
  const why = writeInside(only.stmt);
  if (why) return { ok: false, code: 'sql_not_read_only', message: `${ONLY}; ${why}.` };
  // Offsets are in UTF-8 bytes; a length of 0 means "to the end".
  const bytes = Buffer.from(sql, 'utf8');
  const start = only.stmt_location ?? 0;
  const end = only.stmt_len ? start + only.stmt_len : bytes.length;
  return { ok: true, statement: bytes.subarray(start, end).toString('utf8').trim() };
}
