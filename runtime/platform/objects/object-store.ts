/**
 * Dynamic objects live in one table, pf_objects (company_id, object_type_id, properties jsonb,
 * version, deleted_at), validated against pf_properties on every write.
 *
 * Why jsonb rather than a real table per object type: object types and properties change at run time
 * through the API; per-type tables would need DDL (locks, migrations outside the generated chain) on
 * live requests and multiply tables by tenants. jsonb keeps every tenant's schema change a row
 * change. Typed reads and the expression indexes of `is_indexed`/`is_sortable`/`is_unique` properties
 * are in property-sql.ts (docs/platform-properties.md).
 */
import type { Knex } from 'knex';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { type PropertyDef, validateProperties } from './validate-properties.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { propertyType, UNIQUE_KINDS } from './property-types.ts';
import { valueExpr } from './property-sql.ts';

export interface ObjectTypeRow {
  readonly id: string;
  readonly name: string;
  readonly display_name: string | null;
}

/** jsonb arrives parsed from both drivers. */
const json = (v: unknown): any => v;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

/** By id (`ot_…`) or by name (`contacts`), within the tenant. */
export async function loadType(db: Knex, companyId: number, idOrName: string): Promise<ObjectTypeRow> {
  const row = await db(T.objectTypes)
    .where({ company_id: companyId })
    .andWhere((q) => q.where({ id: idOrName }).orWhere({ name: idOrName }))
    .first('id', 'name', 'display_name');
  if (!row) throw notFound('Object type not found.');
  return row;
}

export async function propertiesOf(db: Knex, typeId: string): Promise<PropertyDef[]> {
  const rows = await db(T.properties).where({ object_type_id: typeId }).orderBy('name');
  return rows.map((r) => ({ ...r, enum_values: json(r.enum_values), default_value: json(r.default_value) }));
}

export function objectView(row: Record<string, unknown>): Record<string, unknown> {
  return {
    id: row.id,
    object_type_id: row.object_type_id,
    tenant_id: tenantPublicId(row.company_id),
    properties: json(row.properties) ?? {},
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    created_by: row.created_by ?? null,
    version: Number(row.version),
    is_deleted: row.deleted_at != null,
    ...(row.deleted_at != null ? { deleted_at: iso(row.deleted_at) } : {}),
  };
}

export function objects(db: Knex, companyId: number, typeId: string): Knex.QueryBuilder {
  return db(T.objects).where({ company_id: companyId, object_type_id: typeId });
}

export async function loadObject(
  db: Knex,
  companyId: number,
  typeId: string,
  id: string,
  deleted = false,
): Promise<Record<string, unknown>> {
  const q = objects(db, companyId, typeId).where({ id });
  const row = await (deleted ? q.whereNotNull('deleted_at') : q.whereNull('deleted_at')).first();
  if (!row) throw notFound('Object not found.');
  return row;
}

export async function insertObject(
  db: Knex,
  companyId: number,
  type: ObjectTypeRow,
  input: unknown,
  createdBy: string | null,
): Promise<Record<string, unknown>> {
  const defs = await propertiesOf(db, type.id);
  const { value, errors } = validateProperties(defs, input, false);
  await checkReferences(db, companyId, defs, value, errors);
  if (Object.keys(errors).length) throw validation(errors, 'Object properties are not valid for this object type.');
  await checkUnique(db, companyId, type.id, defs, value, null);
  const id = newId('obj');
  await db(T.objects).insert({
    id,
    company_id: companyId,
    object_type_id: type.id,
    properties: JSON.stringify(value),
    version: 1,
    created_by: createdBy,
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  return loadObject(db, companyId, type.id, id);
}

/** Merges `input` into the object's properties, bumps version and keeps the previous state in pf_object_versions. */
export async function updateObject(
  db: Knex,
  companyId: number,
  type: ObjectTypeRow,
  id: string,
  input: unknown,
  by: string | null,
): Promise<Record<string, unknown>> {
  const before = await loadObject(db, companyId, type.id, id);
  const defs = await propertiesOf(db, type.id);
  const { value, errors } = validateProperties(defs, input, true);
  await checkReferences(db, companyId, defs, value, errors);
  if (Object.keys(errors).length) throw validation(errors, 'Object properties are not valid for this object type.');
  await checkUnique(db, companyId, type.id, defs, value, id);
  const merged = { ...(json(before.properties) ?? {}), ...value };
  await db(T.objectVersions).insert({
    id: newId('ov'),
    company_id: companyId,
    object_id: id,
    version: Number(before.version),
    properties: JSON.stringify(json(before.properties) ?? {}),
    created_by: by,
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  await db(T.objects)
    .where({ id, company_id: companyId })
    .update({ properties: JSON.stringify(merged), version: Number(before.version) + 1, updated_at: db.fn.now() });
  return loadObject(db, companyId, type.id, id);
}

/** `reference` and `file` values name a live object / file of the same tenant. */
async function checkReferences(
  db: Knex,
  companyId: number,
  defs: readonly PropertyDef[],
  value: Record<string, unknown>,
  errors: Record<string, string[]>,
) {
  for (const d of defs) {
    const target = propertyType(d.data_type)?.refersTo;
    const id = value[d.name];
    if (!target || typeof id !== 'string' || errors[`properties.${d.name}`]) continue;
    const table = target === 'objects' ? T.objects : T.files;
    const found = await db(table).where({ company_id: companyId, id }).whereNull('deleted_at').first('id');
    if (!found) errors[`properties.${d.name}`] = [`names no ${target === 'objects' ? 'object' : 'file'} of this tenant`];
  }
}

/**
 * A friendly 400 before the unique index (property-sql.ts) would refuse the write: equal values compare
 * as the type does (1 and 1.0 are the same number).
 */
async function checkUnique(
  db: Knex,
  companyId: number,
  typeId: string,
  defs: readonly PropertyDef[],
  value: Record<string, unknown>,
  exceptId: string | null,
) {
  for (const d of defs) {
    if (!d.is_unique || value[d.name] === undefined || value[d.name] === null) continue;
    const kind = propertyType(d.data_type)?.kind;
    const q = objects(db, companyId, typeId).whereNull('deleted_at');
    if (kind && UNIQUE_KINDS.has(kind)) {
      const cast = kind === 'numeric' ? '::numeric' : kind === 'boolean' ? '::boolean' : '';
      const v = value[d.name];
      q.whereRaw(`${valueExpr(kind, d.name)} = ?${cast}`, [typeof v === 'boolean' ? v : String(v)]);
    } else q.whereRaw('properties->>? = ?', [d.name, String(value[d.name])]);
    if (exceptId) q.whereNot({ id: exceptId });
    if (await q.first('id')) throw validation({ [`properties.${d.name}`]: ['must be unique within the object type'] });
  }
}
