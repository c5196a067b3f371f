/**
 * The endpoint inventory (test/fixtures/inventory.jsonl, one row per endpoint of docs/api/) as the
 * servers answer it. The inventory infers methods from summaries; the rows below the platform API
 * document shows with a JSON request body, so they are served as POST (a GET that reserved an upload
 * slot had a side effect).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './test-service.ts';

export interface InventoryRow {
  readonly method: string;
  readonly path: string;
  readonly kind: string;
  readonly service: string;
  readonly norm: string;
}

const POSTED: Readonly<Record<string, ReadonlySet<string>>> = {
  platform: new Set([
    '/v1/tenants/lookup',
    '/v1/files/upload-url',
    '/v1/files/search',
    '/v1/reports/funnel',
    '/v1/reports/leaderboard',
    '/v1/reports/pipeline',
    '/v1/reports/timeseries',
  ]),
};

export function inventoryRows(): InventoryRow[] {
  return readFileSync(join(ROOT, 'test', 'fixtures', 'inventory.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as InventoryRow)
    .map((r) => (POSTED[r.service]?.has(r.path) ? { ...r, method: 'POST' } : r));
}
