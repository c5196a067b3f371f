/** Handlers of spec/platform/tenants.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { tenantInfoActions } from '../tenants/tenant-info.ts';

export const tenantsHandlers = {
  'tenants.getTenantConfig': tenantInfoActions.getTenantConfig,
  'tenants.getTenantUsage': tenantInfoActions.getTenantUsage,
  'tenants.lookupTenantsByEmail': tenantInfoActions.lookupTenantsByEmail,
} satisfies Partial<PlatformHandlers>;
