/** SQL identifiers and literals used by the snapshot builder and the converters. */
import { createHash } from 'node:crypto';

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1), which could make two names collide. */
const MAX_IDENTIFIER = 63;

/**
 * Constraint/index name `<prefix>_<table>_<columns…>`. Long names keep a readable head and end in a
 * short hash of the full name, so they stay unique and stable across runs.
 */
export function constraintName(prefix: 'ix' | 'lx' | 'ux' | 'ck' | 'fk', table: string, parts: readonly string[]): string {
  const full = [prefix, table, ...parts].join('_');
  if (full.length <= MAX_IDENTIFIER) return full;
  const hash = createHash('sha1').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_IDENTIFIER - 9)}_${hash}`;
}

/** Double-quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Single-quoted SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A JSON-compatible catalogue default as a SQL expression; null when there is no default. */
export function sqlDefault(value: unknown, sqlType: string): string | null {
  if (value === undefined || value === null) return null;
  if (sqlType === 'jsonb') return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return quoteLiteral(value);
  return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
}

/** TypeScript single-quoted string literal for generated code. */
export function tsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
