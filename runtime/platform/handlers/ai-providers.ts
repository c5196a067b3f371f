/** Handlers of spec/platform/ai-providers.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { aiActions } from '../ai/ai-actions.ts';

export const aiProvidersHandlers = {
  'ai-providers.getAiUsageStats': aiActions.getAiUsageStats,
} satisfies Partial<PlatformHandlers>;
