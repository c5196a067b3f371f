/**
 * POST /v1/integrations/:id/sync: runs the provider's connector (connector.ts) in the request's
 * transaction and records the outcome in the sync log (pf_records `sync_logs`, GET …/logs), answering
 * 202 with what was transferred. A provider without a connector here, or a config_json the connector
 * cannot work with, is 409 NOT_CONFIGURED naming what to set; the remote side failing is 502
 * SYNC_FAILED (nothing written). Both are errors, never a 2xx that transferred nothing.
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { ApiError, conflict, notFound } from '../../http/api-error.ts';
import { actorOf, asObject, param, tenantOf } from '../http/action-context.ts';
import { publish } from '../automation/publish.ts';
import { recordRun } from '../automation/steps.ts';
import { T } from '../tables.ts';
import { connectorFor, connectorList } from './connector.ts';
import { withUnsealedHeaders } from './header-secrets.ts';
import { RemoteSyncError } from './sync-types.ts';

export const syncIntegration: ActionHandler = async (a) => {
  const tenant = tenantOf(a);
  const integ = await a
    .trx(T.integrations)
    .where({ company_id: tenant, id: param(a, 'integration_id') })
    .first();
  if (!integ) throw notFound('Integration not found.');
  const connector = connectorFor(integ.provider);
  if (!connector)
    throw conflict(
      `No connector for provider "${integ.provider ?? '(none)'}" runs on this server, so nothing can be synced. Connectors here: ${connectorList()}.`,
      'not_configured',
    );
  // Headers are stored sealed (header-secrets.ts): the connector gets them in plaintext, nothing else does.
  const config = await withUnsealedHeaders(a.trx, tenant, integ.id, asObject(integ.config_json));
  const missing = connector.configErrors(config);
  if (missing)
    throw new ApiError(409, 'not_configured', `The integration's config_json is not complete for provider "${integ.provider}".`, {
      fields: missing,
    });
  let outcome;
  try {
    outcome = await connector.sync({ trx: a.trx, tenant, integration: integ, config, by: actorOf(a) });
  } catch (e) {
    if (e instanceof RemoteSyncError) throw new ApiError(502, 'sync_failed', `Sync failed, nothing was written: ${e.message}`);
    throw e;
  }
  const syncId = await recordRun(
    a.trx,
    tenant,
    'sync_logs',
    integ.id,
    { direction: integ.sync_direction ?? 'pull', provider: integ.provider, ...outcome },
    actorOf(a),
  );
  await publish(a.trx, tenant, 'integration.synced', {
    integration_id: integ.id,
    sync_id: syncId,
    status: outcome.status,
    records_synced: outcome.records_synced,
  });
  return { status: 202, body: { sync_id: syncId, ...outcome } };
};
