/** Handlers of spec/platform/scheduled-jobs.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { runActions } from '../automation/runs.ts';

export const scheduledJobsHandlers = {
  'scheduled-jobs.executeScheduledJob': runActions.executeScheduledJob,
} satisfies Partial<PlatformHandlers>;
