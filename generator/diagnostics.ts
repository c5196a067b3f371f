/**
 * The diagnostic catalogue: every mistake the loader and normaliser can report, with its code,
 * severity and message template (`{name}` placeholders). Keeping them in one table means the
 * wording is consistent and each code can be documented and tested once (TypeSpec's `lib.ts`).
 */
import type { SourceLocation } from './ir/source-location.ts';

export type Severity = 'error' | 'warning';

export const DIAGNOSTICS = {
  'yaml-syntax': { severity: 'error', message: '{detail}' },
  'yaml-duplicate-key': { severity: 'error', message: 'duplicate key "{name}"' },
  'file-read': { severity: 'error', message: 'cannot read file: {detail}' },
  'no-services': { severity: 'error', message: 'no service folders with a service.yaml found in {dir}' },
  'unknown-service': { severity: 'error', message: 'unknown service "{name}"' },
  'unknown-key': { severity: 'error', message: 'unknown key "{name}" in {what}' },
  'missing-key': { severity: 'error', message: 'missing required key "{name}" in {what}' },
  'invalid-type': { severity: 'error', message: '{what} must be {expected}' },
  'unknown-value': { severity: 'error', message: 'unknown {what} "{value}"' },
  'invalid-value': { severity: 'error', message: 'invalid {what}: {detail}' },
  'bad-name': { severity: 'error', message: '{what} "{name}" must be {expected}' },
  'service-name-mismatch': { severity: 'error', message: 'service "{name}" must equal its folder name "{expected}"' },
  'module-name-mismatch': { severity: 'error', message: 'module "{name}" must equal its file name "{expected}"' },
  'duplicate-module': { severity: 'error', message: 'module "{name}" is declared twice' },
  'unknown-product': { severity: 'error', message: 'unknown product code "{name}"' },
  'duplicate-product': { severity: 'error', message: 'product code "{name}" is declared twice' },
  'reserved-field': { severity: 'error', message: 'field "{name}" is an implicit column and cannot be declared' },
  'key-not-for-type': { severity: 'error', message: 'key "{name}" does not apply to a {type} field' },
  'missing-type-key': { severity: 'error', message: 'a {type} field needs "{name}"' },
  'enum-default': { severity: 'error', message: 'default "{value}" is not one of the enum values' },
  'default-type': { severity: 'error', message: 'default of a {type} field must be {expected}' },
  'min-max': { severity: 'error', message: 'min ({min}) is greater than max ({max})' },
  'scale-precision': { severity: 'error', message: 'scale ({scale}) is greater than precision ({precision})' },
  'unknown-ref': { severity: 'error', message: 'unknown resource "{name}"' },
  'set-null-not-nullable': { severity: 'error', message: 'on_delete: set_null needs a nullable field' },
  'filter-not-for-type': { severity: 'error', message: 'filter "{op}" does not apply to a {type} field' },
  'search-not-for-type': { severity: 'error', message: 'search does not apply to a {type} field' },
  'unknown-ordering-field': { severity: 'error', message: 'unknown ordering field "{name}"' },
  'unknown-unique-field': { severity: 'error', message: 'unknown field "{name}" in unique_together' },
  'unknown-row-field': { severity: 'error', message: 'unknown field "{name}" in {what} row' },
  'missing-id-prefix': { severity: 'error', message: 'resource "{name}" uses prefixed ids and needs an id_prefix' },
  'restore-without-soft-delete': { severity: 'error', message: 'operation "restore" needs soft_delete' },
  'duplicate-operation': { severity: 'error', message: 'operation "{name}" is listed twice' },
  'shape-kind': { severity: 'error', message: '{what} must have exactly one of fields, resource, page, file or multipart' },
  'many-not-allowed': { severity: 'error', message: '"many" applies only to fields or resource {what}s' },
  'action-on-module': { severity: 'error', message: 'module actions take "path", not "on"' },
  'bad-status': { severity: 'error', message: 'status {value} must be a 2xx code' },
  'bad-error-status': { severity: 'error', message: 'error status {value} must be a 4xx or 5xx code' },
  'duplicate-path': { severity: 'error', message: '{method} {path} is already declared at {other}' },
  'duplicate-type-name': { severity: 'error', message: 'type name "{name}" is already used by {other}' },
  'duplicate-operation-id': { severity: 'error', message: 'operation id "{name}" is already used by {other}' },
  'duplicate-sdk-name': { severity: 'error', message: 'SDK method "{name}" clashes with {other}' },
} as const satisfies Record<string, { severity: Severity; message: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Relative to the project root, e.g. `spec/loop/booking.yaml`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Nearest valid name, shown as `(did you mean "x"?)`. */
  readonly suggestion?: string;
}

/** Builds a diagnostic from its catalogue entry, filling `{name}` placeholders from `params`. */
export function diagnostic(
  code: DiagnosticCode,
  loc: SourceLocation,
  params: Readonly<Record<string, string | number>> = {},
  suggestion?: string,
): Diagnostic {
  const entry = DIAGNOSTICS[code];
  const message = entry.message.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
  return {
    code,
    severity: entry.severity,
    message,
    file: loc.file,
    line: loc.line,
    column: loc.column,
    ...(suggestion !== undefined ? { suggestion } : {}),
  };
}

/** `spec/loop/booking.yaml:14:7 unknown field type "strng" (did you mean "string"?)` — like a compiler. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.suggestion !== undefined ? ` (did you mean "${d.suggestion}"?)` : '';
  return `${d.file}:${d.line}:${d.column} ${prefix}${d.message}${hint}`;
}

/** Stable order for reports: by file, then position, then message. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Edit distance counting insert, delete, substitute and adjacent transposition (`nmae` → `name` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to `name`, or undefined when nothing is close enough to be a plausible typo
 * (at most a third of the name's length, minimum 2 edits). Ties go to the alphabetically first.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
