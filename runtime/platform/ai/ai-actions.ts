/**
 * AI endpoints (docs/api/platform-api.txt, "AI") on LOOP's provider interface (runtime/effects/ai): with
 * LOOP_AI_BASE_URL an OpenAI-compatible model answers chat/generate; without it the offline provider
 * does, and says so (model `loop-offline-extractive-1`: extractive summaries and keywords, never
 * invented prose). Embeddings, vector search and moderation are offline-only here (lexical hashing,
 * a lexicon; see runtime/platform/ai/offline-vectors.ts). Every call is logged as a pf_records row
 * (kind `ai_usage`) that /v1/ai-usage sums. Image description: runtime/platform/ai/describe-image.ts.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { ApiError, notFound, rateLimited, validation } from '../../http/api-error.ts';
import { AiProviderError, type AiMessage, type AiTask, providerFromEnv } from '../../effects/ai/provider.ts';
import { keywords, summarize } from '../../effects/ai/extractive.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { loadObject, loadType } from '../objects/object-store.ts';
import { cosine, DIMENSIONS, embed, EMBEDDING_MODEL, moderate, MODERATION_MODEL } from '../ai/offline-vectors.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';
import { describeImage, imageModels } from './describe-image.ts';

const MAX_HISTORY = 20;
const MAX_CHARS = 50_000;

async function logUsage(a: ActionContext, feature: string, model: string, promptTokens: number, completionTokens: number) {
  await a.trx(T.records).insert({
    id: newId('aiu'),
    company_id: tenantOf(a),
    kind: 'ai_usage',
    parent_id: 'tenant',
    data: JSON.stringify({ feature, model, prompt_tokens: promptTokens, completion_tokens: completionTokens }),
    created_by: actorOf(a),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
}

function offlineReply(text: string): string {
  const points = summarize(text, 60);
  return (
    '[offline] No language model is configured on this server (set LOOP_AI_BASE_URL to an OpenAI-compatible endpoint). ' +
    (points.length ? `Key points of your message: ${points.join(' ')}` : 'Your message had no text to work with.')
  );
}

/** Runs a task on the configured provider, logs its usage, and turns provider failures into 429 / 503. */
async function runTask(a: ActionContext, feature: string, task: AiTask) {
  try {
    const r = await providerFromEnv().complete(task);
    await logUsage(a, feature, r.model, r.promptTokens, r.completionTokens);
    return { text: r.text, model: r.model, provider: r.provider };
  } catch (e) {
    if (e instanceof AiProviderError) {
      if (e.kind === 'rate_limited') throw rateLimited(e.retryAfterSeconds ?? 30);
      throw new ApiError(503, 'ai_unavailable', e.message);
    }
    throw e;
  }
}

async function complete(a: ActionContext, feature: string, prompt: string, history: AiMessage[] = [], maxTokens?: number) {
  if (!prompt.trim()) throw validation({ message: ['is required'] });
  if (prompt.length + history.reduce((n, m) => n + m.content.length, 0) > MAX_CHARS)
    throw validation({ history: [`message and history together are limited to ${MAX_CHARS} characters`] });
  return runTask(a, feature, {
    feature: 'chat',
    system: 'You are a helpful assistant for a business application.',
    prompt,
    history,
    maxTokens,
    offline: () => offlineReply(prompt),
  });
}

function historyOf(v: unknown): AiMessage[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_HISTORY) throw validation({ history: [`must be a list of at most ${MAX_HISTORY} messages`] });
  return v.map((m, i) => {
    const role = (m as AiMessage)?.role;
    if ((role !== 'user' && role !== 'assistant') || typeof (m as AiMessage).content !== 'string')
      throw validation({ [`history.${i}`]: ['needs role user|assistant and content'] });
    return { role, content: (m as AiMessage).content };
  });
}

/** An object's text: its string-valued properties, in property order. */
async function objectText(a: ActionContext): Promise<{ id: string; text: string }> {
  const b = bodyOf(a);
  const type = await loadType(a.trx, tenantOf(a), String(b.object_type_id ?? ''));
  const row = await loadObject(a.trx, tenantOf(a), type.id, String(b.object_id ?? ''));
  return { id: String(row.id), text: textOf(row.properties) };
}

function textOf(props: unknown): string {
  return Object.entries((props ?? {}) as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'string')
    .map(([, v]) => String(v).trim())
    .filter(Boolean)
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`))
    .join(' ');
}

export const aiActions = {
  listAvailableAiModels: async () => {
    const p = providerFromEnv();
    return {
      body: {
        provider: p.provider,
        text_generation: [p.model],
        text_embedding: [EMBEDDING_MODEL],
        image_to_text: imageModels(),
        text_classification: [MODERATION_MODEL],
      },
    };
  },
  chatCompletion: async (a) => {
    const b = bodyOf(a);
    const r = await complete(a, 'chat', String(b.message ?? ''), historyOf(b.history));
    return { body: { response: r.text, model: r.model, provider: r.provider } };
  },
  textGeneration: async (a) => {
    const b = bodyOf(a);
    const r = await complete(a, 'generate', String(b.prompt ?? ''), [], Number(b.max_tokens) || undefined);
    return { body: { text: r.text, model: r.model, provider: r.provider } };
  },
  chatWithConversationHistory: async (a) => {
    const conv = await a
      .trx(T.conversations)
      .where({ company_id: tenantOf(a), id: param(a, 'conversation_id') })
      .first('id');
    if (!conv) throw notFound('Conversation not found.');
    const msgs = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'ai_messages', parent_id: conv.id })
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(MAX_HISTORY);
    const history = msgs.reverse().map((m) => ({ role: m.data.role, content: m.data.content }) as AiMessage);
    const message = String(bodyOf(a).message ?? '');
    const r = await complete(a, 'chat', message, history);
    // The assistant turn is stamped 1 ms after the user turn, so the pair keeps its order.
    const at = Date.now();
    for (const [i, [role, content]] of (
      [
        ['user', message],
        ['assistant', r.text],
      ] as const
    ).entries()) {
      await a.trx(T.records).insert({
        id: newId('aim'),
        company_id: tenantOf(a),
        kind: 'ai_messages',
        parent_id: conv.id,
        data: JSON.stringify({ role, content }),
        created_by: actorOf(a),
        created_at: new Date(at + i),
        updated_at: new Date(at + i),
      });
    }
    return {
      body: { response: r.text, model: r.model, provider: r.provider, conversation_id: conv.id, history_length: history.length + 2 },
    };
  },
  summariseContent: async (a) => {
    const { id, text } = await objectText(a);
    const words = Math.min(Math.max(Number(bodyOf(a).max_length) || 60, 10), 500);
    const summary = summarize(text, words).join(' ');
    await logUsage(a, 'summarise', 'loop-offline-extractive-1', text.split(/\s+/).length, summary.split(/\s+/).length);
    return { body: { object_id: id, summary, model: 'loop-offline-extractive-1', method: 'extractive' } };
  },
  autoTagContent: async (a) => {
    const { id, text } = await objectText(a);
    const tags = keywords(text, 8);
    await logUsage(a, 'auto_tag', 'loop-offline-extractive-1', text.split(/\s+/).length, tags.length);
    return { body: { object_id: id, tags, model: 'loop-offline-extractive-1', method: 'keyword frequency' } };
  },
  contentModeration: async (a) => {
    const text = bodyOf(a).text;
    const list = Array.isArray(text) ? text : [text];
    if (!list.length || list.some((t) => typeof t !== 'string')) throw validation({ text: ['must be a string or a list of strings'] });
    await logUsage(a, 'moderate', MODERATION_MODEL, list.join(' ').split(/\s+/).length, 0);
    return { body: { results: (list as string[]).map(moderate), model: MODERATION_MODEL } };
  },
  generateEmbeddings: async (a) => {
    const text = bodyOf(a).text;
    const list = Array.isArray(text) ? text : [text];
    if (!list.length || list.length > 100 || list.some((t) => typeof t !== 'string'))
      throw validation({ text: ['must be a string or a list of 1–100 strings'] });
    await logUsage(a, 'embeddings', EMBEDDING_MODEL, list.join(' ').split(/\s+/).length, 0);
    return { body: { embeddings: (list as string[]).map(embed), model: EMBEDDING_MODEL, dimensions: DIMENSIONS } };
  },
  indexObjectsForVectorSearch: async (a) => {
    const b = bodyOf(a);
    const tenant = tenantOf(a);
    const type = await loadType(a.trx, tenant, String(b.object_type_id ?? ''));
    const q = a.trx(T.objects).where({ company_id: tenant, object_type_id: type.id }).whereNull('deleted_at');
    if (Array.isArray(b.object_ids)) q.whereIn('id', b.object_ids.map(String));
    const rows = await q.orderBy('created_at').limit(100);
    for (const r of rows) {
      await a.trx(T.records).where({ company_id: tenant, kind: 'ai_vectors', parent_id: r.id }).delete();
      await a.trx(T.records).insert({
        id: newId('vec'),
        company_id: tenant,
        kind: 'ai_vectors',
        parent_id: r.id,
        data: JSON.stringify({ object_type_id: type.id, vector: embed(textOf(r.properties)) }),
        created_at: a.trx.fn.now(),
        updated_at: a.trx.fn.now(),
      });
    }
    return { body: { indexed: rows.length, model: EMBEDDING_MODEL, object_type_id: type.id } };
  },
  vectorSimilaritySearch: async (a) => {
    const b = bodyOf(a);
    if (typeof b.query !== 'string' || !b.query.trim()) throw validation({ query: ['is required'] });
    const limit = Math.min(Math.max(Number(b.limit) || 10, 1), 50);
    const q = a.trx(T.records).where({ company_id: tenantOf(a), kind: 'ai_vectors' });
    if (b.object_type_id) q.whereRaw("data->>'object_type_id' = ?", [(await loadType(a.trx, tenantOf(a), String(b.object_type_id))).id]);
    const v = embed(b.query);
    const scored = (await q)
      .map((r) => ({
        object_id: r.parent_id,
        object_type_id: r.data.object_type_id,
        score: Math.round(cosine(v, r.data.vector) * 1e6) / 1e6,
      }))
      .filter((r) => r.score > 0)
      .sort((x, y) => y.score - x.score || String(x.object_id).localeCompare(String(y.object_id)))
      .slice(0, limit);
    return { body: { results: scored, model: EMBEDDING_MODEL, dimensions: DIMENSIONS } };
  },
  describeImage: (a) => describeImage(a, (ctx, task) => runTask(ctx, 'describe_image', task)),
  getAiUsageStats: async (a) => {
    const rows = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'ai_usage' })
      .select(a.trx.raw("data->>'feature' as feature"), a.trx.raw("data->>'model' as model"))
      .count({ calls: '*' })
      .sum({ prompt_tokens: a.trx.raw("(data->>'prompt_tokens')::int") })
      .sum({ completion_tokens: a.trx.raw("(data->>'completion_tokens')::int") })
      .groupByRaw('1, 2')
      .orderByRaw('1, 2');
    const by = (rows as Record<string, any>[]).map((r) => ({
      feature: r.feature,
      model: r.model,
      calls: Number(r.calls),
      prompt_tokens: Number(r.prompt_tokens ?? 0),
      completion_tokens: Number(r.completion_tokens ?? 0),
    }));
    return {
      body: {
        total_calls: by.reduce((n, r) => n + r.calls, 0),
        prompt_tokens: by.reduce((n, r) => n + r.prompt_tokens, 0),
        completion_tokens: by.reduce((n, r) => n + r.completion_tokens, 0),
        by_feature: by,
      },
    };
  },
} satisfies Record<string, ActionHandler>;
