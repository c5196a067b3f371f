export * from './rule-codes.ts';
export * from './rules-config.ts';
export * from './engine.ts';
export * from './dates.ts';
export * from './transitions.ts';
