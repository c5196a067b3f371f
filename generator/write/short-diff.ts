/** A few lines of unified-style context for `loopgen check`, enough to see why a file is stale. */
export function shortDiff(before: string, after: string, maxLines = 12): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const out: string[] = [`@@ line ${start + 1} @@`];
  for (const l of a.slice(start, endA + 1).slice(0, maxLines / 2)) out.push(`- ${l}`);
  for (const l of b.slice(start, endB + 1).slice(0, maxLines / 2)) out.push(`+ ${l}`);
  const hidden = endA + 1 - start + (endB + 1 - start) - (out.length - 1);
  if (hidden > 0) out.push(`… ${hidden} more changed lines`);
  return out.join('\n');
}
