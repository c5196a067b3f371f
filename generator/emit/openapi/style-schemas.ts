/**
 * Envelopes and error bodies per service style (see style-conventions.ts for the choices).
 * Error bodies are shared component schemas and responses, referenced by status.
 */
import type { ServiceStyle } from '../../ir/index.ts';
import type { JsonSchema } from './field-schema.ts';

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

/** platform: `{success: true, data, request_id}` around every JSON success body. */
export function successEnvelope(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['success', 'data', 'request_id'],
    properties: { success: { const: true }, data, request_id: { type: 'string' } },
  };
}

/** The list page schema of a resource, per style. */
export function pageSchema(style: ServiceStyle, item: JsonSchema): JsonSchema {
  const results = { type: 'array', items: item };
  const nextCursor = { type: ['string', 'null'], description: 'Cursor of the next page; null on the last page.' };
  switch (style) {
    case 'drf':
      return {
        type: 'object',
        required: ['count', 'next', 'previous', 'results'],
        properties: {
          count: { type: 'integer', examples: [123] },
          next: { type: ['string', 'null'], format: 'uri' },
          previous: { type: ['string', 'null'], format: 'uri' },
          results,
        },
      };
    case 'roomloop':
      return { type: 'object', required: ['data'], properties: { data: results, next_cursor: nextCursor } };
    case 'platform':
      return successEnvelope({
        type: 'object',
        required: ['results', 'total'],
        properties: { results, total: { type: 'integer' }, next_cursor: nextCursor },
      });
  }
}

/** Names of the error component schemas a style defines, with their schemas. */
export function errorSchemas(style: ServiceStyle): Record<string, JsonSchema> {
  const codeMessage = {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  };
  switch (style) {
    case 'drf':
      return {
        // DRF ValidationError: each field (or `non_field_errors`) maps to its messages.
        ValidationError: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
          examples: [{ name: ['This field is required.'] }],
        },
        ErrorDetail: {
          type: 'object',
          required: ['detail'],
          properties: { detail: { type: 'string' }, code: { type: 'string' } },
        },
      };
    case 'roomloop':
      return {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['validation_error', 'slot_conflict', 'rule_violation'] },
                message: { type: 'string' },
                rule: { type: 'string', description: 'Failing rules-engine rule, e.g. `R-03`.' },
              },
            },
          },
        },
      };
    case 'platform':
      return {
        ErrorEnvelope: {
          type: 'object',
          required: ['success', 'error', 'request_id'],
          properties: { success: { const: false }, error: codeMessage, request_id: { type: 'string' } },
        },
      };
  }
}

const STATUS_NAMES: Readonly<Record<number, [string, string]>> = {
  400: ['BadRequest', 'The request failed validation.'],
  401: ['Unauthorized', 'Missing, invalid or expired credentials.'],
  403: ['Forbidden', 'The caller lacks the permission, membership or product subscription.'],
  404: ['NotFound', 'No such record in this tenant.'],
  409: ['Conflict', 'The request conflicts with existing data.'],
  413: ['PayloadTooLarge', 'The upload is too large.'],
  422: ['UnprocessableEntity', 'A business rule refused the request.'],
  429: ['TooManyRequests', 'Rate limit exceeded.'],
};

/** Component response name for an error status. */
export function errorResponseName(status: number): string {
  return STATUS_NAMES[status]?.[0] ?? `Error${status}`;
}

/** The component response object for an error status. */
export function errorResponse(style: ServiceStyle, status: number): JsonSchema {
  const description = STATUS_NAMES[status]?.[1] ?? `Error ${status}.`;
  const schema =
    style === 'drf' ? (status === 400 ? 'ValidationError' : 'ErrorDetail') : style === 'roomloop' ? 'Error' : 'ErrorEnvelope';
  return { description, content: { 'application/json': { schema: ref(schema) } } };
}
