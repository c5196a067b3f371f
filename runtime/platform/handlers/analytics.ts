/** Handlers of spec/platform/analytics.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { analyticsReports } from '../analytics/analytics-reports.ts';

export const analyticsHandlers = {
  'analytics.analyticsEngineQuery': analyticsReports.analyticsEngineQuery,
  'analytics.funnelReport': analyticsReports.funnelReport,
  'analytics.getTenantAnalytics': analyticsReports.getTenantAnalytics,
  'analytics.leaderboardReport': analyticsReports.leaderboardReport,
  'analytics.pipelineReport': analyticsReports.pipelineReport,
  'analytics.timeSeriesReport': analyticsReports.timeSeriesReport,
} satisfies Partial<PlatformHandlers>;
