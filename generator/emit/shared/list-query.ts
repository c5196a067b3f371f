/**
 * The query keys of a resource list besides pagination (generator/shared/style-conventions.ts): `search`,
 * `ordering`, `deleted` and one key per filter operator. The OpenAPI parameters, the Zod list-query
 * validator and the SDK's list query type all take their keys from here.
 */
import type { FieldNode, FilterOp, ResourceNode } from '../../ir/index.ts';

/** Query key of a filter: `status` for exact, `starts_at__gte` otherwise. */
export function filterKey(f: FieldNode, op: FilterOp): string {
  return op === 'exact' ? f.name : `${f.name}__${op}`;
}

/** Every `?ordering=` value: each orderable field ascending and descending, sorted. */
export function orderingValues(r: ResourceNode): string[] {
  return r.fields
    .filter((f) => f.orderable)
    .flatMap((f) => [f.name, `-${f.name}`])
    .sort();
}

export function searchable(r: ResourceNode): boolean {
  return r.fields.some((f) => f.search);
}

/** `?deleted=only|include` shows soft-deleted rows (to users allowed to restore them). */
export const DELETED_PARAM_VALUES = ['include', 'only'] as const;
