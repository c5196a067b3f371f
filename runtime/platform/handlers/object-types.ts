/** Handlers of spec/platform/object-types.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { objectTypeActions } from '../objects/object-type-actions.ts';

export const objectTypesHandlers = {
  'object-types.create': objectTypeActions.create,
  'object-types.createProperty': objectTypeActions.createProperty,
  'object-types.delete': objectTypeActions.delete,
  'object-types.deleteProperty': objectTypeActions.deleteProperty,
  'object-types.listProperties': objectTypeActions.listProperties,
  'object-types.update': objectTypeActions.update,
  'object-types.updateProperty': objectTypeActions.updateProperty,
} satisfies Partial<PlatformHandlers>;
