/** Handlers of spec/platform/scheduled-jobs.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { runActions } from '../automation/runs.ts';
import { listChildren } from '../records/child-records.ts';
import { jobActions } from '../scheduled-jobs/job-actions.ts';
import { T } from '../tables.ts';

export const scheduledJobsHandlers = {
  'scheduled-jobs.create': jobActions.create,
  'scheduled-jobs.update': jobActions.update,
  'scheduled-jobs.executeScheduledJob': runActions.executeScheduledJob,
  'scheduled-jobs.listJobRuns': listChildren({ kind: 'job_runs', parent: { param: 'job_id' }, parentTable: T.scheduledJobs }, 'runs'),
} satisfies Partial<PlatformHandlers>;
