/**
 * The platform's plain CRUD deletes answer what the platform API document shows — `{id, deleted: true}`,
 * `{conversation_id, deleted: true}` for AI conversations, `{deleted: true}` for forms — instead of
 * `data: null` (catalogue `delete_answer:`), each validated against generated/platform/openapi.json;
 * the record is gone afterwards. Named delete handlers that declare `delete_answer` are held to it too (the
 * journal-entry delete is in test/platform/accounting.test.ts: a draft needs accounts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';
import { documentedCall } from './documented-call.ts';

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'delete-answers-co');
  call = client(svc, key);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const CASES: [path: string, body: Record<string, unknown>, idKey: string | null][] = [
  ['accounting/currencies', { code: 'CHF', name: 'Swiss franc', symbol: 'Fr', decimal_places: 2 }, 'id'],
  ['accounting/exchange-rates', { from_currency: 'EUR', to_currency: 'CHF', rate: '0.95', effective_date: '2025-01-01' }, 'id'],
  [
    'accounting/invoices',
    { type: 'sales', contact_name: 'Acme', date: '2025-01-01', due_date: '2025-01-31', currency: 'EUR', lines: [] },
    'id',
  ],
  ['accounting/periods', { name: 'Q1', start_date: '2025-01-01', end_date: '2025-03-31' }, 'id'],
  ['accounting/recurring', { name: 'Rent', frequency: 'monthly', next_run: '2025-02-01', template: { lines: [] } }, 'id'],
  ['accounting/tax-codes', { code: 'VAT7', name: 'VAT 7%', rate: '7' }, 'id'],
  ['ai-providers', { name: 'local', provider_type: 'openai' }, 'id'],
  ['ai/conversations', { title: 'Hello' }, 'conversation_id'],
  ['forms', { name: 'Contact' }, null],
  ['functions', { name: 'noop', trigger_type: 'http' }, 'id'],
  ['integrations', { provider: 'webhook', name: 'Out' }, 'id'],
  ['plugins', { name: 'maps', version: '1.0.0' }, 'id'],
  ['saved-reports', { name: 'Deals', type: 'table', config_json: {} }, 'id'],
  ['scheduled-jobs', { name: 'Nightly', cron_expression: '0 3 * * *', action_type: 'emit_event', action_config: { event: 'x.y' } }, 'id'],
  // Deletes answered by a named handler that declares the same answer (catalogue `delete_answer:` next to `handlers:`).
  ['roles', { name: 'auditor' }, 'id'],
  ['dashboards', { name: 'Sales' }, 'id'],
  ['webhooks', { url: 'https://hooks.example.com/in', events: ['object.created'] }, 'id'],
  ['automations', { name: 'Greet', trigger_event: 'object.created', actions: [] }, 'id'],
  ['object-types', { name: 'ticket' }, 'id'],
  ['users', { email: 'leaving@example.com', password: 'long-enough-pw' }, 'user_id'],
  ['accounting/accounts', { code: '6100', name: 'Travel', type: 'expense' }, 'id'],
  ['accounting/bank-accounts', { name: 'Current', currency: 'EUR' }, 'id'],
];

it.each(CASES)('DELETE /%s/{id} answers the documented body', async (path, body, idKey) => {
  const created = await call('POST', path, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.data.id as string;
  const data = await documentedCall(svc, key, `DELETE /${path}/{id}`, [id]);
  expect(data).toEqual(idKey ? { [idKey]: id, deleted: true } : { deleted: true });
  expect((await call('DELETE', `${path}/${id}`)).status).toBe(404);
});
