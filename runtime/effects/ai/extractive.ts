/**
 * Extractive summarisation for the offline provider: score sentences by the frequency of their
 * content words (a classic Luhn-style method), keep the best ones in their original order until
 * the word budget is spent. Nothing is invented; every sentence comes from the input.
 */
const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his i if in into is it its ' +
    'me my no not of on or our she so than that the their them then there these they this to too us was we were what ' +
    'when which who will with would you your just also very about after before over under up out more most other some such only own same'
  ).split(' '),
);

export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

export function countWords(s: string): number {
  return words(s).length;
}

export function summarize(text: string, maxWords: number): string[] {
  const sents = sentences(text);
  if (sents.length === 0) return [];
  const freq = new Map<string, number>();
  for (const w of words(text)) if (!STOP.has(w) && w.length > 2) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = sents.map((s, i) => {
    const ws = words(s).filter((w) => !STOP.has(w) && w.length > 2);
    const score = ws.reduce((n, w) => n + (freq.get(w) ?? 0), 0) / Math.sqrt(Math.max(ws.length, 1));
    // Opening sentences usually carry the topic; give them a small lift.
    return { i, s, score: score * (i === 0 ? 1.2 : 1) };
  });
  const picked: typeof scored = [];
  let budget = maxWords;
  for (const c of [...scored].sort((x, y) => y.score - x.score || x.i - y.i)) {
    const n = countWords(c.s);
    if (n <= budget) {
      picked.push(c);
      budget -= n;
    }
    if (budget <= 0) break;
  }
  if (picked.length === 0) {
    // Even the shortest sentence is over budget: cut the best one at the budget.
    const best = [...scored].sort((x, y) => y.score - x.score || x.i - y.i)[0]!;
    return [best.s.split(/\s+/).slice(0, maxWords).join(' ') + '…'];
  }
  return picked.sort((x, y) => x.i - y.i).map((c) => c.s);
}

/** The most frequent content words, for labelling topics. */
export function keywords(text: string, n: number): string[] {
  const freq = new Map<string, number>();
  for (const w of words(text)) if (!STOP.has(w) && w.length > 3) freq.set(w, (freq.get(w) ?? 0) + 1);
  return [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([w]) => w);
}
