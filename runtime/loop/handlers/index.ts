/**
 * Every action handler of the LOOP service. One object per module file; add a module by importing
 * its object and spreading it here. The registry satisfies the generated contract
 * (generated/loop/server/handlers.ts), so a missing or misspelt handler fails the type-check.
 */
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { authHandlers } from './auth.ts';
import { coreHandlers } from './core.ts';
import { aiHandlers } from './ai.ts';
import { chatHandlers } from './chat.ts';
import { docsHandlers } from './docs.ts';
import { filesHandlers } from './files.ts';
import { notificationsHandlers } from './notifications.ts';
import { bookingHandlers } from './booking.ts';
import { paymentsHandlers } from './payments.ts';
import { posHandlers } from './pos.ts';
import { attendanceHandlers } from './attendance.ts';
import { eventsHandlers } from './events.ts';
import { cmsHandlers } from './cms.ts';
import { protectorHandlers } from './protector.ts';

export const loopHandlers = {
  ...authHandlers,
  ...coreHandlers,
  ...aiHandlers,
  ...chatHandlers,
  ...docsHandlers,
  ...filesHandlers,
  ...notificationsHandlers,
  ...bookingHandlers,
  ...paymentsHandlers,
  ...posHandlers,
  ...attendanceHandlers,
  ...eventsHandlers,
  ...cmsHandlers,
  ...protectorHandlers,
} satisfies LoopHandlers;
