/** Handlers of spec/platform/short-urls.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { shortUrlActions } from '../links/short-urls.ts';

export const shortUrlsHandlers = {
  'short-urls.create': shortUrlActions.create,
  'short-urls.remove': shortUrlActions.remove,
} satisfies Partial<PlatformHandlers>;
