/**
 * Query parameters of a list endpoint: pagination (per style), `search`, `ordering`,
 * `deleted` for soft-deleted resources, `format`, and one parameter per filter operator.
 * The Zod list-query validator accepts exactly these keys (see emit/shared/list-query.ts).
 */
import type { FieldNode, FilterOp, ResourceNode, ServiceNode } from '../../ir/index.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { compareStrings } from '../../shared/ordering.ts';
import type { StyleConventions } from '../../shared/style-conventions.ts';
import { DELETED_PARAM_VALUES, filterKey, orderingValues, searchable } from '../shared/list-query.ts';
import { fieldSchema } from './field-schema.ts';

const OP_DESCRIPTIONS: Record<FilterOp, string> = {
  exact: 'equals',
  in: 'is one of (comma-separated list)',
  gte: 'is greater than or equal to',
  lte: 'is less than or equal to',
  gt: 'is greater than',
  lt: 'is less than',
  icontains: 'contains (case-insensitive)',
  isnull: 'is null (true) or not null (false)',
};

function filterSchema(f: FieldNode, op: FilterOp, service: ServiceNode): JsonSchema {
  const base = fieldSchema({ ...f, nullable: false, description: undefined, example: undefined }, { service, direction: 'query' });
  switch (op) {
    case 'isnull':
      return { type: 'boolean' };
    case 'icontains':
      return { type: 'string' };
    case 'in':
      return { type: 'array', items: base };
    default:
      return base;
  }
}

export function listParameters(r: ResourceNode, service: ServiceNode, style: StyleConventions): JsonSchema[] {
  const params: JsonSchema[] = style.pagination.map((p) => {
    const schema: JsonSchema = { type: p.type };
    if (p.min !== undefined) schema.minimum = p.min;
    if (p.max !== undefined) schema.maximum = p.max;
    return { name: p.name, in: 'query', required: false, description: p.description, schema };
  });
  if (searchable(r)) {
    const cols = r.fields
      .filter((f) => f.search)
      .map((f) => f.name)
      .join(', ');
    params.push({
      name: 'search',
      in: 'query',
      required: false,
      description: `A search term (matches ${cols}).`,
      schema: { type: 'string' },
    });
  }
  const ordering = orderingValues(r);
  if (ordering.length > 0) {
    params.push({
      name: 'ordering',
      in: 'query',
      required: false,
      description: 'Which field to use when ordering the results (`-` for descending; several may be joined with commas).',
      schema: { type: 'string', enum: ordering },
    });
  }
  if (r.softDelete) {
    params.push({
      name: 'deleted',
      in: 'query',
      required: false,
      description: 'Include soft-deleted records (`include`) or list only them (`only`).',
      schema: { type: 'string', enum: [...DELETED_PARAM_VALUES] },
    });
  }
  for (const f of r.fields) {
    for (const op of f.filter) {
      const p: JsonSchema = {
        name: filterKey(f, op),
        in: 'query',
        required: false,
        description: `Only records whose \`${f.name}\` ${OP_DESCRIPTIONS[op]} the value.`,
        schema: filterSchema(f, op, service),
      };
      // `?x__in=a,b`: OpenAPI's form style without explode is exactly a comma list.
      if (op === 'in') Object.assign(p, { style: 'form', explode: false });
      params.push(p);
    }
  }
  return params.sort((a, b) => compareStrings(String(a.name), String(b.name)));
}
