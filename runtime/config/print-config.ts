/**
 * `loopgen serve --print-config`: the effective configuration, one `NAME=value` per line, with
 * secrets masked (a password inside a URL keeps its URL around it) and defaults marked as such.
 */
import { ENV_DEFAULTS, ENV_SCHEMA, SECRET_VARS, URL_WITH_CREDENTIALS, type EnvConfig } from './env.ts';

export const MASK = '********';

export function maskValue(name: keyof EnvConfig, value: unknown): string {
  const text = String(value);
  if (SECRET_VARS.has(name)) return MASK;
  if (URL_WITH_CREDENTIALS.has(name) && URL.canParse(text)) {
    const u = new URL(text);
    if (u.password) u.password = MASK;
    return u.toString();
  }
  return text;
}

/** Lines for the environment part; `extra` (command-line settings) is printed first, unmasked. */
export function describeConfig(config: EnvConfig, extra: Readonly<Record<string, unknown>> = {}): string[] {
  const lines = Object.entries(extra).map(([k, v]) => `${k}=${String(v)}  # command line`);
  for (const name of Object.keys(ENV_SCHEMA) as (keyof EnvConfig)[]) {
    const value = config[name];
    if (value !== undefined) lines.push(`${name}=${maskValue(name, value)}`);
    else if (ENV_DEFAULTS[name]) lines.push(`${name}=  # default: ${ENV_DEFAULTS[name]}`);
    else lines.push(`${name}=  # unset`);
  }
  return lines;
}
