/** Handlers of spec/platform/ai.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { aiActions } from '../ai/ai-actions.ts';

export const aiHandlers = {
  'ai.autoTagContent': aiActions.autoTagContent,
  'ai.chatCompletion': aiActions.chatCompletion,
  'ai.chatWithConversationHistory': aiActions.chatWithConversationHistory,
  'ai.contentModeration': aiActions.contentModeration,
  'ai.describeImage': aiActions.describeImage,
  'ai.generateEmbeddings': aiActions.generateEmbeddings,
  'ai.indexObjectsForVectorSearch': aiActions.indexObjectsForVectorSearch,
  'ai.listAvailableAiModels': aiActions.listAvailableAiModels,
  'ai.summariseContent': aiActions.summariseContent,
  'ai.textGeneration': aiActions.textGeneration,
  'ai.vectorSimilaritySearch': aiActions.vectorSimilaritySearch,
} satisfies Partial<PlatformHandlers>;
