/** Handlers of spec/platform/settings.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { settingsDocument } from '../settings/settings-documents.ts';

const authConfig = settingsDocument('auth_config');
const branding = settingsDocument('branding');

export const settingsHandlers: HandlerRegistry = {
  'settings.getAuthConfig': authConfig.get,
  'settings.getBrandingSettings': branding.get,
  'settings.updateAuthConfig': authConfig.patch,
  'settings.updateBranding': branding.patch,
};
