export type { HandlerRegistry, Runtime } from '../runtime-api.ts';
export type { RuntimeOptions as RuntimeOptionsLike } from '../create-runtime.ts';
