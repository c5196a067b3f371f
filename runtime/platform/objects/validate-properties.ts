/**
 * Object properties are validated against the object type's declared properties (pf_properties):
 * known names only, values of the declared data_type, enum values, required ones present on create.
 * Returns field errors keyed `properties.<name>` (rendered in the platform error's `fields`).
 */
import type { FieldErrors } from '../../http/api-error.ts';

export interface PropertyDef {
  readonly name: string;
  readonly data_type: string;
  readonly is_required: boolean;
  readonly is_unique: boolean;
  readonly enum_values: unknown;
  readonly default_value: unknown;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function typeError(p: PropertyDef, v: unknown): string | null {
  if (v === null) return null;
  switch (p.data_type) {
    case 'string':
    case 'text':
      return typeof v === 'string' ? null : 'must be a string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number';
    case 'integer':
      return Number.isInteger(v) ? null : 'must be an integer';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'email':
      return typeof v === 'string' && EMAIL.test(v) ? null : 'must be an email address';
    case 'url':
      return typeof v === 'string' && URL.canParse(v) ? null : 'must be a URL';
    case 'date':
      return typeof v === 'string' && DATE.test(v) ? null : 'must be a date (YYYY-MM-DD)';
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : 'must be an ISO 8601 date-time';
    case 'reference':
      return typeof v === 'string' ? null : 'must be an object id';
    case 'enum': {
      const values = Array.isArray(p.enum_values) ? p.enum_values : [];
      return values.includes(v) ? null : `must be one of: ${values.join(', ')}`;
    }
    default:
      return null; // json: anything
  }
}

/** Validates `input`; with `partial` false (create) required properties must be present. Adds defaults on create. */
export function validateProperties(
  defs: readonly PropertyDef[],
  input: unknown,
  partial: boolean,
): { value: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { value: {}, errors: { properties: ['must be an object'] } };
  const byName = new Map(defs.map((d) => [d.name, d]));
  const value: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [k, v] of Object.entries(value)) {
    const def = byName.get(k);
    if (!def) {
      errors[`properties.${k}`] = ['is not a property of this object type'];
      continue;
    }
    const e = typeError(def, v);
    if (e) errors[`properties.${k}`] = [e];
  }
  if (!partial) {
    for (const d of defs) {
      if (value[d.name] === undefined && d.default_value !== null && d.default_value !== undefined) value[d.name] = d.default_value;
      if (d.is_required && (value[d.name] === undefined || value[d.name] === null)) errors[`properties.${d.name}`] = ['is required'];
    }
  } else {
    for (const d of defs) if (d.is_required && k(value, d.name) && value[d.name] === null) errors[`properties.${d.name}`] = ['is required'];
  }
  return { value, errors };
}

function k(o: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, name);
}
