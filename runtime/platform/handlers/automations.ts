/** Handlers of spec/platform/automations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { automationWrites } from '../automation/automation-writes.ts';
import { runActions } from '../automation/runs.ts';
import { guardedDeletes } from '../dependencies/guarded-deletes.ts';
import { listChildren } from '../records/child-records.ts';
import { T } from '../tables.ts';

export const automationsHandlers = {
  'automations.create': automationWrites.create,
  'automations.delete': guardedDeletes.automations,
  'automations.listAutomationRuns': listChildren(
    { kind: 'automation_runs', parent: { param: 'automation_id' }, parentTable: T.automations },
    'runs',
  ),
  'automations.triggerAutomation': runActions.triggerAutomation,
  'automations.update': automationWrites.update,
} satisfies Partial<PlatformHandlers>;
