/**
 * The last line of defence between PostgreSQL and a response. Data exceptions (SQLSTATE class 22),
 * integrity constraint violations (class 23) and value-size limits (class 54) caused by a request's
 * input become 400/409 answers in the service's error body, naming the field where it can be known:
 * from the error's `column`, its `Key (…)` detail, a check constraint named `<table>_<column>_check`,
 * or by finding the offending value in the request's body or query.
 *
 * Every message here is our own. The driver's text carries the SQL statement, table and constraint
 * names (knex prefixes the statement to the message), so it is only ever logged, never answered.
 */
import { ApiError, type FieldErrors, validation } from './api-error.ts';
import type { WireStyle } from './wire-style.ts';

/** Maps an SQL column back to its wire name (`service_id` → `service`). */
export type ColumnNamer = (column: string) => string;

/** Where the offending value may be found when PostgreSQL does not name the column. */
export interface RequestInput {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, unknown>>;
}

export interface PgLikeError {
  readonly code?: string;
  readonly detail?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly message?: string;
}

export function isPgError(e: unknown): e is PgLikeError {
  return (
    typeof e === 'object' && e !== null && typeof (e as PgLikeError).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgLikeError).code!)
  );
}

/** SQLSTATE classes this module answers; anything else stays a server error. */
export function isInputDatabaseError(e: unknown): e is PgLikeError {
  return isPgError(e) && /^(22|23|54)/.test(e.code!);
}

/** `Key (company_id, name)=(1, x) already exists.` → [`company_id`, `name`]. */
function keyColumns(detail: string | undefined): string[] {
  const m = /Key \(([^)]*)\)=/.exec(detail ?? '');
  return m ? m[1]!.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

/** The last value of a `Key (…)=(…)` detail: the one belonging to the last (non-tenant) column. */
function keyValue(detail: string | undefined): string {
  const m = /\)=\((.*)\)/.exec(detail ?? '');
  if (!m) return '';
  const parts = m[1]!.split(', ');
  return parts[parts.length - 1]!;
}

/** The quoted value PostgreSQL echoes in data-exception messages (`… for type integer: "abc"`). */
function quotedValue(message: string): string | undefined {
  const m = /(?:: |value )"((?:[^"]|"")*)"(?: is out of range|$|\n)/m.exec(message);
  return m ? m[1]!.replace(/""/g, '"') : undefined;
}

const LIMITS: Readonly<Record<string, [string, string]>> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** Walks the request's input for the first (dotted) key whose value satisfies `hit`. */
function locate(input: RequestInput | undefined, hit: (v: unknown) => boolean): string | undefined {
  if (!input) return undefined;
  const stack: [string, unknown, number][] = [];
  const push = (prefix: string, v: unknown, depth: number) => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries.reverse()) stack.push([prefix ? `${prefix}.${k}` : k, x, depth + 1]);
  };
  push('', input.body, 0);
  const fromQuery: [string, unknown, number][] = Object.entries(input.query ?? {}).map(([k, v]) => [k, v, 1]);
  stack.unshift(...fromQuery.reverse());
  while (stack.length) {
    const [key, v, depth] = stack.pop()!;
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) {
      if (v.some(hit)) return key;
    } else if (typeof v !== 'object' || v === null) {
      if (hit(v)) return key;
    }
    push(key, v, depth);
  }
  return undefined;
}

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;

/** What a data exception says, in our words, and where to look for the value. */
function describe(e: PgLikeError): { message: string; hit?: (v: unknown) => boolean } {
  const text = e.message ?? '';
  const value = quotedValue(text);
  const equalsValue = value === undefined ? undefined : (v: unknown) => asText(v) === value;
  const hasNul = (v: unknown) => typeof v === 'string' && v.includes('\u0000');
  switch (e.code) {
    case '22001': {
      const n = /character varying\((\d+)\)|character\((\d+)\)/.exec(text);
      const max = n ? Number(n[1] ?? n[2]) : undefined;
      return max === undefined
        ? { message: 'This value is too long.' }
        : { message: `Ensure this field has no more than ${max} characters.`, hit: (v) => typeof v === 'string' && [...v].length > max };
    }
    case '22003': {
      const typed = /out of range for type (smallint|integer|bigint)/.exec(text) ?? /^(smallint|integer|bigint) out of range/m.exec(text);
      if (typed) {
        const [min, max] = LIMITS[typed[1]!]!;
        const negative = value?.startsWith('-') ?? false;
        return {
          message: negative
            ? `Ensure this value is greater than or equal to ${min}.`
            : `Ensure this value is less than or equal to ${max}.`,
          hit: equalsValue,
        };
      }
      const digits = /precision (\d+), scale (\d+) must round to an absolute value less than 10\^(\d+)/.exec(e.detail ?? '');
      if (digits) {
        const whole = Number(digits[3]);
        return {
          message: `Ensure that there are no more than ${whole} digits before the decimal point.`,
          hit: (v) => {
            const s = asText(v);
            return s !== undefined && /^-?\d/.test(s) && Math.abs(Number(s)) >= 10 ** whole;
          },
        };
      }
      return { message: 'Ensure this value is within the allowed range.', hit: equalsValue };
    }
    case '22007':
    case '22008':
      return /type date\b/.test(text)
        ? { message: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.', hit: equalsValue }
        : { message: 'Enter a valid date/time within the supported range.', hit: equalsValue };
    case '22009':
      return { message: 'Enter a valid date/time: the time zone offset must lie within ±15:59.', hit: equalsValue };
    case '22021':
    case '22P05':
      return /0x00|\\u0000/.test(`${text} ${e.detail ?? ''}`)
        ? { message: 'Null characters are not allowed.', hit: hasNul }
        : { message: 'This value contains a character that cannot be stored.' };
    case '22P02': {
      if (/invalid input value for enum/.test(text)) return { message: `"${value ?? ''}" is not a valid choice.`, hit: equalsValue };
      const type = /invalid input syntax for type ([a-z ]+?)(?::|$)/m.exec(text)?.[1] ?? '';
      const message = /int|serial/.test(type)
        ? 'A valid integer is required.'
        : /numeric|real|double|money/.test(type)
          ? 'A valid number is required.'
          : type === 'uuid'
            ? 'Must be a valid UUID.'
            : type === 'boolean'
              ? 'Must be a valid boolean.'
              : type === 'date'
                ? 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'
                : /^time/.test(type)
                  ? 'Datetime has wrong format.'
                  : /json/.test(type)
                    ? 'Value must be valid JSON.'
                    : 'Enter a valid value.';
      return { message, hit: equalsValue };
    }
    default:
      // Class 54 from input: a value too large for its index row (54000) or nested too deep (54001).
      return e.code?.startsWith('54')
        ? { message: 'This value is too large to store.', hit: (v) => typeof v === 'string' && Buffer.byteLength(v) > 2000 }
        : { message: 'Enter a valid value.' };
  }
}

/** A check constraint PostgreSQL named itself, `<table>_<column>_check`, names its column. */
function checkColumn(e: PgLikeError): string | undefined {
  const c = e.constraint;
  if (!c || !e.table || !c.startsWith(`${e.table}_`) || !c.endsWith('_check')) return undefined;
  return c.slice(e.table.length + 1, -'_check'.length) || undefined;
}

function fieldError(field: string | undefined, message: string): ApiError {
  return validation({ [field ?? 'non_field_errors']: [message] } satisfies FieldErrors);
}

/**
 * The ApiError for a class 22/23/54 PostgreSQL error, or null for any other error.
 * `name` turns SQL columns into wire names; `input` is searched for the value when no column is named.
 */
export function databaseToApiError(e: PgLikeError, wire: WireStyle, name: ColumnNamer, input?: RequestInput): ApiError | null {
  const code = e.code ?? '';
  const cols = keyColumns(e.detail).filter((c) => c !== 'company_id');
  const field = cols.length ? name(cols[cols.length - 1]!) : e.column ? name(e.column) : undefined;
  switch (code) {
    case '23505': {
      const key = field ?? 'non_field_errors';
      const msg =
        cols.length > 1
          ? `The fields ${cols.map(name).join(', ')} must make a unique set.`
          : field
            ? `A record with this ${field} already exists.`
            : 'A record with these values already exists.';
      return wire.uniqueViolation(cols.length > 1 ? 'non_field_errors' : key, msg);
    }
    case '23001':
      // restrict_violation from a trigger guarding rows names its rule in CONSTRAINT (a snake_case code
      // of ours, e.g. period_closed in spec/platform/accounting.yaml); otherwise it guards dependents.
      // A foreign key's RESTRICT says "still referenced" and its constraint name must not become a code.
      return !/still referenced/.test(e.detail ?? '') && /^[a-z][a-z0-9_]{0,62}$/.test(e.constraint ?? '')
        ? new ApiError(409, e.constraint!, 'The record is locked against this change.')
        : new ApiError(409, 'dependency_exists', 'Cannot delete: dependent records exist.');
    case '23503':
      if (/still referenced/.test(e.detail ?? '') || /^update or delete on/m.test(e.message ?? '')) {
        return new ApiError(409, 'dependency_exists', 'Cannot delete: dependent records exist.');
      }
      return fieldError(field, `Invalid pk "${keyValue(e.detail)}" - object does not exist.`);
    case '23502':
      return fieldError(e.column ? name(e.column) : field, 'This field is required.');
    case '23514': {
      const col = checkColumn(e);
      return fieldError(col ? name(col) : field, 'Enter a valid value.');
    }
    case '23P01':
      return new ApiError(409, 'conflict', 'This conflicts with an existing record.');
    default:
      break;
  }
  if (!/^(22|23|54)/.test(code)) return null;
  const { message, hit } = describe(e);
  const located = e.column ? name(e.column) : hit ? locate(input, hit) : undefined;
  return fieldError(located, message);
}

/**
 * SQL or driver wording in a message some code built from a caught error (`insert into "t" …`,
 * `relation "t" does not exist`, `violates … constraint`): such a message must not be answered.
 */
const DRIVER_TEXT = new RegExp(
  [
    // knex quotes every identifier: a statement keyword before a quoted name is a statement.
    String.raw`\b(?:insert\s+into|delete\s+from|update|from|join)\s+"[^"]+"`,
    String.raw`\bselect\b[\s\S]*\bfrom\b[\s\S]*\b(?:where|limit)\b`,
    String.raw`\bvalues\s*\(\$\d`,
    String.raw`\b(?:relation|constraint|column|table)\s+"[^"]*"\s+(?:of\s+relation|does\s+not\s+exist|violates|already\s+exists)`,
    String.raw`\bviolates\s+(?:not-null|foreign\s+key|unique|check|exclusion)\s+constraint\b`,
    String.raw`\bsyntax\s+error\s+at\s+or\s+near\b`,
    String.raw`\bSQLSTATE\b`,
  ].join('|'),
  'i',
);

export function looksLikeDriverText(message: string): boolean {
  return DRIVER_TEXT.test(message);
}

const PLAIN_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid input.',
  404: 'Not found.',
  409: 'The request conflicts with existing data.',
  422: 'The request could not be processed.',
};

/** The same error (status, code, fields, headers) with our generic words for its status. */
export function withoutDriverText(err: ApiError): ApiError {
  const message = PLAIN_MESSAGES[err.status] ?? 'The request was refused.';
  return new ApiError(err.status, err.code, message, { fields: err.fields, rule: err.rule, headers: err.headers });
}
