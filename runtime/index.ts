/** Public surface of the runtime, for generated code, the CLI's `serve` and tests. */
export type * from './descriptor.ts';
export type * from './runtime-api.ts';
export type { AuthProvider } from './auth-provider.ts';
export { createRuntime, type CreateRuntimeArgs, type RuntimeOptions } from './create-runtime.ts';
export { createApp, type CreateAppOptions } from './http/create-app.ts';
export * from './http/api-error.ts';
export { toApiError, zodToFieldErrors } from './http/to-api-error.ts';
export { errorBody, sendError } from './http/render-error.ts';
export { sendJson } from './http/respond.ts';
export type { AuditEntry, AuditSink } from './crud/crud-deps.ts';
export { newId as prefixedId } from './security/random-ids.ts';
