/**
 * Handlers for endpoints that need something this server does not have: they answer 501
 * NOT_IMPLEMENTED with a code and a message that says exactly what would enable them, never a
 * pretend success. The messages live beside their entries in runtime/platform/handlers/<module>.ts.
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { notImplemented } from '../../http/api-error.ts';

export const unavailable =
  (code: string, message: string): ActionHandler =>
  async () => {
    throw notImplemented(message, code);
  };
