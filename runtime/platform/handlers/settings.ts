/** Handlers of spec/platform/settings.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { settingsDocument } from '../settings/settings-documents.ts';
import { maskingAuthConfig, sealingAuthConfig } from '../identity/config-secrets.ts';

const authConfig = settingsDocument('auth_config');
const branding = settingsDocument('branding');

export const settingsHandlers = {
  // OAuth client secrets and SAML private keys in it are sealed at rest and answered masked.
  'settings.getAuthConfig': maskingAuthConfig(authConfig.get),
  'settings.getBrandingSettings': branding.get,
  'settings.updateAuthConfig': sealingAuthConfig(authConfig.patch),
  'settings.updateBranding': branding.patch,
} satisfies Partial<PlatformHandlers>;
