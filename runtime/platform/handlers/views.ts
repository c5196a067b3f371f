/** Handlers of spec/platform/views.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { childCrud, ofObjectType } from '../records/child-records.ts';

const views = childCrud(ofObjectType('views', 'view_id'));

export const viewsHandlers: HandlerRegistry = {
  'views.createSavedView': views.create,
  'views.deleteSavedView': views.remove,
  'views.listSavedViews': views.list,
  'views.updateSavedView': views.update,
};
