/**
 * Turns a rendered template (HTML or Markdown) into simple layout blocks the PDF writer draws:
 * headings, paragraphs, list items and rules. This is deliberately not an HTML engine — templates
 * are business letters, invoices and certificates, and these blocks cover them.
 */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'item'; readonly text: string }
  | { readonly kind: 'rule' };

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
  '#x27': "'",
  '#x2F': '/',
  '#x3D': '=',
  '#x60': '`',
};

function decode(s: string): string {
  return s.replace(
    /&(#?[a-zA-Z0-9]+);/g,
    (m, e: string) =>
      ENTITIES[e] ?? (e.startsWith('#') ? String.fromCodePoint(Number(e.startsWith('#x') ? '0x' + e.slice(2) : e.slice(1)) || 32) : m),
  );
}

/** HTML → Markdown-like lines, so one parser handles both formats. */
export function htmlToLines(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<h([1-3])[^>]*>([\s\S]*?)<\/h\1>/gi, (_m, l: string, t: string) => `\n${'#'.repeat(Number(l))} ${t}\n`)
    .replace(/<li[^>]*>([\s\S]*?)<\/li>/gi, (_m, t: string) => `\n- ${t}\n`)
    .replace(/<hr\s*\/?>/gi, '\n---\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|table|ul|ol|h[4-6])>/gi, '\n\n')
    .replace(/<\/t[dh]>/gi, '  ')
    .replace(/<[^>]+>/g, '')
    .split('\n')
    .map((l) => decode(l))
    .join('\n');
}

export function toBlocks(text: string, format: 'html' | 'markdown'): Block[] {
  const src = format === 'html' ? htmlToLines(text) : text;
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: 'paragraph', text: para.join(' ').replace(/\s+/g, ' ').trim() });
    para = [];
  };
  for (const raw of src.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (h) {
      flush();
      blocks.push({ kind: 'heading', level: h[1]!.length as 1 | 2 | 3, text: stripInline(h[2]!) });
    } else if (/^([-*+]|\d+\.)\s+/.test(line)) {
      flush();
      blocks.push({ kind: 'item', text: stripInline(line.replace(/^([-*+]|\d+\.)\s+/, '')) });
    } else if (/^(-{3,}|\*{3,}|_{3,})$/.test(line)) {
      flush();
      blocks.push({ kind: 'rule' });
    } else para.push(stripInline(line));
  }
  flush();
  return blocks.filter((b) => b.kind === 'rule' || b.text.length > 0);
}

/** `**bold**`, `_em_`, `[text](url)` → plain text (the PDF uses one weight per block). */
function stripInline(s: string): string {
  return s.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2');
}
