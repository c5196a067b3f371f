/**
 * OpenAI-compatible chat completions over HTTP (OpenAI, Azure-style gateways, vLLM, Ollama, …):
 * `POST {baseUrl}/chat/completions` with a Bearer key. A task with images goes to the vision model with
 * the user turn as content parts (text + `image_url` data URLs). Token counts come from the response's
 * `usage`; 429 becomes a rate-limited error, network failures and 5xx an unavailable one.
 */
import { AiProviderError, estimateTokens, type AiProvider } from './provider.ts';

export interface OpenAiOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  readonly visionModel: string;
  readonly timeoutMs: number;
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  model?: string;
}

export function createOpenAiProvider(o: OpenAiOptions): AiProvider {
  const url = o.baseUrl.replace(/\/+$/, '') + '/chat/completions';
  return {
    provider: 'openai',
    model: o.model,
    visionModel: o.visionModel,
    async complete(task) {
      const images = task.images ?? [];
      const model = images.length ? o.visionModel : o.model;
      const user = images.length
        ? [
            { type: 'text', text: task.prompt },
            ...images.map((i) => ({ type: 'image_url', image_url: { url: `data:${i.contentType};base64,${i.data.toString('base64')}` } })),
          ]
        : task.prompt;
      const messages = [{ role: 'system', content: task.system }, ...(task.history ?? []), { role: 'user', content: user }];
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
          body: JSON.stringify({
            model,
            messages,
            ...(task.maxTokens ? { max_tokens: task.maxTokens } : {}),
            ...(task.json ? { response_format: { type: 'json_object' } } : {}),
          }),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (err) {
        throw new AiProviderError('unavailable', `AI provider unreachable: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (res.status === 429) {
        const retry = Number(res.headers.get('retry-after'));
        throw new AiProviderError(
          'rate_limited',
          'The AI provider is rate limiting requests.',
          Number.isFinite(retry) && retry > 0 ? retry : 30,
        );
      }
      if (!res.ok) {
        const detail = (await res.text().catch(() => '')).slice(0, 300);
        throw new AiProviderError('unavailable', `AI provider answered ${res.status}${detail ? `: ${detail}` : ''}`);
      }
      const body = (await res.json().catch(() => ({}))) as ChatCompletion;
      const text = body.choices?.[0]?.message?.content;
      if (typeof text !== 'string') throw new AiProviderError('unavailable', 'AI provider returned no message content.');
      return {
        text,
        promptTokens:
          body.usage?.prompt_tokens ?? estimateTokens([task.system, ...(task.history ?? []).map((m) => m.content), task.prompt].join('\n')),
        completionTokens: body.usage?.completion_tokens ?? estimateTokens(text),
        provider: 'openai',
        model: body.model ?? model,
      };
    },
  };
}
