import type { ActionNode } from './action-node.ts';
import type { ResourceNode } from './resource-node.ts';
import type { SourceLocation } from './source-location.ts';

export interface ModuleNode {
  readonly kind: 'module';
  readonly service: string;
  /** Kebab-case module name, e.g. `autism-support`; core resources live in module `core`. */
  readonly name: string;
  readonly title: string;
  /** Product code gating the module, null when ungated. */
  readonly product: string | null;
  readonly resources: readonly ResourceNode[];
  /** Module-level actions (`booking/calendar/`), not tied to a resource. */
  readonly actions: readonly ActionNode[];
  /** The YAML file this module was read from, relative to the project root. */
  readonly sourceFile: string;
}
