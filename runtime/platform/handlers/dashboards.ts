/** Handlers of spec/platform/dashboards.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { publicDashboardActions } from '../dashboards/public-dashboard.ts';
import { guardedDeletes } from '../dependencies/guarded-deletes.ts';
import { childCrud } from '../records/child-records.ts';
import { T } from '../tables.ts';

const widgets = childCrud({ kind: 'widgets', parent: { param: 'dashboard_id' }, child: 'widget_id', parentTable: T.dashboards });

export const dashboardsHandlers = {
  'dashboards.addWidgetToDashboard': widgets.create,
  'dashboards.delete': guardedDeletes.dashboards,
  'dashboards.deleteWidget': widgets.remove,
  'dashboards.getPublicDashboard': publicDashboardActions.getPublicDashboard,
  'dashboards.updateWidget': widgets.update,
} satisfies Partial<PlatformHandlers>;
