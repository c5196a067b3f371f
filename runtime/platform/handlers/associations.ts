/** Handlers of spec/platform/associations.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { associationActions } from '../objects/associations.ts';

export const associationsHandlers: HandlerRegistry = {
  'associations.createOrUpdateAssociation': associationActions.createOrUpdateAssociation,
  'associations.deleteAssociation': associationActions.deleteAssociation,
  'associations.listAssociations': associationActions.listAssociations,
};
