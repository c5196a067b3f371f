/** Handlers of spec/platform/analytics.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { analyticsReports } from '../analytics/analytics-reports.ts';

export const analyticsHandlers: HandlerRegistry = {
  'analytics.analyticsEngineQuery': analyticsReports.analyticsEngineQuery,
  'analytics.funnelReport': analyticsReports.funnelReport,
  'analytics.getTenantAnalytics': analyticsReports.getTenantAnalytics,
  'analytics.leaderboardReport': analyticsReports.leaderboardReport,
  'analytics.pipelineReport': analyticsReports.pipelineReport,
  'analytics.timeSeriesReport': analyticsReports.timeSeriesReport,
};
