export * from './source-location.ts';
export * from './field-node.ts';
export * from './shape-node.ts';
export * from './action-node.ts';
export * from './resource-node.ts';
export * from './raw-sql-node.ts';
export * from './module-node.ts';
export * from './service-node.ts';
export * from './catalogue-node.ts';

/** Tag of every IR node; a dispatch table `Record<IrKind, …>` must cover them all. */
export type IrKind = 'catalogue' | 'service' | 'module' | 'resource' | 'field' | 'action' | 'shape' | 'product' | 'raw_sql';
