/**
 * How each service style speaks HTTP, as one record entry per style: the loader takes its defaults from
 * here and every emitter (OpenAPI, Zod, SDK) reads the same entry, so they agree with each other and with
 * the runtime's list handler and error renderer (runtime/http/styles/). Emitters select the entry once
 * (`STYLE_CONVENTIONS[service.style]`) and never compare style names; a new style is one more entry, and
 * the record does not compile without it.
 *
 * Choices, where the source documents are silent:
 * - drf (the LOOP API document): `?page=&page_size=`, page `{count, next, previous, results}`; bare bodies;
 *   DELETE answers 204; errors `{"field": ["msg"]}` (400) and `{detail, code}`. As DRF and django-filter do,
 *   unknown query parameters and unknown or read-only body fields are ignored, and messages use DRF's words.
 * - roomloop (the RoomLoop document gives no list example): keyset pages, `?limit=&cursor=`, page
 *   `{data: [...], next_cursor}` where `next_cursor` is null (or absent) on the last page; bare bodies;
 *   DELETE answers 204; errors `{error: {code, message, rule?}}`; every operation may answer 429 (rate
 *   limits apply per token). Unknown keys are refused (400 validation_error naming them), zod's words.
 * - platform (the platform document's lists use `limit`/`offset` and `cursor`, and wrap
 *   `{results, next_cursor, total}` in `data`): page `{success: true, data: {results, total, next_cursor},
 *   request_id}`; every JSON body is wrapped in `{success: true, data, request_id}`; DELETE answers 200
 *   with `data: null`; errors `{success: false, error: {code, message}, request_id}`. Unknown keys are refused.
 */
import type { ListShape, ServiceStyle } from '../ir/index.ts';
import type { JsonSchema } from './json-schema.ts';

/** Largest page a client may ask for (`page_size` / `limit`); runtime/http/paging.ts clamps to the same. */
export const MAX_PAGE_SIZE = 100;

export interface PaginationParam {
  readonly name: string;
  readonly type: 'integer' | 'string';
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

export interface StyleConventions {
  /** Whether paths end with a slash when the service does not say. */
  readonly trailingSlash: boolean;
  /**
   * Whether the tenancy columns (`company`, `workspace`) appear on the wire. The platform names its tenant
   * by the caller's key, so they stay in the database only: never returned, accepted or filtered.
   */
  readonly tenancyOnWire: boolean;
  /** Query keys that select a page of a list. */
  readonly pagination: readonly PaginationParam[];
  /** JSON success bodies come wrapped in `{success, data, request_id}` (the SDK hands back `data`). */
  readonly wrapsBodies: boolean;
  /** Success status of DELETE on an item: 204 without a body, or 200 with one. */
  readonly deleteStatus: 200 | 204;
  /** Error statuses every operation may answer with, besides its own. */
  readonly commonErrors: readonly number[];
  /** Error statuses every list may answer with besides the usual ones (DRF: 404 `Invalid page.` past the last page). */
  readonly listErrors: readonly number[];
  /**
   * Error statuses a public endpoint still answers: it checks what stands in for a key (credentials, an MFA
   * ticket, a reset token, a signed URL's signature) and refuses in the style's error body.
   */
  readonly publicErrors: readonly number[];
  /**
   * Error statuses of a write on a record named in the path besides 404: 409 when the record's state does not
   * allow it (a period that is not closed reopened, a void invoice voided again).
   */
  readonly recordWriteErrors: readonly number[];
  /**
   * What a request key the operation does not take does: `ignore` (Django REST framework and django-filter drop
   * unknown query parameters and unknown or read-only body fields) or `refuse` (400 naming the key).
   */
  readonly unknownKeys: 'ignore' | 'refuse';
  /**
   * Words of validation messages: `drf` says what Django REST framework says (`This field is required.`,
   * `A valid integer is required.`); `zod` keeps zod's own.
   */
  readonly messages: 'drf' | 'zod';
  /** OpenAPI schema of a list page, given the item schema. */
  pageSchema(item: JsonSchema): JsonSchema;
  /** SDK type of a list page (the JSON the SDK hands back), given the item type name. */
  pageType(item: string): string;
  /** OpenAPI component schemas of error bodies, by name. */
  readonly errorSchemas: Readonly<Record<string, JsonSchema>>;
  /** The error component schemas an error status answers with (more than one: any of them). */
  errorSchema(status: number): readonly string[];
}

/** platform: `{success: true, data, request_id}` around a JSON success body. */
export function successEnvelope(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['success', 'data', 'request_id'],
    properties: { success: { const: true }, data, request_id: { type: 'string' } },
  };
}

/**
 * OpenAPI schema of a list answer of the given shape (catalogue `list_shape:`): the style's page, or the
 * rows alone, or `{<named>: rows, total}` — wrapped in the envelope where the style wraps bodies.
 */
export function listSchema(style: StyleConventions, shape: ListShape, item: JsonSchema): JsonSchema {
  if (shape === 'page') return style.pageSchema(item);
  const body =
    shape === 'array'
      ? results(item)
      : { type: 'object', required: [shape.named, 'total'], properties: { [shape.named]: results(item), total: { type: 'integer' } } };
  return style.wrapsBodies ? successEnvelope(body) : body;
}

/** SDK type of a list answer of the given shape (what the SDK hands back), given the item type name. */
export function listType(style: StyleConventions, shape: ListShape, item: string): string {
  if (shape === 'page') return style.pageType(item);
  return shape === 'array' ? `${item}[]` : `{\n  ${shape.named}: ${item}[];\n  total: number;\n}`;
}

const pageSize = (name: string): PaginationParam => ({
  name,
  type: 'integer',
  min: 1,
  max: MAX_PAGE_SIZE,
  description: 'Number of results to return per page.',
});
const cursor: PaginationParam = { name: 'cursor', type: 'string', description: "Opaque cursor from the previous page's `next_cursor`." };
const nextCursor = { type: ['string', 'null'], description: 'Cursor of the next page; null on the last page.' };
const nextCursorType = '  /** Cursor of the next page; null on the last page. */\n  next_cursor?: string | null;';
const results = (item: JsonSchema) => ({ type: 'array', items: item });

export const STYLE_CONVENTIONS: Readonly<Record<ServiceStyle, StyleConventions>> = {
  // DRF PageNumberPagination and DRF's error bodies.
  drf: {
    trailingSlash: true,
    tenancyOnWire: true,
    pagination: [
      { name: 'page', type: 'integer', min: 1, description: 'A page number within the paginated result set.' },
      pageSize('page_size'),
    ],
    wrapsBodies: false,
    deleteStatus: 204,
    commonErrors: [],
    listErrors: [404],
    publicErrors: [],
    recordWriteErrors: [],
    unknownKeys: 'ignore',
    messages: 'drf',
    pageSchema: (item) => ({
      type: 'object',
      required: ['count', 'next', 'previous', 'results'],
      properties: {
        count: { type: 'integer', examples: [123] },
        next: { type: ['string', 'null'], format: 'uri' },
        previous: { type: ['string', 'null'], format: 'uri' },
        results: results(item),
      },
    }),
    pageType: (item) => `{\n  count: number;\n  next: string | null;\n  previous: string | null;\n  results: ${item}[];\n}`,
    errorSchemas: {
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
    },
    // A 400 is field errors, or `{detail, code}` when the body is not JSON at all (`parse_error`) or not a form.
    errorSchema: (status) => (status === 400 ? ['ValidationError', 'ErrorDetail'] : ['ErrorDetail']),
  },
  roomloop: {
    trailingSlash: false,
    tenancyOnWire: true,
    pagination: [pageSize('limit'), cursor],
    wrapsBodies: false,
    deleteStatus: 204,
    commonErrors: [429],
    listErrors: [],
    publicErrors: [],
    recordWriteErrors: [],
    unknownKeys: 'refuse',
    messages: 'zod',
    pageSchema: (item) => ({ type: 'object', required: ['data'], properties: { data: results(item), next_cursor: nextCursor } }),
    pageType: (item) => `{\n  data: ${item}[];\n${nextCursorType}\n}`,
    errorSchemas: {
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
    },
    errorSchema: () => ['Error'],
  },
  platform: {
    trailingSlash: false,
    tenancyOnWire: false,
    pagination: [pageSize('limit'), { name: 'offset', type: 'integer', min: 0, description: 'Number of results to skip.' }, cursor],
    wrapsBodies: true,
    deleteStatus: 200,
    commonErrors: [],
    listErrors: [],
    // The platform's public endpoints refuse a bad ticket or token with 401 and a bad URL signature with 403
    // (runtime/platform/auth/, runtime/platform/files/); its item actions answer 409 for a state conflict.
    publicErrors: [401, 403],
    recordWriteErrors: [409],
    unknownKeys: 'refuse',
    messages: 'zod',
    pageSchema: (item) =>
      successEnvelope({
        type: 'object',
        required: ['results', 'total'],
        properties: { results: results(item), total: { type: 'integer' }, next_cursor: nextCursor },
      }),
    // The SDK unwraps the envelope, so its page type is what sits in `data`.
    pageType: (item) => `{\n  results: ${item}[];\n  total: number;\n${nextCursorType}\n}`,
    errorSchemas: {
      ErrorEnvelope: {
        type: 'object',
        required: ['success', 'error', 'request_id'],
        properties: {
          success: { const: false },
          error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
          request_id: { type: 'string' },
        },
      },
    },
    errorSchema: () => ['ErrorEnvelope'],
  },
};
