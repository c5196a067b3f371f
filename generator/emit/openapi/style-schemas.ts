/**
 * References and error responses of the OpenAPI document. The bodies themselves differ by service style
 * (generator/shared/style-conventions.ts); error bodies are shared component schemas and responses,
 * referenced by status.
 */
import type { JsonSchema } from '../../shared/json-schema.ts';
import type { StyleConventions } from '../../shared/style-conventions.ts';

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

const STATUS_NAMES: Readonly<Record<number, [string, string]>> = {
  400: ['BadRequest', 'The request failed validation.'],
  401: ['Unauthorized', 'Missing, invalid or expired credentials.'],
  403: ['Forbidden', 'The caller lacks the permission, membership or product subscription.'],
  404: ['NotFound', 'No such record in this tenant (on a list: no such page).'],
  409: ['Conflict', 'The request conflicts with existing data.'],
  413: ['PayloadTooLarge', 'The request body or an uploaded file is too large.'],
  415: ['UnsupportedMediaType', "The body's content type, charset or encoding is not accepted."],
  422: ['UnprocessableEntity', 'A business rule refused the request.'],
  429: ['TooManyRequests', 'Rate limit exceeded.'],
  503: ['ServiceUnavailable', 'A service this operation needs is not configured or not reachable.'],
};

/** Component response name for an error status. */
export function errorResponseName(status: number): string {
  return STATUS_NAMES[status]?.[0] ?? `Error${status}`;
}

/** The component response object for an error status. */
export function errorResponse(style: StyleConventions, status: number): JsonSchema {
  const description = STATUS_NAMES[status]?.[1] ?? `Error ${status}.`;
  const schemas = style.errorSchema(status).map(ref);
  return { description, content: { 'application/json': { schema: schemas.length === 1 ? schemas[0] : { anyOf: schemas } } } };
}
