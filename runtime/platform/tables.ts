/**
 * Table names for hand-written queries, read from the generated resource descriptors (each resource's
 * `table:` in spec/platform/*.yaml), so the catalogue stays the one place that names a table. Every
 * table the platform wing queries is a catalogue resource (spec/platform/internal.yaml declares the
 * ones without endpoints); a table that is not would be named here.
 */
import {
  accountingAccountResource,
  accountingBankAccountResource,
  accountingBankTransactionResource,
  accountingInvoiceResource,
  accountingJournalEntryResource,
  accountingJournalLineResource,
  accountingPaymentResource,
  accountingPeriodResource,
  accountingRecurringEntryResource,
  accountingTaxCodeResource,
} from '../../generated/platform/server/accounting.ts';
import { aiConversationResource } from '../../generated/platform/server/ai.ts';
import { authSessionsSessionResource } from '../../generated/platform/server/auth-sessions.ts';
import { automationsAutomationResource } from '../../generated/platform/server/automations.ts';
import { dashboardsDashboardResource } from '../../generated/platform/server/dashboards.ts';
import { filesFileResource, filesFileVersionResource } from '../../generated/platform/server/files.ts';
import { formsFormResource } from '../../generated/platform/server/forms.ts';
import { functionsCustomFunctionResource } from '../../generated/platform/server/functions.ts';
import { integrationsIntegrationResource } from '../../generated/platform/server/integrations.ts';
import { internalConfirmTokenResource, internalRecordResource, internalSettingResource } from '../../generated/platform/server/internal.ts';
import { keysApiKeyResource } from '../../generated/platform/server/keys.ts';
import { objectTypesObjectTypeResource, objectTypesPropertyResource } from '../../generated/platform/server/object-types.ts';
import { objectsDataObjectResource, objectsObjectVersionResource } from '../../generated/platform/server/objects.ts';
import { rolesRoleResource } from '../../generated/platform/server/roles.ts';
import { savedReportsSavedReportResource } from '../../generated/platform/server/saved-reports.ts';
import { scheduledJobsScheduledJobResource } from '../../generated/platform/server/scheduled-jobs.ts';
import { shortUrlsShortUrlResource } from '../../generated/platform/server/short-urls.ts';
import { tenantsTenantResource } from '../../generated/platform/server/tenants.ts';
import { usersUserResource } from '../../generated/platform/server/users.ts';
import { webhooksWebhookDeliveryResource, webhooksWebhookResource } from '../../generated/platform/server/webhooks.ts';

export const T = {
  tenants: tenantsTenantResource.table,
  apiKeys: keysApiKeyResource.table,
  users: usersUserResource.table,
  sessions: authSessionsSessionResource.table,
  objectTypes: objectTypesObjectTypeResource.table,
  properties: objectTypesPropertyResource.table,
  objects: objectsDataObjectResource.table,
  objectVersions: objectsObjectVersionResource.table,
  confirmTokens: internalConfirmTokenResource.table,
  settings: internalSettingResource.table,
  records: internalRecordResource.table,
  webhooks: webhooksWebhookResource.table,
  webhookDeliveries: webhooksWebhookDeliveryResource.table,
  forms: formsFormResource.table,
  roles: rolesRoleResource.table,
  dashboards: dashboardsDashboardResource.table,
  automations: automationsAutomationResource.table,
  accounts: accountingAccountResource.table,
  bankAccounts: accountingBankAccountResource.table,
  bankTransactions: accountingBankTransactionResource.table,
  journalEntries: accountingJournalEntryResource.table,
  journalLines: accountingJournalLineResource.table,
  invoices: accountingInvoiceResource.table,
  payments: accountingPaymentResource.table,
  periods: accountingPeriodResource.table,
  recurring: accountingRecurringEntryResource.table,
  taxCodes: accountingTaxCodeResource.table,
  files: filesFileResource.table,
  fileVersions: filesFileVersionResource.table,
  shortUrls: shortUrlsShortUrlResource.table,
  savedReports: savedReportsSavedReportResource.table,
  scheduledJobs: scheduledJobsScheduledJobResource.table,
  functions: functionsCustomFunctionResource.table,
  integrations: integrationsIntegrationResource.table,
  conversations: aiConversationResource.table,
} as const;
