/**
 * A public form submission checked against the form's declared fields (`fields`: [{name (or key),
 * type, required, options, property}]): required fields present and non-empty, values of the field's
 * type, email and url formats checked by zod's validators (url: http(s) with a domain name), select
 * values among the options. Errors are keyed by field name, for the platform's 400 body. Keys the
 * form does not declare are kept with the submission but never reach the object.
 */
import { z } from 'zod';
import type { FieldErrors } from '../../http/api-error.ts';

export interface FormField {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly options: readonly unknown[] | null;
  /** The object property the value fills (default: the field's name). */
  readonly property: string;
}

const MAX_TEXT = 10_000;
const email = z.email();
const url = z.url({ protocol: /^https?$/, hostname: z.regexes.domain });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The form's field list as stored (a JSON array of objects); entries without a name are ignored. */
export function formFields(raw: unknown): FormField[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((f) => {
    if (!f || typeof f !== 'object') return [];
    const o = f as Record<string, unknown>;
    const name = typeof o.name === 'string' && o.name ? o.name : typeof o.key === 'string' && o.key ? o.key : null;
    if (!name) return [];
    const options = Array.isArray(o.options)
      ? o.options.map((x) => (x && typeof x === 'object' && 'value' in x ? (x as { value: unknown }).value : x))
      : null;
    return [
      {
        name,
        type: String(o.type ?? 'text').toLowerCase(),
        required: o.required === true,
        options,
        property: typeof o.property === 'string' && o.property ? o.property : name,
      },
    ];
  });
}

function typeError(f: FormField, v: unknown): string | null {
  const text = () => (typeof v === 'string' ? (v.length <= MAX_TEXT ? null : `must be at most ${MAX_TEXT} characters`) : 'must be text');
  switch (f.type) {
    case 'email':
      return typeof v === 'string' && email.safeParse(v).success ? null : 'must be an email address';
    case 'url':
    case 'website':
      return typeof v === 'string' && url.safeParse(v).success ? null : 'must be an http(s) URL';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number';
    case 'integer':
      return Number.isInteger(v) ? null : 'must be an integer';
    case 'boolean':
    case 'checkbox':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(v)) ? null : 'must be a date (YYYY-MM-DD)';
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : 'must be an ISO 8601 date-time';
    case 'select':
    case 'radio':
      return f.options && !f.options.some((o) => o === v) ? `must be one of: ${f.options.join(', ')}` : null;
    case 'multiselect':
    case 'checkboxes':
      if (!Array.isArray(v)) return 'must be a list';
      return f.options && v.some((x) => !f.options!.includes(x)) ? `must be among: ${f.options.join(', ')}` : null;
    case 'json':
      return null;
    default:
      // text, textarea, phone, hidden and types this server does not know: text.
      return text();
  }
}

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && !v.length);

/** Field errors of `data` against `fields`; the object properties the declared fields fill. */
export function checkSubmission(
  fields: readonly FormField[],
  data: Record<string, unknown>,
): { errors: FieldErrors; properties: Record<string, unknown> } {
  const errors: FieldErrors = {};
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.name];
    if (empty(v)) {
      if (f.required) errors[f.name] = ['is required'];
      continue;
    }
    const e = typeError(f, v);
    if (e) errors[f.name] = [e];
    else properties[f.property] = v;
  }
  return { errors, properties };
}
