/**
 * Object properties are validated against the object type's declared properties (pf_properties):
 * known names only, values of the declared data_type (property-types.ts; each value is stored in its
 * type's canonical form), required ones present on create. Returns field errors keyed
 * `properties.<name>` (rendered in the platform error's `fields`).
 */
import type { FieldErrors } from '../../http/api-error.ts';
import { propertyType } from './property-types.ts';

export interface PropertyDef {
  readonly name: string;
  readonly data_type: string;
  readonly is_required: boolean;
  readonly is_unique: boolean;
  readonly enum_values: unknown;
  readonly default_value: unknown;
}

function checked(p: PropertyDef, v: unknown): { value: unknown; error: string | null } {
  if (v === null) return { value: null, error: null };
  const type = propertyType(p.data_type);
  // A data type this runtime does not know stores the value untouched, as json does.
  if (!type) return { value: v, error: null };
  const c = type.check(v, p);
  return c.ok ? { value: c.value, error: null } : { value: v, error: c.error };
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
    const c = checked(def, v);
    if (c.error) errors[`properties.${k}`] = [c.error];
    else value[k] = c.value;
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
