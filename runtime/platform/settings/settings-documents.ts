/**
 * Tenant settings documents (pf_settings): auth config, branding, governance, and per-user
 * notification preferences. GET answers the stored document (or `{}`); PATCH merges top-level keys.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { bodyOf, endUserOf, param, parseJson, tenantOf } from '../http/action-context.ts';

type Owner = (a: ActionContext) => string | null;
const tenantWide: Owner = () => null;
const perUser: Owner = (a) => endUserOf(a);

export async function readSetting(
  a: ActionContext,
  companyId: number,
  name: string,
  owner: string | null,
): Promise<Record<string, unknown>> {
  const row = await a.trx(T.settings).where({ company_id: companyId, name, owner }).first('value');
  return (parseJson(row?.value) as Record<string, unknown>) ?? {};
}

async function writeSetting(a: ActionContext, name: string, owner: string | null, value: Record<string, unknown>) {
  const where = { company_id: tenantOf(a), name, owner };
  const n = await a
    .trx(T.settings)
    .where(where)
    .update({ value: JSON.stringify(value), updated_at: a.trx.fn.now() });
  if (!n)
    await a
      .trx(T.settings)
      .insert({ id: newId('set'), ...where, value: JSON.stringify(value), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
}

/** GET (the stored document or `{}`) and PATCH (merge top-level keys) of one settings document. */
export function settingsDocument(name: string, owner: Owner = tenantWide) {
  const get: ActionHandler = async (a) => ({ body: await readSetting(a, tenantOf(a), name, owner(a)) });
  const patch: ActionHandler = async (a) => {
    const value = { ...(await readSetting(a, tenantOf(a), name, owner(a))), ...bodyOf(a) };
    await writeSetting(a, name, owner(a), value);
    return { body: value };
  };
  return { get, patch };
}

/** The signed-in end user's notification preferences, keyed by channel. */
export const notificationPreferences = {
  ...settingsDocument('notification_preferences', perUser),
  deleteChannel: (async (a) => {
    const value = await readSetting(a, tenantOf(a), 'notification_preferences', perUser(a));
    delete value[param(a, 'channel')];
    await writeSetting(a, 'notification_preferences', perUser(a), value);
    return { body: value };
  }) satisfies ActionHandler,
};
