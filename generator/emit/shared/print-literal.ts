/**
 * Prints plain data as TypeScript literal code, deterministically: single quotes, keys unquoted when
 * they are identifiers, a value on one line when it fits and one entry per line when it does not.
 * `code()` marks text to print verbatim (identifiers such as imported validators).
 */
const MAX_LINE = 110;

export class Code {
  constructor(readonly text: string) {}
}

export const code = (text: string): Code => new Code(text);

/** An array printed one element per line, each on a single line however long (a table to scan down). */
export class Rows {
  constructor(readonly items: readonly unknown[]) {}
}

export const rows = (items: readonly unknown[]): Rows => new Rows(items);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** An object key, quoted only when it is not an identifier. */
export function propertyKey(k: string): string {
  return IDENT.test(k) ? k : quote(k);
}

function oneLine(v: unknown): string {
  if (v instanceof Code) return v.text;
  if (v instanceof Rows) return oneLine([...v.items]);
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(oneLine).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${propertyKey(k)}: ${oneLine(x)}`).join(', ')} }` : '{}';
  }
  throw new Error(`print-literal: cannot print ${typeof v}`);
}

/**
 * `indent`: indentation of the line the value is on (its closing bracket goes there);
 * `col`: the column the value starts at, for deciding whether it fits on one line.
 */
export function printLiteral(v: unknown, indent = 0, col = indent): string {
  if (v instanceof Rows) {
    if (v.items.length === 0) return '[]';
    return `[\n${v.items.map((x) => `${' '.repeat(indent + 2)}${oneLine(x)},`).join('\n')}\n${' '.repeat(indent)}]`;
  }
  const flat = oneLine(v);
  // +1 leaves room for the `,` or `;` that follows.
  if (col + flat.length + 1 <= MAX_LINE || v === null || typeof v !== 'object' || v instanceof Code) return flat;
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${pad}${printLiteral(x, indent + 2)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, x]) => {
    const name = propertyKey(k);
    return `${pad}${name}: ${printLiteral(x, indent + 2, indent + 2 + name.length + 2)},`;
  });
  return `{\n${lines.join('\n')}\n${close}}`;
}

/** `import { a, b } from '…';`, one name per line when that would not fit on one. */
export function importBlock(names: readonly string[], from: string, opts: { readonly typeOnly?: boolean } = {}): string {
  const kw = opts.typeOnly ? 'import type' : 'import';
  const flat = `${kw} { ${names.join(', ')} } from ${quote(from)};`;
  if (flat.length <= MAX_LINE) return flat;
  return `${kw} {\n${names.map((n) => `  ${n},`).join('\n')}\n} from ${quote(from)};`;
}
