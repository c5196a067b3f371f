/**
 * `rt.crud.handler(d, op)`: a CRUD operation answered by a named handler (`handlers: { create:
 * core.createInternalApiKey }` in the catalogue) instead of the generic one. It runs through the
 * action plumbing (run-action.ts) with the operation's own validators, status, tenant preload and
 * transaction, and writes the operation's audit row itself — so a handler cannot forget it.
 *
 * Multipart: when the resource lists the operation under `multipart:`, a multipart/form-data body is
 * read; form fields are converted to the column types the validator expects and uploaded files reach
 * the handler as `a.files` (a file field of the resource is filled with the upload's filename, so a
 * required `file` field validates when the file is sent).
 */
import type { RequestHandler } from 'express';
import type { ActionDescriptor, ResourceDescriptor } from '../descriptor.ts';
import { runAction } from '../http/run-action.ts';
import type { ActionContext, ActionResult, CrudOperationName, HandlerRegistry } from '../runtime-api.ts';
import { type CrudDeps, diff } from './crud-deps.ts';
import { codecOf } from './row-codec.ts';

const METHOD: Readonly<Record<CrudOperationName, ActionDescriptor['method']>> = {
  list: 'GET',
  create: 'POST',
  retrieve: 'GET',
  update: 'PUT',
  partial_update: 'PATCH',
  delete: 'DELETE',
  restore: 'POST',
};
const STATUS: Readonly<Record<CrudOperationName, number>> = {
  list: 200,
  create: 201,
  retrieve: 200,
  update: 200,
  partial_update: 200,
  delete: 204,
  restore: 200,
};
const PERMISSION: Readonly<Record<CrudOperationName, 'view' | 'add' | 'change' | 'delete'>> = {
  list: 'view',
  create: 'add',
  retrieve: 'view',
  update: 'change',
  partial_update: 'change',
  delete: 'delete',
  restore: 'delete',
};

/** The operation as an action: what run-action needs to validate, preload and answer it. */
export function operationDescriptor(d: ResourceDescriptor, op: CrudOperationName, handler: string): ActionDescriptor {
  const body =
    op === 'create'
      ? d.validators.create
      : op === 'update'
        ? d.validators.update
        : op === 'partial_update'
          ? d.validators.partialUpdate
          : undefined;
  return {
    id: `${d.id}.${op}`,
    service: d.service,
    module: d.module,
    name: op,
    method: METHOD[op],
    // Restore targets a deleted row, which the live-row preload of item actions would not find.
    on: op === 'list' || op === 'create' || op === 'restore' ? 'collection' : 'item',
    resource: d,
    handler,
    permission: d.permissions[PERMISSION[op]],
    public: false,
    product: d.product,
    status: STATUS[op],
    validators: { query: op === 'list' ? d.validators.listQuery : undefined, body },
  };
}

/** Form fields arrive as strings: turn them into the JSON values the zod validator expects. */
function formCoercer(d: ResourceDescriptor) {
  const codec = codecOf(d);
  return (fields: Record<string, unknown>, files: readonly { field: string; filename: string }[]) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields)) {
      const col = codec.byName.get(name);
      out[name] = col && typeof value === 'string' ? coerce(col.type, value) : value;
    }
    for (const f of files) {
      if (codec.byName.get(f.field)?.type === 'file' && out[f.field] === undefined) out[f.field] = f.filename;
    }
    return out;
  };
}

function coerce(type: string, v: string): unknown {
  switch (type) {
    case 'integer':
    case 'ref':
      return /^-?\d{1,15}$/.test(v) ? Number(v) : v;
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    case 'json':
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    default:
      return v;
  }
}

/** Audit changes: only the resource's readable columns, never extra response fields (a one-time secret). */
function recordOf(d: ResourceDescriptor, body: unknown): Record<string, unknown> | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const codec = codecOf(d);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const col = codec.byName.get(k);
    if (col && !col.writeOnly) out[k] = v;
  }
  return out;
}

export function crudHandler(d: ResourceDescriptor, op: CrudOperationName, handlers: HandlerRegistry, deps: CrudDeps): RequestHandler {
  const name = d.handlers?.[op];
  if (!name) throw new Error(`${d.id}: no handler declared for "${op}" (catalogue handlers:)`);
  const action = operationDescriptor(d, op, name);
  const writes = METHOD[op] !== 'GET';
  const audited = op === 'partial_update' ? 'update' : op;
  return runAction(action, handlers, deps, {
    multipart: d.multipart?.includes(op) ?? false,
    coerceForm: formCoercer(d),
    after: writes
      ? async (a: ActionContext, result: ActionResult, loaded: Record<string, unknown> | null) => {
          const status = result.status ?? action.status;
          if (status >= 300) return;
          // The row as it was before the handler ran (item operations), so the diff says what changed
          // and a delete that answers no body still records what it removed.
          const before = loaded ? recordOf(d, loaded) : null;
          const answered = 'body' in result ? recordOf(d, result.body) : null;
          const record = op === 'delete' ? (answered ?? before) : answered;
          const id = (record?.id as string | number | undefined) ?? a.params.id ?? null;
          const changes = op === 'delete' ? diff(before ?? record, null) : diff(before, record);
          await a.audit({ action: audited, resource: d.id, recordId: id, changes, record });
        }
      : undefined,
  });
}
