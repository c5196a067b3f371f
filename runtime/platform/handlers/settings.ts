/** Handlers of spec/platform/settings.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { settingsDocument } from '../settings/settings-documents.ts';

const authConfig = settingsDocument('auth_config');
const branding = settingsDocument('branding');

export const settingsHandlers = {
  'settings.getAuthConfig': authConfig.get,
  'settings.getBrandingSettings': branding.get,
  'settings.updateAuthConfig': authConfig.patch,
  'settings.updateBranding': branding.patch,
} satisfies Partial<PlatformHandlers>;
