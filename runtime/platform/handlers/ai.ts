/** Handlers of spec/platform/ai.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { aiActions } from '../ai/ai-actions.ts';

export const aiHandlers: HandlerRegistry = {
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
};
