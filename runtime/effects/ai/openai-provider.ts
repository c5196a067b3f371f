/**
 * OpenAI-compatible chat completions over HTTP (OpenAI, Azure-style gateways, vLLM, Ollama, …):
 * `POST {baseUrl}/chat/completions` with a Bearer key. Token counts come from the response's
 * `usage`; 429 becomes a rate-limited error, network failures and 5xx an unavailable one.
 */
import { AiProviderError, estimateTokens, type AiProvider } from './provider.ts';

export interface OpenAiOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
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
    async complete(task) {
      const messages = [{ role: 'system', content: task.system }, ...(task.history ?? []), { role: 'user', content: task.prompt }];
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
          body: JSON.stringify({
            model: o.model,
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
        promptTokens: body.usage?.prompt_tokens ?? estimateTokens(messages.map((m) => m.content).join('\n')),
        completionTokens: body.usage?.completion_tokens ?? estimateTokens(text),
        provider: 'openai',
        model: body.model ?? o.model,
      };
    },
  };
}
