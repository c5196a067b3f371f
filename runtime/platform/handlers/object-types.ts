/** Handlers of spec/platform/object-types.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { objectTypeActions } from '../objects/object-type-actions.ts';

export const objectTypesHandlers: HandlerRegistry = {
  'object-types.create': objectTypeActions.create,
  'object-types.createProperty': objectTypeActions.createProperty,
  'object-types.delete': objectTypeActions.delete,
  'object-types.deleteProperty': objectTypeActions.deleteProperty,
  'object-types.listProperties': objectTypeActions.listProperties,
  'object-types.update': objectTypeActions.update,
  'object-types.updateProperty': objectTypeActions.updateProperty,
};
