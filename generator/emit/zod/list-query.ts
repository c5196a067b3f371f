/**
 * Entries of a resource's list-query validator: exactly the keys the OpenAPI list operation
 * documents (openapi/list-parameters.ts), coerced from strings.
 */
import type { FieldNode, FilterOp, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { DELETED_PARAM_VALUES, filterKey, searchable } from '../shared/list-query.ts';
import { quote } from '../shared/print-literal.ts';
import { fieldValidator } from './field-validator.ts';

function filterCode(f: FieldNode, op: FilterOp, service: ServiceNode): string {
  const plain = { ...f, nullable: false };
  const value = fieldValidator(plain, { service, mode: 'form' }, false);
  switch (op) {
    case 'isnull':
      return 'z.stringbool().optional()';
    case 'icontains':
      return 'z.string().regex(NO_NUL, NUL_MESSAGE).optional()';
    case 'in':
      // `?status__in=pending,confirmed`: split the comma list, then check each item.
      return `z.string().transform((v) => v.split(',')).pipe(z.array(${value})).optional()`;
    default:
      return `${value}.optional()`;
  }
}

export function listQueryEntries(r: ResourceNode, service: ServiceNode): [string, string][] {
  const entries: [string, string][] = STYLE_CONVENTIONS[service.style].pagination.map((p) => {
    // No `.max()`: a page size above MAX_PAGE_SIZE is clamped by the runtime, as DRF does, not refused.
    const code = p.type === 'integer' ? `z.coerce.number<string>().int()${p.min !== undefined ? `.min(${p.min})` : ''}` : 'z.string()';
    return [p.name, `${code}.optional()`];
  });
  if (searchable(r)) entries.push(['search', 'z.string().regex(NO_NUL, NUL_MESSAGE).optional()']);
  const orderable = r.fields
    .filter((f) => f.orderable)
    .map((f) => f.name)
    .sort(compareStrings);
  if (orderable.length > 0) {
    // `?ordering=name,-created_at`: the runtime orders by several fields, each optionally descending.
    const names = `[${orderable.map(quote).join(', ')}]`;
    entries.push([
      'ordering',
      `z.string().refine((v) => v.split(',').every((k) => ${names}.includes(k.trim().replace(/^-/, ''))), { message: ${quote(`Choices are: ${orderable.join(', ')}.`)} }).optional()`,
    ]);
  }
  if (r.softDelete) entries.push(['deleted', `z.enum([${DELETED_PARAM_VALUES.map(quote).join(', ')}]).optional()`]);
  for (const f of r.fields) for (const op of f.filter) entries.push([filterKey(f, op), filterCode(f, op, service)]);
  return entries.sort((a, b) => compareStrings(a[0], b[0]));
}
