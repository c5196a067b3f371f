/** The parts of an OpenAPI 3.1 document the diff reads (loose: documents come from any version of loopgen). */

export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  /** A request field's default, where `default` itself would make typed clients require the field. */
  readonly 'x-default'?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly readOnly?: boolean;
  readonly writeOnly?: boolean;
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly additionalProperties?: boolean | Schema;
}

export interface Parameter {
  readonly $ref?: string;
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
}

export interface MediaMap {
  readonly [mediaType: string]: { readonly schema?: Schema };
}

export interface RequestBody {
  readonly $ref?: string;
  readonly required?: boolean;
  readonly content?: MediaMap;
}

export interface Response {
  readonly $ref?: string;
  readonly content?: MediaMap;
}

export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: RequestBody;
  readonly responses?: Readonly<Record<string, Response>>;
  readonly security?: readonly SecurityRequirement[];
  readonly 'x-permission'?: string;
}

export interface OpenApiDocument {
  readonly servers?: readonly { readonly url: string }[];
  readonly security?: readonly SecurityRequirement[];
  readonly paths?: Readonly<Record<string, Readonly<Record<string, Operation | unknown>>>>;
  readonly components?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Follows local `#/components/…` references (a few hops at most). */
export function resolve<T extends { readonly $ref?: string }>(doc: OpenApiDocument, node: T | undefined): T | undefined {
  let n: unknown = node;
  for (let i = 0; i < 8 && n && typeof n === 'object' && typeof (n as { $ref?: unknown }).$ref === 'string'; i++) {
    const parts = (n as { $ref: string }).$ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    n = parts.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc);
  }
  return n as T | undefined;
}
