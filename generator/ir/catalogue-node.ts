import type { ServiceNode } from './service-node.ts';

/** The whole validated, normalised catalogue: the only input emitters read. */
export interface CatalogueNode {
  readonly kind: 'catalogue';
  /** Sorted by name. */
  readonly services: readonly ServiceNode[];
}
