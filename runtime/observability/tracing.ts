/**
 * OpenTelemetry traces: HTTP, Express and pg instrumentation through the Node SDK, started only when
 * an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_TRACES_EXPORTER other than `none`).
 * The SDK reads the standard OTEL_* variables itself (endpoint, headers, sampler, service name).
 *
 * Instrumentation patches modules as they load, so `startTracing` must run before express, pg and
 * the runtime are imported: `loopgen serve` calls it before its dynamic imports. The ESM loader hook
 * (import-in-the-middle) is registered for modules imported as ESM; CommonJS ones (pg under knex)
 * are patched through require.
 */
import { register } from 'node:module';
import { enableTraceIds } from './logger.ts';

export interface TracingHandle {
  shutdown(): Promise<void>;
}

export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<TracingHandle | undefined> {
  if (!tracingWanted(env)) return undefined;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK }, { HttpInstrumentation }, { ExpressInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || `loopgen-${service}`,
    instrumentations: [
      // Probes and scrapes would drown the traces that matter.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)\/?(\?|$)/.test(req.url ?? '') }),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  enableTraceIds();
  return { shutdown: () => sdk.shutdown() };
}
