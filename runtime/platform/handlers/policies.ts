/** Handlers of spec/platform/policies.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { childCrud, ofObjectType } from '../records/child-records.ts';

const policies = childCrud(ofObjectType('policies', 'policy_id'));

export const policiesHandlers = {
  'policies.createAccessPolicy': policies.create,
  'policies.deleteAccessPolicy': policies.remove,
  'policies.listAccessPolicies': policies.list,
  'policies.updateAccessPolicy': policies.update,
} satisfies Partial<PlatformHandlers>;
