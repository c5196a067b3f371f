/**
 * The runtime's one logger (pino): JSON lines for machines, pino-pretty on a terminal, level from
 * LOG_LEVEL. Secrets are redacted by path (REDACT_PATHS plus LOG_REDACT), so a header or body that
 * reaches a log line never carries a password, token, key or cookie.
 *
 * Lines go through `process.stdout.write` / `process.stderr.write` (warn and above on stderr), looked
 * up per line: harnesses that capture a server's output by replacing those (the fuzzer files server
 * errors under the case that caused them) keep working. On Linux both are synchronous for pipes and
 * files, so a line is out before the process exits.
 *
 * Under vitest the default level is `warn`, so test output stays quiet unless LOG_LEVEL asks otherwise.
 */
import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/** Keys that hold credentials wherever they appear (one level of nesting below the line's own fields). */
const SECRET_KEYS = [
  'password', 'new_password', 'old_password', 'current_password', 'password_confirm', 'token', 'access', 'refresh',
  'access_token', 'refresh_token', 'id_token', 'api_key', 'apiKey', 'secret', 'client_secret', 'signing_secret',
  'authorization', 'cookie', 'otp', 'totp', 'code_verifier',
];
const SECRET_HEADERS = ['authorization', 'x-loop-api-key', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key', 'stripe-signature'];

/** Every path redacted by default; LOG_REDACT adds more (comma-separated, pino path syntax). */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  ...SECRET_HEADERS.flatMap((h) => [`headers["${h}"]`, `req.headers["${h}"]`, `res.headers["${h}"]`]),
];

export const REDACTED = '[REDACTED]';

export interface LoggerSettings {
  readonly level?: string;
  readonly format?: 'json' | 'pretty';
  /** Extra redaction paths (LOG_REDACT). */
  readonly redact?: readonly string[];
  /** Where lines go; default stdout (info and below) and stderr (warn and above). */
  readonly destination?: DestinationStream;
  /** Adds `trace_id`/`span_id` of the active span to each line (when tracing runs). */
  readonly traceIds?: boolean;
}

function defaultLevel(env: NodeJS.ProcessEnv): Level | 'silent' {
  return (env.LOG_LEVEL?.trim().toLowerCase() as Level | undefined) || (env.VITEST ? 'warn' : 'info');
}

/** Destination that looks up the standard streams per line (see the header). */
function standardStreams(): DestinationStream {
  return pino.multistream(
    [
      { level: 'trace', stream: { write: (line: string) => process.stdout.write(line) } },
      { level: 'warn', stream: { write: (line: string) => process.stderr.write(line) } },
    ],
    { dedupe: true },
  );
}

export function createLogger(settings: LoggerSettings = {}, env: NodeJS.ProcessEnv = process.env): Logger {
  const format = settings.format ?? (env.LOG_FORMAT?.toLowerCase() === 'pretty' || (!env.LOG_FORMAT && process.stdout.isTTY) ? 'pretty' : 'json');
  const extra = settings.redact ?? (env.LOG_REDACT ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const options: LoggerOptions = {
    level: settings.level ?? defaultLevel(env),
    base: { pid: process.pid },
    redact: { paths: [...REDACT_PATHS, ...extra], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  if (settings.traceIds) {
    options.mixin = () => {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    };
  }
  const destination = settings.destination ?? (format === 'pretty' ? pretty({ colorize: true, sync: true, destination: 1 }) : standardStreams());
  return pino(options, destination);
}

let current: Logger | undefined;
let traceIds = false;

/** The process's logger, made on first use from the environment. */
export function logger(): Logger {
  return (current ??= createLogger({ traceIds }));
}

/** Replaces the process's logger (tests capture lines; `serve` sets the level it validated). */
export function setLogger(next: Logger | undefined): void {
  current = next;
}

/** Called once tracing starts, so lines carry the active trace id. */
export function enableTraceIds(): void {
  traceIds = true;
  current = undefined;
}
