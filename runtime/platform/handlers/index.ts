/**
 * Every handler of the platform catalogue, keyed by handler name (`<module>.<camelCase>`): one file
 * per catalogue module (spec/platform/<module>.yaml → ./<module>.ts), each mapping its handler
 * names to the domain code that does the work (runtime/platform/<domain>/).
 *
 * Endpoints whose behaviour needs an outside system that is not wired yet (SAML/OAuth, passkeys,
 * WebSockets, SQL, the portal) are explicit entries that answer 501 with what would enable them
 * (runtime/platform/http/unavailable.ts) — never a pretend success.
 */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { accountingHandlers } from './accounting.ts';
import { accountingReportsHandlers } from './accounting-reports.ts';
import { aiHandlers } from './ai.ts';
import { aiProvidersHandlers } from './ai-providers.ts';
import { analyticsHandlers } from './analytics.ts';
import { associationsHandlers } from './associations.ts';
import { auditLogsHandlers } from './audit-logs.ts';
import { authHandlers } from './auth.ts';
import { authMfaHandlers } from './auth-mfa.ts';
import { authNotificationsHandlers } from './auth-notifications.ts';
import { authPasskeysHandlers } from './auth-passkeys.ts';
import { authSessionsHandlers } from './auth-sessions.ts';
import { authSsoHandlers } from './auth-sso.ts';
import { automationsHandlers } from './automations.ts';
import { commentsHandlers } from './comments.ts';
import { dashboardsHandlers } from './dashboards.ts';
import { dataHandlers } from './data.ts';
import { emailHandlers } from './email.ts';
import { eventsHandlers } from './events.ts';
import { filesHandlers } from './files.ts';
import { formsHandlers } from './forms.ts';
import { functionsHandlers } from './functions.ts';
import { governanceHandlers } from './governance.ts';
import { integrationsHandlers } from './integrations.ts';
import { keysHandlers } from './keys.ts';
import { objectTypesHandlers } from './object-types.ts';
import { objectsHandlers } from './objects.ts';
import { operationsHandlers } from './operations.ts';
import { policiesHandlers } from './policies.ts';
import { portalHandlers } from './portal.ts';
import { rolesHandlers } from './roles.ts';
import { savedReportsHandlers } from './saved-reports.ts';
import { scheduledJobsHandlers } from './scheduled-jobs.ts';
import { settingsHandlers } from './settings.ts';
import { shortUrlsHandlers } from './short-urls.ts';
import { tenantsHandlers } from './tenants.ts';
import { usersHandlers } from './users.ts';
import { viewsHandlers } from './views.ts';
import { webhooksHandlers } from './webhooks.ts';
import { workflowsHandlers } from './workflows.ts';

/** Every name of the generated contract, and no other: a missing or misspelt handler fails the type-check. */
export const platformHandlers = {
  ...accountingHandlers,
  ...accountingReportsHandlers,
  ...aiHandlers,
  ...aiProvidersHandlers,
  ...analyticsHandlers,
  ...associationsHandlers,
  ...auditLogsHandlers,
  ...authHandlers,
  ...authMfaHandlers,
  ...authNotificationsHandlers,
  ...authPasskeysHandlers,
  ...authSessionsHandlers,
  ...authSsoHandlers,
  ...automationsHandlers,
  ...commentsHandlers,
  ...dashboardsHandlers,
  ...dataHandlers,
  ...emailHandlers,
  ...eventsHandlers,
  ...filesHandlers,
  ...formsHandlers,
  ...functionsHandlers,
  ...governanceHandlers,
  ...integrationsHandlers,
  ...keysHandlers,
  ...objectTypesHandlers,
  ...objectsHandlers,
  ...operationsHandlers,
  ...policiesHandlers,
  ...portalHandlers,
  ...rolesHandlers,
  ...savedReportsHandlers,
  ...scheduledJobsHandlers,
  ...settingsHandlers,
  ...shortUrlsHandlers,
  ...tenantsHandlers,
  ...usersHandlers,
  ...viewsHandlers,
  ...webhooksHandlers,
  ...workflowsHandlers,
} satisfies PlatformHandlers;
