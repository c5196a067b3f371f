/**
 * The runtime's one logger (pino): JSON lines for machines, pino-pretty on a terminal, level from
 * LOG_LEVEL. Secrets are redacted by key (SECRET_KEYS) and by the names and paths LOG_REDACT adds, so
 * a header or body that reaches a log line never carries a password, token, key or cookie.
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

/**
 * Keys whose values are credentials wherever they appear in a line (any depth, any case): bodies,
 * headers (Authorization, X-LOOP-API-KEY, cookies), nested settings. Matching keys by a walk costs a
 * few microseconds a line, where pino's wildcard paths (`*.password`) cost a hundred times more.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'new_password',
  'old_password',
  'current_password',
  'password_confirm',
  'token',
  'access',
  'refresh',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'signing_secret',
  'confirm_token',
  'otp',
  'totp',
  'code_verifier',
  'private_key',
  'authorization',
  'proxy-authorization',
  'x-loop-api-key',
  'x-api-key',
  'cookie',
  'set-cookie',
  'stripe-signature',
]);

export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 6;

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `value` with secret keys masked; the same object when nothing needed masking (no copy on the hot path). */
export function scrub(value: unknown, keys: ReadonlySet<string> = SECRET_KEYS, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = scrub(item, keys, depth + 1);
      if (next !== item) (out ??= [...value])[i] = next;
    });
    return out ?? value;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    const next = keys.has(key.toLowerCase()) && item !== undefined && item !== null ? REDACTED : scrub(item, keys, depth + 1);
    if (next !== item) (out ??= { ...value })[key] = next;
  }
  return out ?? value;
}

export interface LoggerSettings {
  readonly level?: string;
  readonly format?: 'json' | 'pretty';
  /** Extra redaction (LOG_REDACT): a bare name masks that key at any depth, a path (`body.iban`) that path. */
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
  const format =
    settings.format ?? (env.LOG_FORMAT?.toLowerCase() === 'pretty' || (!env.LOG_FORMAT && process.stdout.isTTY) ? 'pretty' : 'json');
  const extra =
    settings.redact ??
    (env.LOG_REDACT ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  const keys = new Set([...SECRET_KEYS, ...extra.filter((p) => /^[\w-]+$/.test(p)).map((p) => p.toLowerCase())]);
  const paths = extra.filter((p) => !/^[\w-]+$/.test(p));
  const options: LoggerOptions = {
    level: settings.level ?? defaultLevel(env),
    base: { pid: process.pid },
    ...(paths.length ? { redact: { paths, censor: REDACTED } } : {}),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: (obj) => scrub(obj, keys) as Record<string, unknown> },
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
  const destination =
    settings.destination ?? (format === 'pretty' ? pretty({ colorize: true, sync: true, destination: 1 }) : standardStreams());
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
