/**
 * Component schemas of one resource, named by `schemaNames()` (the SDK uses the same names):
 * read shape, create and update bodies (update is a full replace, so it equals create),
 * the PATCH body (all optional) and the list page.
 */
import type { ResourceNode, ServiceNode } from '../../ir/index.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { listSchema, type StyleConventions } from '../../shared/style-conventions.ts';
import { schemaNames } from '../names.ts';
import { readableFields, writableFields } from '../shared/fields.ts';
import { objectSchema } from './field-schema.ts';
import { ref } from './style-schemas.ts';

export function resourceSchemas(r: ResourceNode, service: ServiceNode, style: StyleConventions): Record<string, JsonSchema> {
  const names = schemaNames(r);
  const read = objectSchema(readableFields(r), { service, direction: 'read' }, (f) => !f.nullable);
  if (r.summary) read.description = r.summary;
  const write = writableFields(r);
  const out: Record<string, JsonSchema> = { [names.read]: read, [names.page]: listSchema(style, r.listShape, ref(names.read)) };
  // Operations that take multipart/form-data (uploads) describe file fields as binary parts.
  const direction = (op: 'create' | 'update') => (r.multipart.includes(op) ? 'multipart' : 'write');
  if (r.operations.includes('create')) {
    out[names.create] = objectSchema(write, { service, direction: direction('create') }, (f) => f.required);
  }
  if (r.operations.includes('update')) {
    out[names.update] = objectSchema(write, { service, direction: direction('update') }, (f) => f.required);
  }
  if (r.operations.includes('partial_update')) {
    // A field left out of a PATCH keeps its value: no default applies.
    out[names.partialUpdate] = objectSchema(
      write.map((f) => ({ ...f, default: undefined })),
      { service, direction: 'write' },
      () => false,
    );
  }
  return out;
}
