/**
 * Every action handler of the LOOP service. One object per module file; add a module by importing
 * its object and spreading it here.
 */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { authHandlers } from './auth.ts';
import { bookingHandlers } from './booking.ts';

export const loopHandlers: HandlerRegistry = {
  ...authHandlers,
  ...bookingHandlers,
};
