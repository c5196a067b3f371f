/**
 * The offline provider: no model, no network. It returns the task's own offline answer
 * (extractive summaries, figures computed from the tenant's data, structured drafts) and counts
 * tokens the way the usage log needs them, estimated from the text.
 */
import { estimateTokens, type AiProvider } from './provider.ts';

export const OFFLINE_MODEL = 'loop-offline-extractive-1';

export function createOfflineProvider(): AiProvider {
  return {
    provider: 'local',
    model: OFFLINE_MODEL,
    async complete(task) {
      const text = task.offline();
      const input = [task.system, ...(task.history ?? []).map((m) => m.content), task.prompt].join('\n');
      return { text, promptTokens: estimateTokens(input), completionTokens: estimateTokens(text), provider: 'local', model: OFFLINE_MODEL };
    },
  };
}
