/** Handlers of spec/platform/workflows.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { approvalActions } from '../objects/approvals.ts';
import { childCrud, ofObjectType } from '../records/child-records.ts';

const workflows = childCrud(ofObjectType('workflows', 'workflow_id'));

export const workflowsHandlers = {
  'workflows.approveObject': approvalActions.approveObject,
  'workflows.createWorkflow': workflows.create,
  'workflows.deleteWorkflow': workflows.remove,
  'workflows.getWorkflowStatus': approvalActions.getWorkflowStatus,
  'workflows.listWorkflows': workflows.list,
  'workflows.rejectObject': approvalActions.rejectObject,
  'workflows.submitForReview': approvalActions.submitForReview,
  'workflows.updateWorkflow': workflows.update,
} satisfies Partial<PlatformHandlers>;
