/**
 * The only place that names the services: each maps to its wing's wiring (runtime/<service>/index.ts),
 * loaded lazily so serving one service never loads another's code.
 */
import type { ServiceWiring } from './service-wiring.ts';

export type { ServiceWiring } from './service-wiring.ts';

const WIRINGS: Readonly<Record<string, () => Promise<ServiceWiring>>> = {
  loop: async () => (await import('../loop/index.ts')).loopWiring,
  roomloop: async () => (await import('../roomloop/index.ts')).roomloopWiring,
  platform: async () => (await import('../platform/index.ts')).platformWiring,
};

export async function serviceWiring(service: string): Promise<ServiceWiring> {
  const w = WIRINGS[service];
  if (!w) throw new Error(`no runtime wiring for service "${service}" (known: ${Object.keys(WIRINGS).join(', ')})`);
  return w();
}
