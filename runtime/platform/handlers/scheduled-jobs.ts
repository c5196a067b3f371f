/** Handlers of spec/platform/scheduled-jobs.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { runActions } from '../automation/runs.ts';

export const scheduledJobsHandlers: HandlerRegistry = {
  'scheduled-jobs.executeScheduledJob': runActions.executeScheduledJob,
};
