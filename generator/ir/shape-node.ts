import type { FieldNode } from './field-node.ts';

/**
 * The body of an action's request or response.
 * - `resource`: one record of a catalogue resource (its read shape).
 * - `page`: a paginated list of a resource, in the service's list envelope.
 * - `object`: an inline object with declared fields (may nest `items` for arrays via `json`).
 * - `file`: a binary download with a content type.
 * - `empty`: no body (204 or a bare acknowledgement).
 */
export type ShapeNode =
  | { readonly kind: 'shape'; readonly shape: 'resource'; readonly resource: string; readonly many: boolean }
  | { readonly kind: 'shape'; readonly shape: 'page'; readonly resource: string }
  | {
      readonly kind: 'shape';
      readonly shape: 'object';
      readonly name: string;
      readonly fields: readonly FieldNode[];
      readonly many: boolean;
    }
  | { readonly kind: 'shape'; readonly shape: 'file'; readonly contentType: string }
  | { readonly kind: 'shape'; readonly shape: 'multipart'; readonly name: string; readonly fields: readonly FieldNode[] }
  | { readonly kind: 'shape'; readonly shape: 'empty' };
