/** Handlers of spec/platform/ai-providers.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { aiActions } from '../ai/ai-actions.ts';

export const aiProvidersHandlers: HandlerRegistry = {
  'ai-providers.getAiUsageStats': aiActions.getAiUsageStats,
};
