/** Handlers of spec/platform/associations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { associationActions } from '../objects/associations.ts';

export const associationsHandlers = {
  'associations.createOrUpdateAssociation': associationActions.createOrUpdateAssociation,
  'associations.deleteAssociation': associationActions.deleteAssociation,
  'associations.listAssociations': associationActions.listAssociations,
} satisfies Partial<PlatformHandlers>;
