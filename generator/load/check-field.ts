/**
 * Rules for one field that the meta-schema cannot express: keys that depend on the type, defaults
 * that must fit the type, resolvable refs, and filters/search that make sense for the type.
 */
import type { FieldType } from '../ir/field-node.ts';
import { filterOps, ORDERED_TYPES, SYSTEM_FIELD_NAMES, TEXT_TYPES } from './normalise-fields.ts';
import type { FieldSpec } from './meta-schema.ts';
import { checkGenerate } from './check-generate.ts';
import { isBrokenRef, refCandidates, resolveRef } from './raw-catalogue.ts';
import type { Checker } from './checker.ts';
import { didYouMean } from '../diagnostics.ts';
import type { YamlPath } from './yaml-source.ts';

const TYPE_KEYS: Partial<Record<keyof FieldSpec, readonly FieldType[]>> = {
  values: ['enum'],
  to: ['ref'],
  on_delete: ['ref'],
  precision: ['decimal'],
  scale: ['decimal'],
};
const SNAKE = /^[a-z][a-z0-9_]*$/;

/**
 * `table`: a resource column (filters meaningful; the names of the table's implicit columns reserved —
 * pass them as `reserved`, e.g. a global table may declare its own `company`); otherwise a body/query field.
 * `scope`: the resource's scope, for `generate: { per: company }` (tenant tables only).
 */
export function checkFields(
  c: Checker,
  fields: Readonly<Record<string, FieldSpec>> | undefined,
  path: YamlPath,
  table: boolean,
  reserved: readonly string[] = SYSTEM_FIELD_NAMES,
  scope?: string,
): void {
  for (const [name, f] of Object.entries(fields ?? {})) checkField(c, name, f, [...path, name], table, reserved, scope);
}

function checkField(
  c: Checker,
  name: string,
  f: FieldSpec,
  path: YamlPath,
  table: boolean,
  reserved: readonly string[],
  scope?: string,
): void {
  if (!SNAKE.test(name)) c.report('bad-name', path, 'key', { what: 'field', name, expected: 'snake_case' });
  if (table && reserved.includes(name)) c.report('reserved-field', path, 'key', { name });

  for (const [key, types] of Object.entries(TYPE_KEYS) as [keyof FieldSpec, readonly FieldType[]][]) {
    if (f[key] !== undefined && !types.includes(f.type)) c.report('key-not-for-type', [...path, key], 'key', { name: key, type: f.type });
  }
  if (f.type === 'enum' && !f.values) c.report('missing-type-key', [...path, 'type'], 'value', { type: 'enum', name: 'values' });
  if (f.type === 'ref' && !f.to) c.report('missing-type-key', [...path, 'type'], 'value', { type: 'ref', name: 'to' });

  checkDefault(c, f, path);
  if (f.generate) checkGenerate(c, f, path, table ? (scope ?? 'company') : null);
  if (f.min !== undefined && f.max !== undefined && f.min > f.max)
    c.report('min-max', [...path, 'min'], 'value', { min: f.min, max: f.max });
  if (f.scale !== undefined && f.precision !== undefined && f.scale > f.precision) {
    c.report('scale-precision', [...path, 'scale'], 'value', { scale: f.scale, precision: f.precision });
  }

  if (f.type === 'ref' && f.to) {
    if (!resolveRef(c.service, c.module, f.to) && !isBrokenRef(c.service, c.module, f.to)) {
      c.report('unknown-ref', [...path, 'to'], 'value', { name: f.to }, didYouMean(f.to, refCandidates(c.service, c.module)));
    }
    if (f.on_delete === 'set_null' && !f.nullable) c.report('set-null-not-nullable', [...path, 'on_delete'], 'value');
  }

  if (f.search && !TEXT_TYPES.has(f.type)) c.report('search-not-for-type', [...path, 'search'], 'key', { type: f.type });
  for (const op of filterOps(f)) {
    const ok =
      f.type !== 'json' &&
      f.type !== 'file' &&
      (!['gte', 'lte', 'gt', 'lt'].includes(op) || ORDERED_TYPES.has(f.type)) &&
      (op !== 'icontains' || TEXT_TYPES.has(f.type));
    if (!ok) c.report('filter-not-for-type', [...path, 'filter'], 'value', { op, type: f.type });
  }
}

function checkDefault(c: Checker, f: FieldSpec, path: YamlPath): void {
  const d = f.default;
  if (d === undefined || d === null) return;
  const at = [...path, 'default'];
  if (f.type === 'enum') {
    if (f.values && !f.values.includes(String(d)))
      c.report('enum-default', at, 'value', { value: String(d) }, didYouMean(String(d), f.values));
    return;
  }
  const expected = DEFAULT_KINDS[f.type];
  if (expected && !expected.test(d)) c.report('default-type', at, 'value', { type: f.type, expected: expected.label });
}

const isString = (d: unknown) => typeof d === 'string';
const DEFAULT_KINDS: Partial<Record<FieldType, { label: string; test: (d: unknown) => boolean }>> = {
  string: { label: 'a string', test: isString },
  text: { label: 'a string', test: isString },
  email: { label: 'a string', test: isString },
  url: { label: 'a string', test: isString },
  uuid: { label: 'a string', test: isString },
  date: { label: 'a date string', test: (d) => isString(d) && /^\d{4}-\d{2}-\d{2}$/.test(d as string) },
  datetime: { label: 'a date-time string', test: isString },
  time: { label: 'a time string', test: (d) => isString(d) && /^\d{2}:\d{2}(:\d{2})?$/.test(d as string) },
  integer: { label: 'an integer', test: (d) => Number.isInteger(d) },
  decimal: {
    label: 'a number or numeric string',
    test: (d) => typeof d === 'number' || (isString(d) && /^-?\d+(\.\d+)?$/.test(d as string)),
  },
  boolean: { label: 'true or false', test: (d) => typeof d === 'boolean' },
  file: { label: 'absent (files have no default)', test: () => false },
};
