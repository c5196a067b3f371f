/**
 * What the offline provider answers for each assistant feature. Each answer says plainly that it
 * comes from the offline assistant (no AI model configured), and uses only what it was given:
 * extracted sentences, the caller's own fields, or figures computed from the tenant's data.
 */
import { keywords, summarize } from '../../effects/ai/extractive.ts';

export const OFFLINE_NOTE = 'LOOP offline assistant — no AI model is configured, so this answer is extractive/rule-based.';

export function offlineSummary(text: string, maxWords: number, style: 'paragraph' | 'bullets'): string {
  const picked = summarize(text, maxWords);
  return style === 'bullets' ? picked.map((s) => `- ${s}`).join('\n') : picked.join(' ');
}

export function offlineChat(message: string, module: string | undefined, dataLines: readonly string[]): string {
  const topics = keywords(message, 4);
  const parts = [`${OFFLINE_NOTE} I can't compose free-form answers${topics.length ? ` about ${topics.join(', ')}` : ''}.`];
  if (module && dataLines.length) parts.push(`Here is what your ${module} data shows:`, ...dataLines.map((l) => `- ${l}`));
  else if (module) parts.push(`There are no ${module} records yet.`);
  else parts.push('Name a module (e.g. booking) and I will list what your data shows; set LOOP_AI_BASE_URL for full answers.');
  return parts.join('\n');
}

const PLAYBOOK: Readonly<Record<string, readonly { title: string; detail: string; priority: 'high' | 'medium' | 'low' }[]>> = {
  sales: [
    {
      title: 'Review the pipeline weekly',
      detail: 'List open deals by stage and age; follow up on anything idle for two weeks.',
      priority: 'high',
    },
    { title: 'Ask for referrals', detail: 'Ask satisfied customers for one introduction after each completed job.', priority: 'medium' },
    { title: 'Track win/loss reasons', detail: 'Record why deals close or fail to find the pattern.', priority: 'low' },
  ],
  marketing: [
    {
      title: 'Pick one channel to measure',
      detail: 'Tag every lead with its source and compare cost per customer monthly.',
      priority: 'high',
    },
    { title: 'Collect reviews', detail: 'Send a review request after each visit or delivery.', priority: 'medium' },
    { title: 'Keep a content calendar', detail: 'Plan one useful post per week around customer questions.', priority: 'low' },
  ],
  operations: [
    { title: 'Write down the top three processes', detail: 'A one-page checklist each cuts errors and training time.', priority: 'high' },
    { title: 'Measure turnaround', detail: 'Record start and finish times to see where work waits.', priority: 'medium' },
    { title: 'Review suppliers quarterly', detail: 'Compare price, quality and delivery reliability.', priority: 'low' },
  ],
  finance: [
    { title: 'Forecast cash 13 weeks ahead', detail: 'List expected receipts and payments week by week.', priority: 'high' },
    { title: 'Chase overdue invoices', detail: 'Send reminders at 7, 14 and 30 days past due.', priority: 'high' },
    { title: 'Check margins per product', detail: 'Drop or reprice what does not cover its direct costs.', priority: 'medium' },
  ],
  growth: [
    { title: 'Find your best customers', detail: 'Rank customers by revenue and repeat visits; learn what they share.', priority: 'high' },
    {
      title: 'Improve retention first',
      detail: 'Contact customers who have not returned in twice their usual interval.',
      priority: 'medium',
    },
    { title: 'Test one new offer', detail: 'Run a small, time-boxed experiment and measure the result.', priority: 'low' },
  ],
  hr: [
    { title: 'Hold regular one-to-ones', detail: 'Fifteen minutes every two weeks surfaces problems early.', priority: 'high' },
    { title: 'Document roles', detail: 'Write a short description of each role and its goals.', priority: 'medium' },
    { title: 'Plan cover', detail: 'Make sure every critical task has a second person who can do it.', priority: 'low' },
  ],
};

export function offlineAdvice(
  question: string,
  focus: string,
): { advice: string; actions: { title: string; detail: string; priority: string }[] } {
  const actions = [...(PLAYBOOK[focus] ?? PLAYBOOK.growth!)];
  const topics = keywords(question, 3);
  const advice = `${OFFLINE_NOTE} General ${focus} practices${topics.length ? ` relevant to ${topics.join(', ')}` : ''}: ${actions.map((a) => a.title.toLowerCase()).join('; ')}.`;
  return { advice, actions };
}

function valueText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function offlineDocument(
  kind: string,
  title: string,
  instructions: string,
  data: Record<string, unknown>,
  format: 'markdown' | 'html',
): string {
  const facts = Object.entries(data).map(([k, v]) => `- **${k.replace(/_/g, ' ')}**: ${valueText(v)}`);
  const md = [
    `# ${title}`,
    '',
    `_Draft ${kind} prepared by the ${OFFLINE_NOTE.replace(/^LOOP /, 'LOOP ')} Review and complete before sending._`,
    '',
    '## Purpose',
    '',
    instructions.trim(),
    ...(facts.length ? ['', '## Details', '', ...facts] : []),
    '',
    '## Next steps',
    '',
    '- Confirm the details above are correct.',
    '- Add names, dates and signatures where needed.',
    '',
  ].join('\n');
  if (format === 'markdown') return md;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    md
      .split('\n')
      .map((l) => {
        if (l.startsWith('# ')) return `<h1>${esc(l.slice(2))}</h1>`;
        if (l.startsWith('## ')) return `<h2>${esc(l.slice(3))}</h2>`;
        if (l.startsWith('- ')) return `<li>${esc(l.slice(2)).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')}</li>`;
        return l ? `<p>${esc(l).replace(/_(.+)_/, '<em>$1</em>')}</p>` : '';
      })
      .filter(Boolean)
      .join('\n') + '\n'
  );
}

const OPENERS = { friendly: 'Thanks so much for your message', formal: 'Thank you for contacting us', concise: 'Thanks' } as const;

/** Reply suggestions to the last customer message (rule-based; the agent edits before sending). */
export function offlineReplies(lastMessage: string, name: string | null, tone: 'friendly' | 'formal' | 'concise'): string[] {
  const topic = keywords(lastMessage, 3).join(', ');
  const hello = name ? (tone === 'formal' ? `Dear ${name},` : `Hi ${name},`) : tone === 'formal' ? 'Hello,' : 'Hi,';
  const about = topic ? ` about ${topic}` : '';
  return [
    `${hello} ${OPENERS[tone]}${about}. We're looking into it and will get back to you shortly.`,
    `${hello} ${OPENERS[tone]}. Could you share a few more details${about} so we can help?`,
    `${hello} ${OPENERS[tone]}${about}. A member of our team will follow up with you today.`,
  ];
}
