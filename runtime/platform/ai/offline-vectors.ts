/**
 * Offline text embeddings and moderation for the platform's AI endpoints, used when no model
 * endpoint is configured. Honest about what they are:
 * - embeddings: feature hashing of word unigrams and bigrams into 256 dimensions (signed, L2
 *   normalised) — lexical similarity, not semantic; model name `loop-offline-hashing-256`;
 * - moderation: a small lexicon per category — flags obvious words only; `loop-offline-lexicon-1`.
 */
import { createHash } from 'node:crypto';

export const EMBEDDING_MODEL = 'loop-offline-hashing-256';
export const MODERATION_MODEL = 'loop-offline-lexicon-1';
export const DIMENSIONS = 256;

const tokens = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

export function embed(text: string): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  const t = tokens(text);
  const feats = [...t, ...t.slice(1).map((w, i) => `${t[i]} ${w}`)];
  for (const f of feats) {
    const h = createHash('sha256').update(f).digest();
    const i = h.readUInt16BE(0) % DIMENSIONS;
    v[i]! += h[2]! & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const LEXICON: Readonly<Record<string, readonly string[]>> = {
  violence: ['kill', 'murder', 'shoot', 'stab', 'bomb', 'attack'],
  harassment: ['idiot', 'stupid', 'loser', 'moron', 'shut up'],
  self_harm: ['suicide', 'self-harm', 'kill myself'],
  sexual: ['porn', 'nude', 'sex'],
  spam: ['buy now', 'click here', 'free money', 'limited offer'],
};

export function moderate(text: string) {
  const lower = ` ${text.toLowerCase()} `;
  const categories: Record<string, boolean> = {};
  const matched: Record<string, string[]> = {};
  for (const [cat, terms] of Object.entries(LEXICON)) {
    const hits = terms.filter((t) => new RegExp(`(^|[^\\p{L}])${t}([^\\p{L}]|$)`, 'u').test(lower));
    categories[cat] = hits.length > 0;
    if (hits.length) matched[cat] = hits;
  }
  return { flagged: Object.values(categories).some(Boolean), categories, matched };
}
