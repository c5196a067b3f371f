/**
 * Create, update and delete of integrations (spec/platform/integrations.yaml `handlers:`): the
 * generic write, plus config_json.url checked against the egress policy (a refused literal address is
 * 400 naming config_json.url) and config_json.headers sealed at rest and answered masked
 * (header-secrets.ts). Delete removes the sealed headers with the integration.
 */
import { integrationsIntegrationResource } from '../../../generated/platform/server/integrations.ts';
import { notFound, validation } from '../../http/api-error.ts';
import type { ActionHandler } from '../../runtime-api.ts';
import { jsonValue, refusedUrlFields } from '../../effects/egress/url-policy.ts';
import { param, tenantOf } from '../http/action-context.ts';
import { checkedWrites } from '../records/checked-writes.ts';
import { T } from '../tables.ts';
import { HEADERS_KIND, saveHeaders, sealedHeaders, splitHeaders } from './header-secrets.ts';

const writes = checkedWrites(integrationsIntegrationResource, async (a, values, before, id) => {
  if (!('config_json' in values)) return values;
  const config = jsonValue(values.config_json);
  if (!config || typeof config !== 'object' || Array.isArray(config)) return values;
  const refused = refusedUrlFields({ 'config_json.url': (config as { url?: unknown }).url });
  if (Object.keys(refused).length) throw validation(refused);
  const tenant = tenantOf(a);
  const split = splitHeaders(config as Record<string, unknown>, before ? await sealedHeaders(a.trx, tenant, id) : {});
  if (split.sealed) await saveHeaders(a.trx, tenant, id, split.sealed);
  return { ...values, config_json: JSON.stringify(split.config) };
});

export const integrationWrites = {
  create: writes.create,
  update: writes.update,
  delete: (async (a) => {
    const tenant = tenantOf(a);
    const id = param(a, 'id');
    const n = await a.trx(T.integrations).where({ company_id: tenant, id }).delete();
    if (!n) throw notFound();
    await a.trx(T.records).where({ company_id: tenant, kind: HEADERS_KIND, parent_id: id }).delete();
    return { body: { id, deleted: true } };
  }) satisfies ActionHandler,
};
