/**
 * Field normalisation: implicit (system) columns of each scope, and declared catalogue fields with
 * their SQL column, filter operators and resolved ref target.
 */
import { DEFAULT_CODE_LENGTH, DEFAULT_SEQUENCE_PAD } from './check-generate.ts';
import type { FieldSpec } from './meta-schema.ts';
import { resolveRef, type RawModule, type RawService } from './raw-catalogue.ts';
import type { YamlPath } from './yaml-source.ts';
import { FILTER_OPS, type FieldNode, type FieldType, type FilterOp, type GenerateSpec, type RefTarget } from '../ir/field-node.ts';
import type { IdStyle, Scope } from '../ir/resource-node.ts';
import type { SourceLocation } from '../ir/source-location.ts';
import { resourceId, tableName } from './normalise-names.ts';

/** Types whose values compare as text, so `search:` and `icontains` make sense. */
export const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'text', 'email', 'url', 'uuid', 'enum']);
/** Types with a natural order, so range filters make sense. */
export const ORDERED_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'decimal', 'date', 'datetime', 'time', 'string', 'email']);

/** Names every table may get implicitly; declaring one is an error. */
export const SYSTEM_FIELD_NAMES = ['id', 'company', 'workspace', 'created_at', 'updated_at', 'created_by', 'deleted_at'] as const;

export interface SystemFieldOptions {
  readonly service: string;
  readonly scope: Scope;
  readonly idStyle: IdStyle;
  readonly softDelete: boolean;
  readonly serviceIdStyle: IdStyle;
  /** `company` is nullable (rows outside any tenant, e.g. audit rows of logins). */
  readonly tenantOptional?: boolean;
  /** Ref target of `company` when the service has `core.companies`, else null (plain integer column). */
  readonly companies: RefTarget | null;
  readonly workspaces: RefTarget | null;
  /** `company`/`workspace` stay off the wire (never returned, accepted or filtered): the style's choice. */
  readonly hideTenancy?: boolean;
  readonly loc: SourceLocation;
}

/** Implicit columns in their fixed order: id, company, workspace, created_at, updated_at, created_by, deleted_at. */
export function systemFields(o: SystemFieldOptions): FieldNode[] {
  const userType: FieldType = o.serviceIdStyle === 'serial' ? 'integer' : 'string';
  const out: FieldNode[] = [system('id', 'id', o.idStyle === 'serial' ? 'integer' : 'string', o.loc, { required: true, orderable: true })];
  if (o.scope !== 'global') {
    const company = tenantRef('company', o.companies, !o.tenantOptional, true, o.loc);
    // Workspace is the one implicit column clients may set: optional for company scope, required for workspace scope.
    const workspace = tenantRef('workspace', o.workspaces, o.scope === 'workspace', false, o.loc);
    const hide = (f: FieldNode): FieldNode => (o.hideTenancy ? { ...f, readOnly: true, writeOnly: true, filter: [] } : f);
    out.push(hide(company), hide(workspace));
  }
  const range: FilterOp[] = ['gte', 'lte', 'gt', 'lt'];
  out.push(system('created_at', 'created_at', 'datetime', o.loc, { required: true, orderable: true, filter: range }));
  out.push(system('updated_at', 'updated_at', 'datetime', o.loc, { required: true, orderable: true, filter: range }));
  out.push(system('created_by', 'created_by', userType, o.loc, { nullable: true }));
  if (o.softDelete) out.push(system('deleted_at', 'deleted_at', 'datetime', o.loc, { nullable: true }));
  return out;
}

function tenantRef(name: string, target: RefTarget | null, required: boolean, readOnly: boolean, loc: SourceLocation): FieldNode {
  const nullable = !required;
  return system(name, `${name}_id`, target ? 'ref' : 'integer', loc, {
    required,
    nullable,
    readOnly,
    index: true,
    filter: readOnly ? [] : nullable ? ['exact', 'in', 'isnull'] : ['exact', 'in'],
    ...(target ? { ref: target } : {}),
  });
}

/** A field with every flag off but those given, for fields the loader makes itself (system columns, path parameters). */
export function plainField(name: string, column: string, type: FieldType, loc: SourceLocation, flags: Partial<FieldNode>): FieldNode {
  return {
    kind: 'field',
    name,
    column,
    type,
    system: false,
    required: false,
    nullable: false,
    unique: false,
    filter: [],
    search: false,
    orderable: false,
    readOnly: false,
    writeOnly: false,
    index: false,
    ...flags,
    loc,
  };
}

function system(name: string, column: string, type: FieldType, loc: SourceLocation, extra: Partial<FieldNode>): FieldNode {
  return plainField(name, column, type, loc, { system: true, readOnly: true, ...extra });
}

export interface FieldContext {
  readonly service: RawService;
  readonly module: RawModule;
  /** Path of the fields map in the module file, e.g. `['resources', 'services', 'fields']`. */
  readonly path: YamlPath;
  /** The resource's scope (resource fields only): sequences count per company on tenant tables by default. */
  readonly scope?: Scope;
}

export function declaredFields(fields: Readonly<Record<string, FieldSpec>> | undefined, ctx: FieldContext): FieldNode[] {
  return Object.entries(fields ?? {}).map(([name, f]) => declaredField(name, f, ctx));
}

export function declaredField(name: string, f: FieldSpec, ctx: FieldContext): FieldNode {
  // A resource column that no insert has to fill (not required, no default, not generated) holds NULL until
  // something sets it (its column is nullable, generator/emit/migration/snapshot.ts), so its value may be null.
  const unfilled = ctx.scope !== undefined && !f.required && f.default === undefined && !f.generate;
  const nullable = (f.nullable ?? false) || unfilled;
  const node: FieldNode = {
    kind: 'field',
    name,
    column: f.type === 'ref' ? `${name}_id` : name,
    type: f.type,
    system: false,
    required: f.required ?? false,
    nullable,
    ...(f.default !== undefined ? { default: f.default as FieldNode['default'] } : {}),
    ...(f.min !== undefined ? { min: f.min } : {}),
    ...(f.max !== undefined ? { max: f.max } : {}),
    unique: f.unique ?? false,
    filter: filterOps(f),
    search: f.search ?? false,
    orderable: f.order ?? false,
    readOnly: f.read_only ?? false,
    writeOnly: f.write_only ?? false,
    index: f.index ?? false,
    ...(f.values ? { enumValues: [...f.values] } : {}),
    ...(f.type === 'ref' && f.to ? refTarget(f, ctx) : {}),
    ...(f.precision !== undefined ? { precision: f.precision } : {}),
    ...(f.scale !== undefined ? { scale: f.scale } : {}),
    ...(f.renamed_from !== undefined ? { renamedFrom: f.renamed_from } : {}),
    ...(f.generate ? { generate: generateSpec(f.generate, ctx.scope ?? 'global') } : {}),
    ...(f.description !== undefined ? { description: f.description } : {}),
    ...(f.example !== undefined ? { example: f.example } : {}),
    loc: ctx.module.source.locate([...ctx.path, name]),
  };
  return node;
}

/** Fills the defaults: code length 8, no padding, sequences per company on tenant tables. */
function generateSpec(g: NonNullable<FieldSpec['generate']>, scope: Scope): GenerateSpec {
  if (g.kind === 'uuid') return { kind: 'uuid' };
  if (g.kind === 'code') return { kind: 'code', prefix: g.prefix ?? '', length: g.length ?? DEFAULT_CODE_LENGTH };
  return {
    kind: 'sequence',
    prefix: g.prefix ?? '',
    pad: g.pad ?? DEFAULT_SEQUENCE_PAD,
    per: g.per ?? (scope === 'global' ? 'global' : 'company'),
  };
}

function refTarget(f: FieldSpec, ctx: FieldContext): { ref: RefTarget } | object {
  const r = resolveRef(ctx.service, ctx.module, f.to!);
  if (!r) return {}; // reported by the checks; the normaliser only runs on a clean catalogue
  return {
    ref: {
      resource: resourceId(ctx.service.spec.service, r.module.spec.module, r.key),
      table: tableName(r.module.spec, r.key, r.resource),
      column: 'id',
      onDelete: f.on_delete ?? 'restrict',
    },
  };
}

/**
 * `filter: true` → exact+in (+isnull when nullable); `range` → exact and comparisons; a list is taken
 * as is. Searchable text fields that are filterable also get `icontains`. Always in FILTER_OPS order.
 */
export function filterOps(f: FieldSpec): FilterOp[] {
  let ops: FilterOp[] = [];
  if (f.filter === true) ops = ['exact', 'in', ...(f.nullable ? (['isnull'] as const) : [])];
  else if (f.filter === 'exact') ops = ['exact'];
  else if (f.filter === 'range') ops = ['exact', 'gte', 'lte', 'gt', 'lt'];
  else if (Array.isArray(f.filter)) ops = [...f.filter];
  if (ops.length && f.search && TEXT_TYPES.has(f.type)) ops.push('icontains');
  return FILTER_OPS.filter((o) => ops.includes(o));
}
