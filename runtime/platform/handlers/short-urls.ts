/** Handlers of spec/platform/short-urls.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { shortUrlActions } from '../links/short-urls.ts';

export const shortUrlsHandlers: HandlerRegistry = {
  'short-urls.create': shortUrlActions.create,
};
