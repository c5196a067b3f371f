/** Object types (schemas) and their properties (docs/api/platform-api.txt, "Object Types"). */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { guardedDelete, rowsOf } from '../dependencies/confirm-delete.ts';
import { loadType } from '../objects/object-store.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { checkDefinition, type PropertySettings } from './property-definition.ts';
import { duplicateValues, type IndexedProperty, syncPropertyIndexes } from './property-sql.ts';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

function typeView(r: Record<string, unknown>) {
  return {
    id: r.id,
    tenant_id: tenantPublicId(r.company_id),
    name: r.name,
    display_name: r.display_name,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function propertyView(r: Record<string, unknown>) {
  return {
    id: r.id,
    object_type_id: r.object_type_id,
    name: r.name,
    data_type: r.data_type,
    is_indexed: r.is_indexed,
    is_sortable: r.is_sortable,
    is_unique: r.is_unique,
    is_required: r.is_required,
    default_value: parseJson(r.default_value) ?? null,
    enum_values: parseJson(r.enum_values) ?? null,
    description: r.description ?? null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function displayName(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

async function uniqueName(a: ActionContext, name: string, exceptId?: string) {
  const q = a.trx(T.objectTypes).where({ company_id: tenantOf(a), name });
  if (exceptId) q.whereNot({ id: exceptId });
  if (await q.first('id')) throw conflict(`An object type named "${name}" exists already.`, 'duplicate');
}

async function property(a: ActionContext) {
  const type = await loadType(a.trx, tenantOf(a), param(a, 'object_type_id'));
  const row = await a
    .trx(T.properties)
    .where({ id: param(a, 'property_id'), object_type_id: type.id, company_id: tenantOf(a) })
    .first();
  if (!row) throw notFound('Property not found.');
  return row;
}

/**
 * The property's indexes as its settings say, built in the request's transaction (CREATE INDEX, not
 * CONCURRENTLY, which cannot run in one): the property row and its indexes commit together.
 */
async function indexInTransaction(a: ActionContext, p: IndexedProperty): Promise<void> {
  if (p.is_unique && (await duplicateValues(a.trx, p)) > 0)
    throw conflict(`Objects of this type already hold equal values of "${p.name}"; make them unique first.`, 'duplicate_values');
  await syncPropertyIndexes(a.trx, p.id, p);
}

export const objectTypeActions = {
  create: async (a) => {
    const b = bodyOf(a);
    const name = String(b.name ?? '');
    if (!NAME.test(name)) throw validation({ name: ['must start with a letter and use only a-z, 0-9 and _ (max 63)'] });
    await uniqueName(a, name);
    const id = newId('ot');
    await a.trx(T.objectTypes).insert({
      id,
      company_id: tenantOf(a),
      name,
      display_name: (b.display_name as string) ?? displayName(name),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: typeView(await a.trx(T.objectTypes).where({ id }).first()) };
  },
  update: async (a) => {
    const type = await loadType(a.trx, tenantOf(a), param(a, 'id'));
    const b = bodyOf(a);
    const patch: Record<string, unknown> = { updated_at: a.trx.fn.now() };
    if (b.name !== undefined) {
      if (!NAME.test(String(b.name))) throw validation({ name: ['must start with a letter and use only a-z, 0-9 and _ (max 63)'] });
      await uniqueName(a, String(b.name), type.id);
      patch.name = b.name;
    }
    if (b.display_name !== undefined) patch.display_name = b.display_name;
    await a.trx(T.objectTypes).where({ id: type.id }).update(patch);
    return { body: typeView(await a.trx(T.objectTypes).where({ id: type.id }).first()) };
  },
  /** Objects, properties and per-type records (policies, views, workflows) depend on a type. */
  delete: async (a) => {
    const tenant = tenantOf(a);
    const type = await loadType(a.trx, tenant, param(a, 'id'));
    const props: { id: string }[] = await a.trx(T.properties).where({ object_type_id: type.id, company_id: tenant }).select('id');
    const refused = await guardedDelete(a, {
      resource: 'object-types',
      recordId: type.id,
      dependents: [
        rowsOf(T.objects, 'object_type_id', type.id, tenant, 'objects', 'Objects'),
        rowsOf(T.properties, 'object_type_id', type.id, tenant, 'properties', 'Properties'),
        rowsOf(T.records, 'parent_id', type.id, tenant, 'type_settings', 'Policies, views and workflows'),
      ],
      remove: async (trx) => {
        // The property rows go first (as dependents, or by ON DELETE CASCADE); their indexes go here, in the same transaction.
        for (const p of props) await syncPropertyIndexes(trx, p.id, null);
        await trx(T.objectTypes).where({ id: type.id, company_id: tenant }).delete();
      },
    });
    return refused ?? { body: { id: type.id, deleted: true } };
  },
  listProperties: async (a) => {
    const type = await loadType(a.trx, tenantOf(a), param(a, 'object_type_id'));
    const rows = await a
      .trx(T.properties)
      .where({ object_type_id: type.id, company_id: tenantOf(a) })
      .orderBy('created_at')
      .orderBy('id');
    return { body: rows.map(propertyView) };
  },
  createProperty: async (a) => {
    const tenant = tenantOf(a);
    const type = await loadType(a.trx, tenant, param(a, 'object_type_id'));
    const b = bodyOf(a);
    const name = String(b.name ?? '');
    // Non-boolean flags are reported by checkDefinition before anything is written.
    const flag = (k: string) => (b[k] ?? false) as boolean;
    const settings: PropertySettings = {
      data_type: String(b.data_type ?? 'string'),
      is_indexed: flag('is_indexed'),
      is_sortable: flag('is_sortable'),
      is_unique: flag('is_unique'),
      is_required: flag('is_required'),
      enum_values: b.enum_values ?? null,
      default_value: b.default_value ?? null,
    };
    const { errors, default_value } = checkDefinition(settings, b);
    if (!NAME.test(name)) errors.name = ['must start with a letter and use only a-z, 0-9 and _ (max 63)'];
    if (Object.keys(errors).length) throw validation(errors);
    if (await a.trx(T.properties).where({ object_type_id: type.id, name }).first('id'))
      throw conflict(`Property "${name}" exists already.`, 'duplicate');
    const id = newId('prop');
    await a.trx(T.properties).insert({
      id,
      company_id: tenant,
      object_type_id: type.id,
      name,
      ...settings,
      default_value: default_value === null ? null : JSON.stringify(default_value),
      enum_values: settings.enum_values === null ? null : JSON.stringify(settings.enum_values),
      description: (b.description as string) ?? null,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    // Leftover values of an earlier property of this name may repeat: refuse rather than fail the index.
    await indexInTransaction(a, { id, object_type_id: type.id, name, ...settings });
    return { status: 201, body: propertyView(await a.trx(T.properties).where({ id }).first()) };
  },
  /** Name and data_type cannot change (seed); flags, default and description can. Indexes follow the flags. */
  updateProperty: async (a) => {
    const row = await property(a);
    const b = bodyOf(a);
    const next = { ...row, enum_values: parseJson(row.enum_values) ?? null, default_value: parseJson(row.default_value) ?? null };
    for (const k of ['is_indexed', 'is_sortable', 'is_unique', 'is_required', 'enum_values', 'default_value'])
      if (b[k] !== undefined) next[k] = b[k];
    const { errors, default_value } = checkDefinition(next, b);
    if (Object.keys(errors).length) throw validation(errors);
    const patch: Record<string, unknown> = { updated_at: a.trx.fn.now() };
    for (const k of ['is_indexed', 'is_sortable', 'is_unique', 'is_required', 'description']) if (b[k] !== undefined) patch[k] = b[k];
    if (b.default_value !== undefined) patch.default_value = default_value === null ? null : JSON.stringify(default_value);
    if (b.enum_values !== undefined) patch.enum_values = b.enum_values === null ? null : JSON.stringify(b.enum_values);
    await a.trx(T.properties).where({ id: row.id }).update(patch);
    await indexInTransaction(a, next as IndexedProperty);
    return { body: propertyView(await a.trx(T.properties).where({ id: row.id }).first()) };
  },
  deleteProperty: async (a) => {
    const row = await property(a);
    await a.trx(T.properties).where({ id: row.id }).delete();
    // Values stay in the objects, untyped (seed); the indexes over them go with the property.
    await syncPropertyIndexes(a.trx, row.id, null);
    return { body: { deleted: true } };
  },
} satisfies Record<string, ActionHandler>;
