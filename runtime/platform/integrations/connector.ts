/**
 * Integration connectors: what POST /v1/integrations/:id/sync runs for an integration's `provider`
 * (sync-types.ts says what a connector is). Providers without a connector here are answered 409
 * NOT_CONFIGURED (sync.ts) — never a success that transferred nothing.
 */
import type { Connector } from './sync-types.ts';
import { httpJsonConnector } from './http-json.ts';

const CONNECTORS: readonly Connector[] = [httpJsonConnector];

export function connectorFor(provider: unknown): Connector | null {
  const p = String(provider ?? '')
    .trim()
    .toLowerCase();
  return CONNECTORS.find((c) => c.providers.includes(p)) ?? null;
}

export function connectorList(): string {
  return CONNECTORS.map((c) => `${c.providers[0]} (${c.summary})`).join('; ');
}
