/** Handlers of spec/platform/objects.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { objectActions } from '../objects/object-actions.ts';

export const objectsHandlers = {
  'objects.aggregateObjects': objectActions.aggregateObjects,
  'objects.batchCreateObjects': objectActions.batchCreateObjects,
  'objects.batchReadObjects': objectActions.batchReadObjects,
  'objects.batchUpdateObjects': objectActions.batchUpdateObjects,
  'objects.createObject': objectActions.createObject,
  'objects.deleteObject': objectActions.deleteObject,
  'objects.getObject': objectActions.getObject,
  'objects.listObjectVersionHistory': objectActions.listObjectVersionHistory,
  'objects.listObjects': objectActions.listObjects,
  'objects.listTrashedObjects': objectActions.listTrashedObjects,
  'objects.restoreDeletedObject': objectActions.restoreDeletedObject,
  'objects.searchObjects': objectActions.searchObjects,
  'objects.updateObject': objectActions.updateObject,
} satisfies Partial<PlatformHandlers>;
