/**
 * A sign-in provider's entry in the tenant's auth-config (`oauth.<name>` or `saml.<name>`): the name
 * checked, the entry read, and "not configured" answered the same way for every protocol.
 */
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { asObject } from '../http/action-context.ts';
import { readSetting } from '../settings/settings-documents.ts';

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;

export async function providerEntry(
  a: ActionContext,
  tenant: number,
  section: 'oauth' | 'saml',
  name: string,
  refusals: { readonly unknownName: ApiError; readonly notConfigured: (why: string) => ApiError },
): Promise<Record<string, unknown>> {
  if (!PROVIDER_NAME.test(name)) throw refusals.unknownName;
  const entry = asObject(asObject((await readSetting(a, tenant, 'auth_config', null))[section])[name]);
  if (!Object.keys(entry).length) throw refusals.notConfigured(`no entry in auth-config ${section}`);
  if (entry.enabled === false) throw refusals.notConfigured('the entry is disabled');
  return entry;
}
