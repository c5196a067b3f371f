/**
 * `validators/field-checks.ts` of a service: the checks every module's validators share — text PostgreSQL
 * can store (no NUL), dates and date-times inside its range, NUMERIC values checked on their text — and, for
 * a style that speaks Django REST framework's words, the message functions (DRF's `default_error_messages`
 * in rest_framework/fields.py). Module files import only the names they use.
 */
import type { ServiceNode } from '../../ir/index.ts';
import { header } from '../generated-file.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { NUL_MESSAGE } from '../shared/fields.ts';
import { quote } from '../shared/print-literal.ts';

/** File name (without `.ts`) beside the module files; a module of that name would collide. */
export const FIELD_CHECKS_FILE = 'field-checks';

const CHECKS = `/** PostgreSQL text cannot hold NUL (SQLSTATE 22021). */
export const NO_NUL = /^[^\\u0000]*$/;
export const NUL_MESSAGE = ${quote(NUL_MESSAGE)};

/** Whether a JSON value has no NUL in any string or key (jsonb refuses it, SQLSTATE 22P05). */
export function jsonWithoutNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\\u0000')) return false;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\\u0000')) return false;
        stack.push(x);
      }
    }
  }
  return true;
}

/** PostgreSQL has no year 0: dates start at 0001-01-01. */
export function pgDate(v: string): boolean {
  return !v.startsWith('0000');
}
export const PG_DATE_MESSAGE = 'Enter a date from year 0001 on.';

/** A year from 0001 and a zone offset within ±15:59 (beyond it: \`time zone displacement out of range\`). */
export function pgDateTime(v: string): boolean {
  const offset = /T.*[+-](\\d{2}):?\\d{2}$/.exec(v);
  return pgDate(v) && (!offset || Number(offset[1]) <= 15);
}
export const PG_DATETIME_MESSAGE = 'Enter a date-time from year 0001 on, with a UTC offset within ±15:59.';

/** A NUMERIC value as a string or JSON number, checked on its text so no float rounding hides extra digits. */
export function decimal(pattern: RegExp, bounds: { min?: number; max?: number; error?: z.core.$ZodErrorMap } = {}) {
  return z
    .union([z.string(), z.number()], bounds.error ? { error: bounds.error } : undefined)
    .refine((v) => pattern.test(String(v)), { message: 'Enter a number with no more digits than allowed.' })
    .refine((v) => bounds.min === undefined || Number(v) >= bounds.min, { message: \`Ensure this value is greater than or equal to \${bounds.min}.\` })
    .refine((v) => bounds.max === undefined || Number(v) <= bounds.max, { message: \`Ensure this value is less than or equal to \${bounds.max}.\` });
}
`;

const DRF_MESSAGES = `
type RawIssue = Parameters<z.core.$ZodErrorMap<z.core.$ZodIssueBase>>[0];
/** The members of zod's issues the messages read (which are present depends on the issue's code). */
interface Issue {
  readonly code?: string;
  readonly input: unknown;
  readonly origin?: string;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly inclusive?: boolean;
}

/** Python's name of a JSON value's type, as DRF's messages show it. */
function pythonType(v: unknown): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return ({ string: 'str', boolean: 'bool', object: 'dict' } as Record<string, string>)[typeof v] ?? typeof v;
}

function missing(iss: Issue): string | undefined {
  if (iss.input === undefined) return 'This field is required.';
  if (iss.input === null) return 'This field may not be null.';
  return undefined;
}

function bound(iss: Issue): string | undefined {
  if (iss.code === 'too_big') {
    return iss.origin === 'string'
      ? \`Ensure this field has no more than \${iss.maximum} characters.\`
      : \`Ensure this value is less than or equal to \${iss.maximum}.\`;
  }
  if (iss.code === 'too_small') {
    if (iss.origin === 'string') return iss.input === '' ? 'This field may not be blank.' : \`Ensure this field has at least \${iss.minimum} characters.\`;
    return \`Ensure this value is greater than\${iss.inclusive === false ? '' : ' or equal to'} \${iss.minimum}.\`;
  }
  return undefined;
}

const field = (invalid: string) => (raw: RawIssue) => missing(raw as Issue) ?? bound(raw as Issue) ?? invalid;

/** Django REST framework's words for zod's issues, by kind of field. */
export const drf = {
  string: field('Not a valid string.'),
  integer: field('A valid integer is required.'),
  decimal: field('A valid number is required.'),
  boolean: field('Must be a valid boolean.'),
  date: field('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'),
  datetime: field('Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'),
  time: field('Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]].'),
  email: field('Enter a valid email address.'),
  url: field('Enter a valid URL.'),
  uuid: field('Must be a valid UUID.'),
  json: field('Value must be valid JSON.'),
  choice: (raw: RawIssue) => missing(raw as Issue) ?? \`"\${String(raw.input)}" is not a valid choice.\`,
  pk: (raw: RawIssue) => missing(raw as Issue) ?? bound(raw as Issue)
    ?? (raw.code === 'invalid_format'
      ? \`Invalid pk "\${String(raw.input)}" - object does not exist.\`
      : \`Incorrect type. Expected pk value, received \${pythonType(raw.input)}.\`),
  object: (raw: RawIssue) => \`Invalid data. Expected a dictionary, but got \${pythonType(raw.input)}.\`,
};
`;

/** Names the file exports, for module files to import what they use. */
export function fieldCheckExports(service: ServiceNode): string[] {
  const names = ['NO_NUL', 'NUL_MESSAGE', 'jsonWithoutNul', 'pgDate', 'PG_DATE_MESSAGE', 'pgDateTime', 'PG_DATETIME_MESSAGE', 'decimal'];
  return STYLE_CONVENTIONS[service.style].messages === 'drf' ? [...names, 'drf'] : names;
}

export function renderFieldChecks(service: ServiceNode): string {
  const drf = STYLE_CONVENTIONS[service.style].messages === 'drf';
  return `${header(service.sourceFile)}import { z } from 'zod';\n\n${CHECKS}${drf ? DRF_MESSAGES : ''}`;
}
