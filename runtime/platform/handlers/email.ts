/** Handlers of spec/platform/email.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { emailFlowActions } from '../auth/email-flows.ts';

export const emailHandlers = {
  'email.sendEmail': emailFlowActions.sendEmail,
} satisfies Partial<PlatformHandlers>;
