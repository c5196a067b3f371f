/**
 * What `loopgen serve` does before it opens anything: check every environment variable (one line per
 * problem, exit 64), answer `--print-config`, set the log level, and start tracing while express and
 * pg are still unloaded (instrumentation patches modules as they load).
 */
import { setLogger, createLogger } from '../observability/logger.ts';
import { startTracing, type TracingHandle } from '../observability/tracing.ts';
import { parseEnv } from './env.ts';
import { describeConfig } from './print-config.ts';

/** Exit code for a configuration the process refuses to run with (EX_USAGE, like the CLI's usage errors). */
export const CONFIG_EXIT = 64;

export interface PreflightResult {
  /** Set when the command should stop now with this exit code. */
  readonly exit?: number;
  readonly tracing?: TracingHandle;
}

export async function preflight(
  opts: { service: string; printConfig?: boolean; cli?: Readonly<Record<string, unknown>> },
  env: NodeJS.ProcessEnv = process.env,
  out: { log(line: string): void; error(line: string): void } = console,
): Promise<PreflightResult> {
  const result = parseEnv(env);
  if (!result.ok) {
    out.error(`loopgen serve: the environment has ${result.problems.length === 1 ? 'a problem' : `${result.problems.length} problems`}:`);
    for (const p of result.problems) out.error(`  ${p}`);
    return { exit: CONFIG_EXIT };
  }
  if (opts.printConfig) {
    for (const line of describeConfig(result.config, opts.cli)) out.log(line);
    return { exit: 0 };
  }
  setLogger(createLogger({ level: result.config.LOG_LEVEL }, env));
  return { tracing: await startTracing(opts.service, env) };
}
