/**
 * OpenAPI 3.1 emitter: one `generated/<service>/openapi.json` per service.
 * Pure: builds a plain object from the IR (like TypeSpec's getOpenAPI3) and prints it with
 * sorted paths and component names, so the same catalogue always gives the same bytes.
 */
import type { ServiceNode } from '../../ir/index.ts';
import type { EmitContext, GeneratedFile } from '../generated-file.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { addActionOperation, addResourceOperations, type OperationSink } from './operations.ts';
import { resourceSchemas } from './resource-schemas.ts';
import { securitySchemes } from './security.ts';
import { sortDocument } from './sort-document.ts';
import { errorResponse, errorResponseName } from './style-schemas.ts';

/** One tag per module (the IR names it, usually the module title), sorted; described by the module it comes from. */
function tags(service: ServiceNode): JsonSchema[] {
  const byName = new Map<string, string>();
  for (const m of service.modules) {
    const description = `Module \`${m.name}\`${m.product ? ` (product \`${m.product}\`)` : ''}.`;
    for (const t of [...m.resources.map((r) => r.tag), ...m.actions.map((a) => a.tag)]) {
      if (!byName.has(t)) byName.set(t, description);
    }
  }
  for (const a of service.actions) if (!byName.has(a.tag)) byName.set(a.tag, '');
  return [...byName.keys()].sort(compareStrings).map((name) => {
    const description = byName.get(name);
    return description ? { name, description } : { name };
  });
}

function tenancyParameters(service: ServiceNode): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  if (service.tenantHeader) {
    out.TenantHeader = {
      name: service.tenantHeader,
      in: 'header',
      required: false,
      description: 'Company code selecting the tenant (e.g. `001`); needed when the caller can reach more than one company.',
      schema: { type: 'string' },
    };
  }
  if (service.appHeader) {
    out.AppHeader = {
      name: service.appHeader,
      in: 'header',
      required: false,
      description: 'Identifies the calling app.',
      schema: { type: 'string' },
    };
  }
  return out;
}

/** The OpenAPI document of one service as a plain object. */
export function buildOpenApiDocument(service: ServiceNode): JsonSchema {
  const style = STYLE_CONVENTIONS[service.style];
  const sink: OperationSink = { service, style, paths: {}, schemas: {}, errorStatuses: new Set() };
  for (const r of service.resources) Object.assign(sink.schemas, resourceSchemas(r, service, style));
  for (const r of service.resources) addResourceOperations(sink, r);
  // service.actions holds resource and module actions alike.
  for (const a of service.actions) addActionOperation(sink, a);
  Object.assign(sink.schemas, style.errorSchemas);

  const responses: Record<string, JsonSchema> = {};
  for (const s of sink.errorStatuses) responses[errorResponseName(s)] = errorResponse(style, s);
  const schemes = securitySchemes(service);

  const doc: JsonSchema = {
    openapi: '3.1.0',
    info: {
      title: service.title,
      version: service.version,
      ...(service.description ? { description: service.description } : {}),
      'x-loopgen-source': service.sourceFile,
    },
    servers: [{ url: service.basePath }],
    tags: tags(service),
    security: Object.keys(schemes).map((name) => ({ [name]: [] })),
    paths: sink.paths,
    components: {
      schemas: sink.schemas,
      responses,
      parameters: tenancyParameters(service),
      securitySchemes: schemes,
    },
  };
  return sortDocument(doc);
}

/** Emits `generated/<service>/openapi.json` (2-space JSON, LF, final newline). */
export function emitOpenApi(service: ServiceNode, _ctx: EmitContext): GeneratedFile[] {
  const doc = buildOpenApiDocument(service);
  return [{ path: `generated/${service.name}/openapi.json`, contents: `${JSON.stringify(doc, null, 2)}\n` }];
}
