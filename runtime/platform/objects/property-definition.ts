/**
 * Checks a property definition (create or update body merged over the stored row) before it is
 * written: a known data_type, enum_values for enum and multi_enum, a default_value of the declared
 * type (stored canonical, as objects' values are) and settings the type supports (an index needs a
 * comparable value). All problems come back at once as field errors.
 */
import type { FieldErrors } from '../../http/api-error.ts';
import { DATA_TYPES, propertyType } from './property-types.ts';
import { settingErrors } from './property-sql.ts';

export interface PropertySettings {
  readonly data_type: string;
  readonly is_indexed: boolean;
  readonly is_sortable: boolean;
  readonly is_unique: boolean;
  readonly is_required: boolean;
  readonly enum_values: unknown;
  readonly default_value: unknown;
}

const FLAGS = ['is_indexed', 'is_sortable', 'is_unique', 'is_required'] as const;
const MAX_ENUM_VALUES = 500;

/** Errors of the definition, and its default in canonical form. */
export function checkDefinition(p: PropertySettings, body: Record<string, unknown>): { errors: FieldErrors; default_value: unknown } {
  const errors: FieldErrors = {};
  for (const f of FLAGS) if (body[f] !== undefined && typeof body[f] !== 'boolean') errors[f] = ['must be true or false'];
  const type = propertyType(p.data_type);
  if (!type) return { errors: { ...errors, data_type: [`must be one of: ${DATA_TYPES.join(', ')}`] }, default_value: null };
  if (p.data_type === 'enum' || p.data_type === 'multi_enum') {
    const v = p.enum_values;
    if (!Array.isArray(v) || v.length === 0) errors.enum_values = [`${p.data_type} properties need enum_values (a list of strings)`];
    else if (v.length > MAX_ENUM_VALUES) errors.enum_values = [`at most ${MAX_ENUM_VALUES} values`];
    else if (v.some((x) => typeof x !== 'string' || x === '' || x.length > 200))
      errors.enum_values = ['must be strings of 1 to 200 characters'];
    else if (new Set(v).size !== v.length) errors.enum_values = ['must not repeat a value'];
  } else if (p.enum_values !== null && p.enum_values !== undefined) {
    errors.enum_values = ['only enum and multi_enum properties take enum_values'];
  }
  Object.assign(errors, settingErrors(p));
  let default_value: unknown = p.default_value ?? null;
  if (default_value !== null && !errors.enum_values) {
    const c = type.check(default_value, p);
    if (c.ok) default_value = c.value;
    else errors.default_value = [c.error];
  }
  if (default_value !== null && type.refersTo)
    errors.default_value = [`${p.data_type} properties take no default (it would name one record for every object)`];
  return { errors, default_value };
}
