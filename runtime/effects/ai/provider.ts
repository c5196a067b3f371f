/**
 * The one AI provider interface every assistant feature goes through. A feature describes a task:
 * the prompt an LLM would get, and `offline()`, what the built-in offline provider answers instead
 * (extractive or computed output, always labelled as such). `providerFromEnv` picks:
 * - `LOOP_AI_BASE_URL` set → OpenAI-compatible HTTP provider (`LOOP_AI_API_KEY`, `LOOP_AI_MODEL`, and
 *   `LOOP_AI_VISION_MODEL` for tasks that carry images, default the same model);
 * - otherwise the offline provider (`local`), which never calls the network.
 */
import { createOfflineProvider } from './offline-provider.ts';
import { createOpenAiProvider } from './openai-provider.ts';

export type AiFeature = 'chat' | 'generate_report' | 'business_advice' | 'summarize' | 'document' | 'ai_reply' | 'describe_image' | 'other';

/** An image sent with the user turn (vision models); the offline provider never looks at it. */
export interface AiImage {
  readonly contentType: string;
  readonly data: Buffer;
}

export interface AiMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface AiTask {
  readonly feature: AiFeature;
  readonly system: string;
  /** The user turn; earlier turns go in `history`. */
  readonly prompt: string;
  readonly history?: readonly AiMessage[];
  /** Images the user turn is about; a provider sends them to its vision model. */
  readonly images?: readonly AiImage[];
  readonly maxTokens?: number;
  /** Ask the model for a single JSON object. */
  readonly json?: boolean;
  /** The offline provider's answer for this task. */
  offline(): string;
}

export interface AiCompletion {
  readonly text: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Usage-log provider code. */
  readonly provider: 'openai' | 'local';
  readonly model: string;
}

export interface AiProvider {
  readonly provider: 'openai' | 'local';
  readonly model: string;
  /** The model that answers tasks with images (a vision model), or null when the provider has none. */
  readonly visionModel: string | null;
  complete(task: AiTask): Promise<AiCompletion>;
}

/** A provider failure the caller turns into 429 / 503 (and a failed usage-log row). */
export class AiProviderError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'unavailable',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}

export function providerFromEnv(env: NodeJS.ProcessEnv = process.env): AiProvider {
  if (env.LOOP_AI_BASE_URL) {
    return createOpenAiProvider({
      baseUrl: env.LOOP_AI_BASE_URL,
      apiKey: env.LOOP_AI_API_KEY ?? '',
      model: env.LOOP_AI_MODEL ?? 'gpt-4o-mini',
      visionModel: env.LOOP_AI_VISION_MODEL || env.LOOP_AI_MODEL || 'gpt-4o-mini',
      timeoutMs: Number(env.LOOP_AI_TIMEOUT_MS) > 0 ? Number(env.LOOP_AI_TIMEOUT_MS) : 30_000,
    });
  }
  return createOfflineProvider();
}

/** Rough token count (words and punctuation) for providers that report none. */
export function estimateTokens(text: string): number {
  return (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length;
}
