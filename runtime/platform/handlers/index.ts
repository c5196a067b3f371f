/**
 * Every handler of the platform catalogue, keyed by handler name (`<module>.<camelCase>`).
 *
 * Endpoints whose behaviour needs an outside system that is not wired yet (AI providers, SMTP/SMS,
 * SAML/OAuth, passkeys, WebSockets, file storage, SQL shards, job runners) answer 501
 * NOT_IMPLEMENTED with the handler name, through `notYet` below — never fake success. The registry
 * is a Proxy so a handler name the catalogue adds later also answers 501 rather than a crash; the
 * explicit map is the list of what is real.
 */
import type { ActionHandler, HandlerRegistry } from '../../runtime-api.ts';
import { notImplemented } from '../../http/api-error.ts';
import { accountingBankHandlers } from './accounting-bank.ts';
import { accountingDocumentHandlers } from './accounting-documents.ts';
import { accountingJournalHandlers } from './accounting-journal.ts';
import { accountingReportHandlers } from './accounting-reports.ts';
import { aiHandlers } from './ai.ts';
import { approvalHandlers } from './approvals.ts';
import { associationHandlers } from './associations.ts';
import { authHandlers } from './auth.ts';
import { authEmailHandlers } from './auth-email.ts';
import { childRecordHandlers } from './child-records.ts';
import { dataHandlers } from './data.ts';
import { filesHandlers } from './files.ts';
import { formHandlers } from './forms.ts';
import { keysHandlers } from './keys.ts';
import { mfaHandlers } from './mfa.ts';
import { notificationHandlers } from './notifications.ts';
import { objectTypesHandlers } from './object-types.ts';
import { operationsHandlers } from './operations.ts';
import { objectsHandlers } from './objects.ts';
import { reportHandlers } from './reports.ts';
import { resourceHandlers } from './resources.ts';
import { runHandlers } from './runs.ts';
import { settingsHandlers } from './settings.ts';
import { shareAndReportHandlers } from './shares-and-reports.ts';
import { tenantInfoHandlers } from './tenant-info.ts';
import { unavailableHandlers } from './unavailable.ts';
import { usersHandlers } from './users.ts';
import { webhooksHandlers } from './webhooks.ts';

/** Handlers with real behaviour. */
export const implementedPlatformHandlers: HandlerRegistry = {
  ...accountingBankHandlers,
  ...accountingDocumentHandlers,
  ...accountingJournalHandlers,
  ...accountingReportHandlers,
  ...aiHandlers,
  ...approvalHandlers,
  ...associationHandlers,
  ...authHandlers,
  ...authEmailHandlers,
  ...childRecordHandlers,
  ...dataHandlers,
  ...filesHandlers,
  ...formHandlers,
  ...keysHandlers,
  ...mfaHandlers,
  ...notificationHandlers,
  ...objectTypesHandlers,
  ...operationsHandlers,
  ...objectsHandlers,
  ...reportHandlers,
  ...resourceHandlers,
  ...runHandlers,
  ...settingsHandlers,
  ...shareAndReportHandlers,
  ...tenantInfoHandlers,
  ...usersHandlers,
  ...webhooksHandlers,
};

function notYet(name: string): ActionHandler {
  return async () => {
    throw notImplemented(`${name} is not implemented in this deployment yet.`, 'not_implemented');
  };
}

const HANDLER_NAME = /^[a-z][a-z0-9-]*\.[a-z][A-Za-z0-9]*$/;

/** Real handlers, then the 501s that name what would enable them (unavailable.ts). */
export const platformHandlers: HandlerRegistry = new Proxy({ ...unavailableHandlers, ...implementedPlatformHandlers }, {
  get(target, key) {
    if (typeof key !== 'string') return undefined;
    return target[key] ?? (HANDLER_NAME.test(key) ? notYet(key) : undefined);
  },
});
