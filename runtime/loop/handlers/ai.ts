/**
 * The LOOP assistant actions (ai/chat, generate-report, business-advice, summarize, document).
 * Every call goes through one provider (runtime/effects/ai/provider.ts) and leaves an
 * ai_usage_logs row with its token counts (runtime/loop/ai/ai-call.ts). Offline, answers are extractive or
 * computed from the tenant's data and say so; with LOOP_AI_BASE_URL the model writes them.
 */
import { randomUUID } from 'node:crypto';
import { aiInsightResource as insights } from '../../../generated/loop/server/ai.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { validation } from '../../http/api-error.ts';
import type { ActionResult } from '../../runtime-api.ts';
import { countWords } from '../../effects/ai/extractive.ts';
import { callAi, parseJsonObject } from '../ai/ai-call.ts';
import { companyIdOf } from '../files/assets.ts';
import { figuresMarkdown, moduleFigures, type ModuleFigures } from '../ai/module-report.ts';
import { offlineAdvice, offlineChat, offlineDocument, offlineSummary } from '../ai/offline-answers.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

const SYSTEM =
  'You are the LOOP business assistant. Answer clearly and briefly; never invent figures that are not in the data you are given.';

function figureLines(f: ModuleFigures): string[] {
  return f.resources
    .filter((r) => r.total > 0)
    .map((r) => {
      const status =
        r.by_status && Object.keys(r.by_status).length
          ? ` (${Object.entries(r.by_status)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')})`
          : '';
      return `${r.resource}: ${r.total} records${status}`;
    });
}

/** The catalogue types the prompt fields as plain strings; an empty one gives the assistant nothing to work on. */
function notBlank(field: string, value: string): void {
  if (!value) throw validation({ [field]: ['This field may not be blank.'] });
}

async function chat(a: LoopArgs<'ai.chat'>): Promise<ActionResult> {
  const b = a.body;
  notBlank('message', b.message);
  const figures = b.module ? await moduleFigures(a.trx, companyIdOf(a.ctx), b.module, null, null) : null;
  const lines = figures ? figureLines(figures) : [];
  const r = await callAi(
    a,
    {
      feature: 'chat',
      system: SYSTEM,
      prompt: [
        b.message,
        lines.length ? `\nCompany data (${b.module}):\n${lines.join('\n')}` : '',
        b.context ? `\nContext: ${JSON.stringify(b.context)}` : '',
      ].join(''),
      maxTokens: 800,
      offline: () => offlineChat(b.message, b.module, lines),
    },
    b.module ?? 'ai',
  );
  if ('failure' in r) return r.failure;
  await a.audit({ action: 'chat', resource: a.action.id, recordId: r.usageLogId, changes: { module: b.module ?? null } });
  return { body: { reply: r.completion.text, conversation_id: b.conversation_id ?? randomUUID(), usage: r.usage } };
}

async function generateReport(a: LoopArgs<'ai.generateReport'>): Promise<ActionResult> {
  const b = a.body;
  const figures = await moduleFigures(a.trx, companyIdOf(a.ctx), b.module, b.from ?? null, b.to ?? null);
  const title = `${b.module[0]!.toUpperCase()}${b.module.slice(1)} ${(b.report_type ?? 'performance').replace(/_/g, ' ')} report`;
  const r = await callAi(
    a,
    {
      feature: 'generate_report',
      system: `${SYSTEM} Write a short Markdown report with headings for the figures given.`,
      prompt: `Report: ${title}\nFigures (JSON): ${JSON.stringify(figures)}`,
      maxTokens: 1500,
      offline: () => figuresMarkdown(title, figures),
    },
    b.module,
  );
  if ('failure' in r) return r.failure;
  const md = r.completion.text;
  const content = b.format === 'json' ? JSON.stringify(figures) : b.format === 'html' ? markdownToHtml(md) : md;
  const summary =
    md
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .slice(0, 3)
      .join(' ')
      .slice(0, 2000) || title;
  const [ins] = await a
    .trx(insights.table)
    .insert({
      company_id: companyIdOf(a.ctx),
      title: title.slice(0, 200),
      summary,
      kind: 'trend',
      severity: 'info',
      source_module: b.module.slice(0, 50),
      data: JSON.stringify(figures),
      status: 'new',
      usage_log_id: r.usageLogId,
      generated_at: new Date(),
      created_by: a.ctx.principal ? Number(a.ctx.principal.userId) : null,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id');
  const insight = Number(ins.id ?? ins);
  await a.audit({
    action: 'generate-report',
    resource: a.action.id,
    recordId: insight,
    changes: { module: b.module, from: b.from ?? null, to: b.to ?? null },
  });
  return { body: { title, content, data: figures, insight } };
}

function markdownToHtml(md: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    md
      .split('\n')
      .map((l) => {
        const h = /^(#{1,3})\s+(.*)$/.exec(l);
        if (h) return `<h${h[1]!.length}>${esc(h[2]!)}</h${h[1]!.length}>`;
        if (l.startsWith('- ')) return `<li>${esc(l.slice(2))}</li>`;
        return l.trim() ? `<p>${esc(l)}</p>` : '';
      })
      .filter(Boolean)
      .join('\n') + '\n'
  );
}

async function businessAdvice(a: LoopArgs<'ai.businessAdvice'>): Promise<ActionResult> {
  const b = a.body;
  notBlank('question', b.question);
  const fallback = offlineAdvice(b.question, b.focus);
  const r = await callAi(
    a,
    {
      feature: 'business_advice',
      system: `${SYSTEM} Reply with a JSON object {"advice": string, "actions": [{"title", "detail", "priority": "high"|"medium"|"low"}]}.`,
      prompt: `Focus: ${b.focus}\nQuestion: ${b.question}${b.context ? `\nContext: ${JSON.stringify(b.context)}` : ''}`,
      json: true,
      maxTokens: 900,
      offline: () => JSON.stringify(fallback),
    },
    'ai',
  );
  if ('failure' in r) return r.failure;
  const parsed = parseJsonObject(r.completion.text);
  const advice = typeof parsed?.advice === 'string' ? parsed.advice : r.completion.text;
  const actions = Array.isArray(parsed?.actions) ? parsed.actions : [];
  await a.audit({ action: 'business-advice', resource: a.action.id, recordId: r.usageLogId, changes: { focus: b.focus } });
  return { body: { advice, actions } };
}

async function summarizeText(a: LoopArgs<'ai.summarize'>): Promise<ActionResult> {
  const b = a.body;
  notBlank('text', b.text);
  const r = await callAi(
    a,
    {
      feature: 'summarize',
      system: `${SYSTEM} Summarise the user's text in at most ${b.max_words} words${b.style === 'bullets' ? ' as "- " bullet points' : ' as one paragraph'}${b.language ? `, in ${b.language}` : ''}.`,
      prompt: b.text,
      maxTokens: Math.ceil(b.max_words * 2),
      offline: () => offlineSummary(b.text, b.max_words, b.style),
    },
    'ai',
  );
  if ('failure' in r) return r.failure;
  await a.audit({ action: 'summarize', resource: a.action.id, recordId: r.usageLogId, changes: { words_in: countWords(b.text) } });
  return { body: { summary: r.completion.text, word_count: countWords(r.completion.text) } };
}

async function draftDocument(a: LoopArgs<'ai.document'>): Promise<ActionResult> {
  const b = a.body;
  notBlank('instructions', b.instructions);
  const title = b.title ?? `${b.kind[0]!.toUpperCase()}${b.kind.slice(1)}`;
  const data = b.data && typeof b.data === 'object' && !Array.isArray(b.data) ? (b.data as Record<string, unknown>) : {};
  const r = await callAi(
    a,
    {
      feature: 'document',
      system: `${SYSTEM} Draft a business ${b.kind} in ${b.format === 'html' ? 'HTML (body content only)' : 'Markdown'}.`,
      prompt: `Title: ${title}\nInstructions: ${b.instructions}\nData: ${JSON.stringify(data)}`,
      maxTokens: 2000,
      offline: () => offlineDocument(b.kind, title, b.instructions, data, b.format),
    },
    'ai',
  );
  if ('failure' in r) return r.failure;
  await a.audit({ action: 'document', resource: a.action.id, recordId: r.usageLogId, changes: { kind: b.kind, title } });
  return { body: { title, content: r.completion.text } };
}

export const aiHandlers = {
  'ai.chat': chat,
  'ai.generateReport': generateReport,
  'ai.businessAdvice': businessAdvice,
  'ai.summarize': summarizeText,
  'ai.document': draftDocument,
} satisfies Partial<LoopHandlers>;
