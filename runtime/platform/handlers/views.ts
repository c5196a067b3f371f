/** Handlers of spec/platform/views.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { childCrud, ofObjectType } from '../records/child-records.ts';

const views = childCrud(ofObjectType('views', 'view_id'));

export const viewsHandlers = {
  'views.createSavedView': views.create,
  'views.deleteSavedView': views.remove,
  'views.listSavedViews': views.list,
  'views.updateSavedView': views.update,
} satisfies Partial<PlatformHandlers>;
