/** Handlers of spec/platform/email.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { emailFlowActions } from '../auth/email-flows.ts';

export const emailHandlers: HandlerRegistry = {
  'email.sendEmail': emailFlowActions.sendEmail,
};
