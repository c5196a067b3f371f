/** Handlers of spec/platform/tenants.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { tenantInfoActions } from '../tenants/tenant-info.ts';

export const tenantsHandlers: HandlerRegistry = {
  'tenants.getTenantConfig': tenantInfoActions.getTenantConfig,
  'tenants.getTenantUsage': tenantInfoActions.getTenantUsage,
  'tenants.lookupTenantsByEmail': tenantInfoActions.lookupTenantsByEmail,
};
