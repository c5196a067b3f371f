/**
 * Top self-time frames of a V8 CPU profile (`node --cpu-prof`, or the inspector's Profiler.stop):
 * where the process spent its own time, by function and by package, so a flame graph's widest
 * leaves can be read in a terminal. Used by test/bench/crud.bench.ts (BENCH_PROFILE=1).
 * Run: `npx tsx scripts/cpu-profile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame lives: the npm package, `node:` internals, or the project file. */
function placeOf(url: string): string {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(runtime|generated|test|bin)\//, '$1/');
}

export function summariseProfile(p: CpuProfile, top = 25): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const perPlace = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!);
    const dt = p.timeDeltas[i] ?? 0;
    if (!n) continue;
    total += dt;
    const f = n.callFrame;
    const place = placeOf(f.url);
    const key = `${f.functionName || '(anonymous)'}  ${place}${f.url && !f.url.includes('node_modules') ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const bucket =
      f.functionName === '(idle)' || f.functionName === '(program)' || f.functionName === '(garbage collector)' ? f.functionName : place;
    perPlace.set(bucket, (perPlace.get(bucket) ?? 0) + dt);
  }
  const pct = (us: number) => `${((100 * us) / (total || 1)).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1000).toFixed(0)} ms sampled`, 'self time by package / place:'];
  for (const [k, v] of [...perPlace].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(v)}  ${k}`);
  lines.push(`top ${top} self-time frames:`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v)}  ${k}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx scripts/cpu-profile-summary.ts <file.cpuprofile> [top]');
    process.exit(64);
  }
  for (const l of summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25))) console.log(l);
}
