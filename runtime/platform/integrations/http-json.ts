/**
 * The generic HTTP/JSON pull connector (provider `http_json`): GET `config_json.url` (optional
 * `headers`), take the item list at `items_path` (or the answer itself when it is a list), and upsert
 * each item as an object of `object_type` keyed by its external id (`id_field`, default `id`): the
 * first sync creates the object, later ones update it (the item → object links are pf_records rows of
 * kind `integration_links`). Properties come from `mapping` ({property: path in the item}) or, without
 * one, from the item's keys that are properties of the type.
 *
 * Each item is written in its own savepoint with its object.created/object.updated event: an item the
 * object type refuses is reported and skipped, the rest are kept. The remote side failing (no answer,
 * non-2xx, not JSON, too large) fails the whole sync (RemoteSyncError → 502) and writes nothing. The
 * pull goes through the egress policy (runtime/effects/egress): a URL whose address it refuses is 409
 * NOT_CONFIGURED naming config_json.url, as it is the configuration that must change.
 */
import type { Knex } from 'knex';
import { ApiError, type FieldErrors, isApiError } from '../../http/api-error.ts';
import { type EgressResponse, egressFetch, egressRefusal } from '../../effects/egress/egress-fetch.ts';
import { urlRefusal } from '../../effects/egress/url-policy.ts';
import { newId } from '../../security/random-ids.ts';
import { lookup } from '../automation/conditions.ts';
import { publish } from '../automation/publish.ts';
import { asObject } from '../http/action-context.ts';
import { insertObject, loadType, objects, objectView, propertiesOf, updateObject } from '../objects/object-store.ts';
import { T } from '../tables.ts';
import { type Connector, RemoteSyncError, type SyncContext, type SyncOutcome } from './sync-types.ts';

const TIMEOUT_MS = 15_000;
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_ITEMS = 1000;
const MAX_REPORTED = 20;
const LINKS = 'integration_links';

function configErrors(c: Record<string, unknown>): FieldErrors | null {
  const e: FieldErrors = {};
  if (typeof c.url !== 'string' || !/^https?:\/\//i.test(c.url) || !URL.canParse(c.url))
    e['config_json.url'] = ['set the http(s) URL that answers the items as JSON'];
  else {
    const refused = urlRefusal(c.url);
    if (refused) e['config_json.url'] = [refused];
  }
  if (typeof c.object_type !== 'string' || !c.object_type)
    e['config_json.object_type'] = ['set the object type (id or name) the items become'];
  for (const k of ['items_path', 'id_field'] as const)
    if (c[k] !== undefined && typeof c[k] !== 'string') e[`config_json.${k}`] = ['must be a dotted path such as data.items'];
  for (const k of ['mapping', 'headers'] as const)
    if (c[k] !== undefined && (typeof c[k] !== 'object' || c[k] === null || Array.isArray(c[k])))
      e[`config_json.${k}`] = ['must be an object of strings'];
  return Object.keys(e).length ? e : null;
}

async function readCapped(res: EgressResponse): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new RemoteSyncError(`the answer is larger than ${MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function pull(config: Record<string, unknown>): Promise<unknown[]> {
  const url = String(config.url);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Platform-Integrations/1' };
  for (const [k, v] of Object.entries(asObject(config.headers))) headers[k.toLowerCase()] = String(v);
  let res: EgressResponse;
  try {
    res = await egressFetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const refused = egressRefusal(e);
    if (refused)
      throw new ApiError(409, 'not_configured', `The integration's URL is refused: ${refused.message}.`, {
        fields: { 'config_json.url': [refused.message] },
      });
    throw new RemoteSyncError(`GET ${url} got no answer (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`);
  }
  const text = await readCapped(res);
  if (!res.ok) throw new RemoteSyncError(`GET ${url} answered ${res.status}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RemoteSyncError(`GET ${url} did not answer JSON`);
  }
  const list = typeof config.items_path === 'string' && config.items_path ? lookup(json, config.items_path) : json;
  if (!Array.isArray(list))
    throw new RemoteSyncError(
      `the answer has no list ${config.items_path ? `at "${config.items_path}"` : '(set items_path to where the items are)'}`,
    );
  return list;
}

function propertiesFrom(item: unknown, mapping: Record<string, unknown> | null, known: ReadonlySet<string>): Record<string, unknown> {
  if (mapping) {
    const out: Record<string, unknown> = {};
    for (const [prop, path] of Object.entries(mapping)) {
      const v = lookup(item, String(path));
      if (v !== undefined) out[prop] = v;
    }
    return out;
  }
  return Object.fromEntries(Object.entries(asObject(item)).filter(([k]) => known.has(k)));
}

async function sync(ctx: SyncContext): Promise<SyncOutcome> {
  const { trx, tenant, integration, config, by } = ctx;
  const items = await pull(config);
  const type = await loadType(trx, tenant, String(config.object_type));
  const known = new Set((await propertiesOf(trx, type.id)).map((p) => p.name));
  const mapping = config.mapping ? asObject(config.mapping) : null;
  const idField = typeof config.id_field === 'string' && config.id_field ? config.id_field : 'id';
  const links = new Map<string, { id: string; object_id: string }>();
  for (const r of await trx(T.records).where({ company_id: tenant, kind: LINKS, parent_id: integration.id }).select('id', 'data')) {
    const d = asObject(r.data);
    links.set(String(d.external_id), { id: r.id, object_id: String(d.object_id) });
  }
  let created = 0;
  let updated = 0;
  const errors: { external_id: string | null; error: string }[] = [];
  let failed = 0;
  const refuse = (externalId: string | null, error: string) => {
    failed++;
    if (errors.length < MAX_REPORTED) errors.push({ external_id: externalId, error });
  };
  for (const item of items.slice(0, MAX_ITEMS)) {
    const raw = lookup(item, idField);
    if (raw === undefined || raw === null || typeof raw === 'object') {
      refuse(null, `item has no "${idField}" to key it by`);
      continue;
    }
    const externalId = String(raw);
    const properties = propertiesFrom(item, mapping, known);
    try {
      const outcome = await trx.transaction(async (sp): Promise<'created' | 'updated'> => {
        const link = links.get(externalId);
        const live = link && (await objects(sp, tenant, type.id).where({ id: link.object_id }).whereNull('deleted_at').first('id'));
        if (link && live) {
          const row = await updateObject(sp, tenant, type, link.object_id, properties, by);
          await publish(sp, tenant, 'object.updated', objectView(row));
          return 'updated';
        }
        const row = await insertObject(sp, tenant, type, properties, by);
        await publish(sp, tenant, 'object.created', objectView(row));
        const data = JSON.stringify({ external_id: externalId, object_id: row.id, object_type_id: type.id });
        if (link) await sp(T.records).where({ id: link.id }).update({ data, updated_at: sp.fn.now() });
        else {
          const id = newId('ilk');
          await sp(T.records).insert({
            id,
            company_id: tenant,
            kind: LINKS,
            parent_id: integration.id,
            data,
            created_at: sp.fn.now(),
            updated_at: sp.fn.now(),
          });
          links.set(externalId, { id, object_id: String(row.id) });
        }
        return 'created';
      });
      if (outcome === 'created') created++;
      else updated++;
    } catch (e) {
      const fields = isApiError(e) && e.fields ? ` ${JSON.stringify(e.fields)}` : '';
      refuse(externalId, `${(e as Error).message}${fields}`);
    }
  }
  const skipped = Math.max(0, items.length - MAX_ITEMS);
  const synced = created + updated;
  return {
    status: failed ? 'partial' : 'succeeded',
    records_synced: synced,
    created,
    updated,
    failed,
    errors,
    message:
      `Pulled ${items.length} item(s) from ${String(config.url)}: ${created} created, ${updated} updated, ${failed} refused` +
      (skipped ? `; ${skipped} beyond the first ${MAX_ITEMS} were left for the next sync.` : '.'),
  };
}

export const httpJsonConnector: Connector = {
  providers: ['http_json', 'http', 'json'],
  summary: 'pulls a JSON list from config_json.url into objects of config_json.object_type',
  configErrors,
  sync,
};
