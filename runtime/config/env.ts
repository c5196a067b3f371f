/**
 * Every environment variable the runtime reads, checked once when `loopgen serve` starts: a typo'd
 * number, an unknown log level or a too-short secret is reported then (one line per problem, exit 64)
 * rather than surfacing as odd behaviour on the first request that needs it. Modules that take an
 * `env` argument (storage, AI provider, mail, JWT secrets) keep reading it themselves; this schema
 * states the same rules so a bad value never gets that far.
 *
 * Empty strings count as unset (env files and container specs often carry `NAME=`).
 */
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const str = () => z.preprocess(blank, z.string().optional());
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blank, z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min).max(max).optional());
const num = (min: number) => z.preprocess(blank, z.coerce.number({ error: 'must be a number' }).min(min).optional());
const url = (...protocols: string[]) =>
  z.preprocess(
    blank,
    z
      .string()
      .refine((v) => URL.canParse(v), 'must be a URL')
      .refine(
        (v) => !protocols.length || protocols.includes(new URL(v).protocol),
        `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      )
      .optional(),
  );
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof blank(v) === 'string' ? (v as string).toLowerCase() : undefined),
    z.enum(values, { error: `must be one of ${values.join(', ')}` }).optional(),
  );
const flag = () =>
  z.preprocess(
    blank,
    z
      .string()
      .regex(/^(1|0|true|false|yes|no|on|off)$/i, 'must be true or false')
      .optional(),
  );
const secret = (min = 1) => z.preprocess(blank, z.string().min(min, `must be at least ${min} characters long`).optional());
const base64Key = () =>
  z.preprocess(
    blank,
    z
      .string()
      .refine((v) => Buffer.from(v.trim(), 'base64').length === 32, 'must hold 32 bytes in base64 (e.g. `openssl rand -base64 32`)')
      .optional(),
  );
const timeZone = () =>
  z.preprocess(
    blank,
    z
      .string()
      .refine((v) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: v });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/London')
      .optional(),
  );

/** Variable → rule. `secret: true` entries are masked by `--print-config`. */
export const ENV_SCHEMA = {
  // Process, database, logs, metrics, traces, shutdown
  DATABASE_URL: url('postgres:', 'postgresql:'),
  PORT: int(0, 65535),
  LOG_LEVEL: oneOf(LOG_LEVELS),
  LOG_FORMAT: oneOf(['json', 'pretty'] as const),
  LOG_REDACT: str(),
  METRICS_PORT: int(1, 65535),
  METRICS_HOST: str(),
  METRICS_TOKEN: secret(16),
  SHUTDOWN_TIMEOUT_MS: int(0, 3_600_000),
  PG_POOL_MAX: int(1, 1000),
  PG_PREPARED_STATEMENTS: oneOf(['on', 'off'] as const),
  LOOPGEN_WORKER_HEADER: flag(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('http:', 'https:'),
  OTEL_TRACES_EXPORTER: oneOf(['otlp', 'console', 'none'] as const),
  OTEL_SERVICE_NAME: str(),
  LOOPGEN_DATA_DIR: str(),
  LOOPGEN_DEBUG: str(),
  LOOPGEN_REGION: str(),
  LOOPGEN_SECRETS_KEY: base64Key(),
  // LOOP
  LOOP_JWT_SECRET: secret(32),
  LOOP_API_KEY_PEPPER: secret(),
  LOOP_INTERNAL_API_KEY: secret(),
  LOOP_INTERNAL_API_USER_EMAIL: z.preprocess(blank, z.email('must be an email address').optional()),
  LOOP_FRONTEND_URL: url('http:', 'https:'),
  LOOP_AI_BASE_URL: url('http:', 'https:'),
  LOOP_AI_API_KEY: secret(),
  LOOP_AI_MODEL: str(),
  LOOP_AI_TIMEOUT_MS: int(1),
  LOOP_AI_PRICE_PROMPT_PER_1K: num(0),
  LOOP_AI_PRICE_COMPLETION_PER_1K: num(0),
  LOOP_STORAGE_DRIVER: oneOf(['local', 's3'] as const),
  LOOP_STORAGE_DIR: str(),
  LOOP_S3_BUCKET: str(),
  LOOP_S3_ENDPOINT: url('http:', 'https:'),
  LOOP_S3_REGION: str(),
  LOOP_S3_ACCESS_KEY_ID: str(),
  LOOP_S3_SECRET_ACCESS_KEY: secret(),
  LOOP_S3_FORCE_PATH_STYLE: flag(),
  LOOP_UPLOAD_MAX_BYTES: int(1),
  LOOP_UPLOAD_TYPES: str(),
  SMTP_URL: url('smtp:', 'smtps:'),
  SMTP_FROM: str(),
  // RoomLoop
  ROOMLOOP_GOOGLE_CLIENT_ID: str(),
  ROOMLOOP_GOOGLE_JWKS_URL: url('http:', 'https:'),
  ROOMLOOP_GOOGLE_JWKS_FILE: str(),
  ROOMLOOP_ALLOWED_HD: str(),
  ROOMLOOP_SIGNUP_POLICY: oneOf(['auto', 'refuse'] as const),
  ROOMLOOP_SESSION_TTL_SECONDS: int(1),
  ROOMLOOP_RATE_LIMIT_PER_MINUTE: int(1),
  ROOMLOOP_TIMEZONE: timeZone(),
  ROOMLOOP_WEBHOOK_WORKER: oneOf(['on', 'off'] as const),
  ROOMLOOP_WEBHOOK_POLL_MS: int(10),
  // Job engine: first retry delay of webhook deliveries and automation runs (doubled each retry).
  WEBHOOK_RETRY_DELAY_SECONDS: int(1),
  // Platform
  PLATFORM_JWT_SECRET: secret(32),
  STRIPE_WEBHOOK_SECRET: secret(),
} as const;

/** Names whose values never leave the process: masked by `--print-config`. */
export const SECRET_VARS: ReadonlySet<keyof typeof ENV_SCHEMA> = new Set([
  'METRICS_TOKEN',
  'LOOPGEN_SECRETS_KEY',
  'LOOP_JWT_SECRET',
  'LOOP_API_KEY_PEPPER',
  'LOOP_INTERNAL_API_KEY',
  'LOOP_AI_API_KEY',
  'LOOP_S3_SECRET_ACCESS_KEY',
  'PLATFORM_JWT_SECRET',
  'STRIPE_WEBHOOK_SECRET',
] as const);

/** Values with a password inside a URL (`postgres://user:pw@host`): only the password is masked. */
export const URL_WITH_CREDENTIALS: ReadonlySet<keyof typeof ENV_SCHEMA> = new Set(['DATABASE_URL', 'SMTP_URL'] as const);

const envSchema = z.object(ENV_SCHEMA).superRefine((env, ctx) => {
  const pair = (a: keyof typeof env, b: keyof typeof env) => {
    if (Boolean(env[a]) !== Boolean(env[b]))
      ctx.addIssue({ code: 'custom', path: [env[a] ? b : a], message: `must be set together with ${env[a] ? a : b}` });
  };
  pair('LOOP_INTERNAL_API_KEY', 'LOOP_INTERNAL_API_USER_EMAIL');
  pair('LOOP_S3_ACCESS_KEY_ID', 'LOOP_S3_SECRET_ACCESS_KEY');
  if (env.LOOP_STORAGE_DRIVER === 's3' && !env.LOOP_S3_BUCKET)
    ctx.addIssue({ code: 'custom', path: ['LOOP_S3_BUCKET'], message: 'is required when LOOP_STORAGE_DRIVER=s3' });
});

export type EnvConfig = z.infer<typeof envSchema>;

/** Defaults the runtime applies when a variable is unset (shown by `--print-config`). */
export const ENV_DEFAULTS: Partial<Record<keyof EnvConfig, string>> = {
  PORT: '8000',
  LOG_LEVEL: 'info (warn under vitest)',
  LOG_FORMAT: 'pretty on a TTY, json otherwise',
  METRICS_HOST: '127.0.0.1',
  SHUTDOWN_TIMEOUT_MS: '10000',
  PG_POOL_MAX: '10 (per process: total = processes × workers × this)',
  PG_PREPARED_STATEMENTS: 'on',
  OTEL_TRACES_EXPORTER: 'none (otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set)',
  LOOPGEN_REGION: 'local',
  LOOP_AI_MODEL: 'gpt-4o-mini',
  LOOP_AI_TIMEOUT_MS: '30000',
  LOOP_STORAGE_DRIVER: 'local',
  LOOP_STORAGE_DIR: '.loopgen/loop/storage',
  LOOP_S3_REGION: 'us-east-1',
  ROOMLOOP_SIGNUP_POLICY: 'refuse',
  ROOMLOOP_SESSION_TTL_SECONDS: '43200',
  ROOMLOOP_RATE_LIMIT_PER_MINUTE: '600',
  ROOMLOOP_TIMEZONE: 'UTC',
  ROOMLOOP_WEBHOOK_WORKER: 'on',
  ROOMLOOP_WEBHOOK_POLL_MS: '2000',
  WEBHOOK_RETRY_DELAY_SECONDS: '30',
};

export type ConfigResult = { readonly ok: true; readonly config: EnvConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** Checks `env`; each problem is one line naming the variable, what it must be and what it holds. */
export function parseEnv(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const picked = Object.fromEntries(Object.keys(ENV_SCHEMA).map((k) => [k, env[k]]));
  const result = envSchema.safeParse(picked);
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment') as keyof EnvConfig;
    const raw = env[name];
    const shown =
      raw === undefined || raw === ''
        ? ''
        : ` (it is ${SECRET_VARS.has(name) ? 'set' : JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`;
    return `${name} ${issue.message}${shown}`;
  });
  return { ok: false, problems };
}

let cached: { env: NodeJS.ProcessEnv; snapshot: string; config: EnvConfig } | undefined;

/** The validated configuration of this process; throws with every problem when it is invalid. */
export function runtimeConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const snapshot = Object.keys(ENV_SCHEMA)
    .map((k) => env[k] ?? '')
    .join('\u0000');
  if (cached && cached.env === env && cached.snapshot === snapshot) return cached.config;
  const result = parseEnv(env);
  if (!result.ok) throw new ConfigError(result.problems);
  cached = { env, snapshot, config: result.config };
  return result.config;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
