/**
 * The offline provider: no model, no network. It returns the task's own offline answer
 * (extractive summaries, figures computed from the tenant's data, structured drafts) and counts
 * tokens the way the usage log needs them, estimated from the text.
 */
import { estimateTokens, type AiProvider } from './provider.ts';

export const OFFLINE_MODEL = 'loop-offline-extractive-1';
/** What the offline provider calls its answer to a task with images: facts the task read from the file. */
export const OFFLINE_IMAGE_MODEL = 'loop-offline-image-metadata-1';

export function createOfflineProvider(): AiProvider {
  return {
    provider: 'local',
    model: OFFLINE_MODEL,
    // It has no eyes: a task with images gets the task's own offline answer (facts read from the file).
    visionModel: null,
    async complete(task) {
      const text = task.offline();
      const input = [task.system, ...(task.history ?? []).map((m) => m.content), task.prompt].join('\n');
      const model = task.images?.length ? OFFLINE_IMAGE_MODEL : OFFLINE_MODEL;
      return { text, promptTokens: estimateTokens(input), completionTokens: estimateTokens(text), provider: 'local', model };
    },
  };
}
