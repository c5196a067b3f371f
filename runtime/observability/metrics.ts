/**
 * Prometheus metrics (prom-client) in one registry per process. Request metrics are labelled by the
 * route template (`/api/v1/crm/contacts/:id/`), never the raw path: ids in labels would make a series
 * per record. Gauges that describe the database (pool use, outbox depth) are read at scrape time by
 * collectors registered per service (runtime/observability/collectors.ts).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiError } from '../http/api-error.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpRequests = new Counter({
  name: 'loopgen_http_requests_total',
  help: 'HTTP requests answered, by service, method, route template and status.',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'loopgen_http_request_duration_seconds',
  help: 'Time from receiving a request to finishing its answer, by service, method, route template and status.',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const ruleRefusals = new Counter({
  name: 'loopgen_rule_refusals_total',
  help: 'Requests refused by the reservation rules engine, by service, rule (R-01…) and error code.',
  labelNames: ['service', 'rule', 'code'] as const,
  registers: [registry],
});

/** Counts an answered error that names a rules-engine rule (slot conflicts and rule violations). */
export function noteRefusal(service: string, err: ApiError): void {
  if (err.rule) ruleRefusals.inc({ service, rule: err.rule, code: err.code });
}

/** The exposition text and its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
