/**
 * Which column type changes keep every existing value (widening) — anything else is narrowing
 * and therefore destructive (docs/architecture.md, "Database": "a destructive change (drop, type narrowing) needs an explicit flag").
 */

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

export function isWideningType(from: string, to: string): boolean {
  if (from === to) return true;
  const f = parseType(from);
  const t = parseType(to);
  // Every value has a text form that casts back exactly.
  if (t.base === 'text') return true;
  if (f.base === 'varchar' && t.base === 'varchar') return (t.args[0] ?? Infinity) >= (f.args[0] ?? Infinity);
  if (f.base in INTEGER_RANK && t.base in INTEGER_RANK) return INTEGER_RANK[t.base]! >= INTEGER_RANK[f.base]!;
  if (f.base in INTEGER_RANK && t.base === 'numeric') {
    // numeric(p,s) holds an integer of up to p-s digits; bigint needs 19.
    if (t.args.length === 0) return true;
    const digits = (t.args[0] ?? 0) - (t.args[1] ?? 0);
    return digits >= ({ smallint: 5, integer: 10, bigint: 19 } as Record<string, number>)[f.base]!;
  }
  if (f.base === 'numeric' && t.base === 'numeric') {
    if (t.args.length === 0) return true;
    if (f.args.length === 0) return false;
    const [fp = 0, fs = 0] = f.args;
    const [tp = 0, ts = 0] = t.args;
    return ts >= fs && tp - ts >= fp - fs;
  }
  if (f.base === 'timestamp' && t.base === 'timestamptz') return true;
  if (f.base === 'date' && (t.base === 'timestamp' || t.base === 'timestamptz')) return true;
  return false;
}

function parseType(sqlType: string): { base: string; args: number[] } {
  const m = /^([a-z ]+?)\s*(?:\(([\d, ]+)\))?$/.exec(sqlType.trim().toLowerCase());
  if (!m) return { base: sqlType, args: [] };
  return { base: m[1]!, args: m[2] ? m[2].split(',').map((x) => Number(x.trim())) : [] };
}
