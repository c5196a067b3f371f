/**
 * Action normalisation: paths, path parameters, handler and permission defaults, request/response shapes.
 * Operation ids are provisional here; normalise-unique.ts settles collisions across the service.
 */
import { camelCase, pascalCase } from '../shared/naming.ts';
import type { ActionSpec, ShapeSpec } from './meta-schema.ts';
import { joinPath, modulePath, resolveRef, type RawModule, type RawService } from './raw-catalogue.ts';
import type { YamlPath } from './yaml-source.ts';
import type { ActionNode, ActionTenancy } from '../ir/action-node.ts';
import type { FieldNode } from '../ir/field-node.ts';
import { declaredFields, plainField } from './normalise-fields.ts';
import { operationIdOf, pathParamNames, resourceId, sentence } from './normalise-names.ts';
import type { IdStyle, Scope } from '../ir/resource-node.ts';
import type { ShapeNode } from '../ir/shape-node.ts';
import type { SourceLocation } from '../ir/source-location.ts';

export interface ActionOwner {
  readonly service: RawService;
  readonly module: RawModule;
  readonly trailingSlash: boolean;
  readonly tag: string;
  /** Present for item/collection actions. */
  readonly resource?: { readonly key: string; readonly path: string; readonly idStyle: IdStyle; readonly scope: Scope };
  /** YAML path of the owning `actions` map. */
  readonly yamlPath: YamlPath;
}

export function normaliseAction(name: string, a: ActionSpec, owner: ActionOwner): ActionNode {
  const { service, module, resource } = owner;
  const yamlPath = [...owner.yamlPath, name];
  const loc = module.source.locate(yamlPath);
  const segment = a.path ?? name;
  const on = resource ? (a.on ?? 'item') : 'module';
  const bare =
    on === 'item'
      ? joinPath(resource!.path, '{id}', segment)
      : on === 'collection'
        ? joinPath(resource!.path, segment)
        : joinPath(modulePath(module.spec), segment);
  const path = owner.trailingSlash ? `${bare}/` : bare;
  const operationId = operationIdOf(bare);
  const fieldCtx = (sub: YamlPath) => ({ service, module, path: [...yamlPath, ...sub] });
  const node: ActionNode = {
    kind: 'action',
    name,
    method: a.method,
    on,
    ...(resource ? { resource: resourceId(service.spec.service, module.spec.module, resource.key) } : {}),
    path,
    pathParams: pathParamNames(bare).map((p) => pathParam(p, p === 'id' && on === 'item' ? resource!.idStyle : 'prefixed', loc)),
    handler: a.handler ?? `${module.spec.module}.${camelCase(name)}`,
    permission:
      a.public || a.permission === 'authenticated'
        ? null
        : (a.permission ?? `${module.spec.module}.${resource?.key ?? module.spec.module}.${name}`),
    public: a.public ?? false,
    access: a.public ? 'public' : a.permission === 'authenticated' ? 'authenticated' : 'permission',
    tenant: a.public ? 'none' : (a.tenant ?? defaultTenancy(owner)),
    query: declaredFields(a.query, fieldCtx(['query'])),
    request: shape(a.request, operationId, 'Request', owner, fieldCtx(['request'])),
    response: shape(a.response, operationId, 'Response', owner, fieldCtx(['response'])),
    status: a.status ?? 200,
    ...(a.also_status?.length ? { alsoStatus: [...new Set(a.also_status)].sort((x, y) => x - y) } : {}),
    errors: [...new Set(a.errors ?? [])].sort((x, y) => x - y),
    summary: a.summary ?? sentence(name),
    ...(a.description !== undefined ? { description: a.description } : {}),
    operationId,
    sdkName: camelCase(name),
    tag: owner.tag,
    loc,
  };
  return node;
}

/** Required for product modules and company/workspace resources, none otherwise (global resources, auth). */
function defaultTenancy(owner: ActionOwner): ActionTenancy {
  if (owner.resource) return owner.resource.scope === 'global' ? 'none' : 'required';
  return owner.module.spec.product ? 'required' : 'none';
}

/** The same action under a different operation id (object shape names follow the id). */
export function withOperationId(a: ActionNode, operationId: string): ActionNode {
  const rename = (s: ShapeNode, suffix: string): ShapeNode =>
    s.shape === 'object' || s.shape === 'multipart' ? { ...s, name: `${pascalCase(operationId)}${suffix}` } : s;
  return { ...a, operationId, request: rename(a.request, 'Request'), response: rename(a.response, 'Response') };
}

function pathParam(name: string, idStyle: IdStyle, loc: SourceLocation): FieldNode {
  return plainField(name, name, idStyle === 'serial' ? 'integer' : 'string', loc, { required: true });
}

function shape(
  s: ShapeSpec | undefined,
  operationId: string,
  suffix: 'Request' | 'Response',
  owner: ActionOwner,
  fieldCtx: { service: RawService; module: RawModule; path: YamlPath },
): ShapeNode {
  const name = `${pascalCase(operationId)}${suffix}`;
  if (!s) return { kind: 'shape', shape: 'empty' };
  const qualify = (to: string): string => {
    const r = resolveRef(owner.service, owner.module, to);
    return r ? resourceId(owner.service.spec.service, r.module.spec.module, r.key) : to;
  };
  if (s.fields) {
    const fields = declaredFields(s.fields, { ...fieldCtx, path: [...fieldCtx.path, 'fields'] });
    return { kind: 'shape', shape: 'object', name, fields, many: s.many ?? false };
  }
  if (s.resource) return { kind: 'shape', shape: 'resource', resource: qualify(s.resource), many: s.many ?? false };
  if (s.page) return { kind: 'shape', shape: 'page', resource: qualify(s.page) };
  if (s.file) return { kind: 'shape', shape: 'file', contentType: s.file };
  if (s.multipart) {
    const fields = declaredFields(s.multipart.fields, { ...fieldCtx, path: [...fieldCtx.path, 'multipart', 'fields'] });
    return { kind: 'shape', shape: 'multipart', name, fields };
  }
  return { kind: 'shape', shape: 'empty' };
}
