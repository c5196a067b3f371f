/** Security schemes from `service.auth`, in the service's order of precedence (any one suffices). */
import type { ServiceNode } from '../../ir/index.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';

type AuthKind = ServiceNode['auth'][number];

const SCHEMES: Record<AuthKind, (s: ServiceNode) => [string, JsonSchema]> = {
  jwt: () => ['jwtAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from the login endpoint.' }],
  api_key: (s) => ['apiKeyAuth', { type: 'apiKey', in: 'header', name: s.apiKeyHeader ?? 'X-API-Key', description: 'Internal API key.' }],
  bearer_key: () => [
    'bearerAuth',
    { type: 'http', scheme: 'bearer', description: 'Secret API key (e.g. `sk_live_…`) sent as a bearer token.' },
  ],
  session: () => ['sessionAuth', { type: 'apiKey', in: 'cookie', name: 'session', description: 'Browser session cookie.' }],
};

export function securitySchemes(service: ServiceNode): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const kind of service.auth) {
    const [name, scheme] = SCHEMES[kind](service);
    out[name] = scheme;
  }
  return out;
}
