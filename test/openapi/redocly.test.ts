/**
 * Redocly CLI's `recommended` ruleset (redocly.yaml: LOOP's trailing slashes are Django REST framework's)
 * reports no error on any of the three generated documents. Warnings are allowed and listed in the output.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/golden.ts';

describe('redocly lint (recommended)', () => {
  it('finds 0 errors in the loop, roomloop and platform documents', async () => {
    const redocly = join(projectRoot, 'node_modules', '.bin', 'redocly');
    // Exit status 1 means at least one error; the summary names the rules.
    const run = await promisify(execFile)(redocly, ['lint', '--format=summary'], { cwd: projectRoot, maxBuffer: 64 << 20 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    const errors = run.out.split('\n').filter((l) => /^error\s/.test(l.trim()));
    expect(errors).toEqual([]);
    expect(run.code).toBe(0);
  }, 120_000);
});
