import { Command, Option } from 'commander';
import { runBuild } from '../build-runner.ts';
import { EXIT } from '../exit-codes.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve a generated service: embedded PGlite in .loopgen/<service>/ unless DATABASE_URL is set; runs pending migrations and loads seed data.',
    )
    .addOption(new Option('-s, --service <name>', 'service to serve').default('loop'))
    .addOption(new Option('-p, --port <n>', 'port (0 = any free port)').default('8000').env('PORT'))
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--demo', 'load the catalogue demo data and a demo company into an empty database', false)
    .option('--build-if-stale', 'run `loopgen build` first when generated/ is missing or stale', false)
    .option('--root <dir>', 'project root', process.cwd())
    .option('--print-config', 'print the effective configuration (environment checked, secrets masked) and exit', false)
    .action(
      async (opts: {
        service: string;
        port: string;
        host: string;
        dataDir?: string;
        demo: boolean;
        buildIfStale: boolean;
        root: string;
        printConfig: boolean;
      }) => {
        // Environment checked (exit 64 per runtime/config/env.ts), --print-config, log level, tracing: before anything loads.
        const { preflight } = await import('../../runtime/config/preflight.ts');
        const { printConfig, ...cli } = opts;
        const pre = await preflight({ service: opts.service, printConfig, cli });
        if (pre.exit !== undefined) {
          process.exitCode = pre.exit;
          return;
        }
        if (opts.buildIfStale) {
          // A no-op build is a fingerprint comparison (the build cache), so this costs nothing when fresh.
          const lines: string[] = [];
          const code = await runBuild({ root: opts.root, log: (l) => lines.push(l) });
          if (code !== EXIT.ok || !lines.at(-1)?.startsWith('0 written')) for (const l of lines) console.log(l);
          if (code !== EXIT.ok) {
            process.exitCode = code;
            return;
          }
        }
        const { startService } = await import('../../runtime/serve/start-service.ts');
        const { consoleProgress } = await import('../../runtime/serve/progress.ts');
        const { ListenError } = await import('../../runtime/serve/listen.ts');
        const { DataDirBusyError } = await import('../../runtime/db/data-dir-lock.ts');
        const { MigrationIntegrityError } = await import('../../runtime/db/migrator.ts');
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          console.error(`loopgen serve: --port must be a whole number from 0 to 65535, not "${opts.port}".`);
          process.exitCode = EXIT.usage;
          return;
        }
        let svc: Awaited<ReturnType<typeof startService>>;
        try {
          svc = await startService({
            root: opts.root,
            service: opts.service,
            port,
            host: opts.host,
            dataDir: opts.dataDir,
            demo: opts.demo,
            progress: consoleProgress(),
          });
        } catch (err) {
          // Expected refusals get one clear line; anything else keeps its stack.
          if (err instanceof ListenError || err instanceof DataDirBusyError || err instanceof MigrationIntegrityError) {
            console.error(`loopgen serve: ${err.message}`);
            process.exitCode = EXIT.failure;
            return;
          }
          throw err;
        }
        const where = process.env.DATABASE_URL
          ? 'PostgreSQL (DATABASE_URL)'
          : `embedded PGlite in ${opts.dataDir ?? `.loopgen/${opts.service}/`}`;
        const base = svc.openapi.servers?.[0]?.url ?? '/';
        console.log(`loopgen: serving ${opts.service} on ${svc.url} (database: ${where})`);
        console.log(`  API      ${svc.url}${base}`);
        console.log(`  Swagger  ${svc.url}/api/docs/`);
        console.log(`  ReDoc    ${svc.url}/api/redoc/`);
        console.log(`  Schema   ${svc.url}/api/schema/`);
        console.log(`  Health   ${svc.url}/health  (readiness ${svc.url}/ready)`);
        for (const line of await tokenHints(opts.service, svc.openapi, base, opts.demo)) console.log(line);
        const { installShutdown } = await import('../../runtime/observability/shutdown.ts');
        const { runtimeConfig } = await import('../../runtime/config/env.ts');
        installShutdown(svc, { service: opts.service, graceMs: runtimeConfig().SHUTDOWN_TIMEOUT_MS, tracing: pre.tracing });
      },
    );
}

/** How a newcomer gets credentials for this service, read from its API document and wiring. */
async function tokenHints(service: string, openapi: { paths?: Record<string, unknown> }, base: string, demo: boolean): Promise<string[]> {
  const { serviceWiring } = await import('../../runtime/serve/service-registry.ts');
  const wiring = await serviceWiring(service);
  const paths = Object.keys(openapi.paths ?? {});
  const register = paths.find((p) => /^\/auth\/register\/?$/.test(p));
  const login = paths.find((p) => /^\/auth\/login\/?$/.test(p));
  const lines: string[] = [];
  const flag = service === 'loop' ? '' : ` --service ${service}`;
  if (register)
    lines.push(
      `  Sign up  POST ${base}${register.slice(1)} {email, username, password, company_name} → a JWT, then ${base}${login?.slice(1) ?? 'auth/login/'}`,
    );
  if (wiring.demoAccount && !demo) lines.push(`  Demo     restart with --demo for a demo company and its one-time login`);
  if (wiring.createSuperuser)
    lines.push(`  Admin    npx loopgen admin create-superuser${flag} --email E --password P (works while this server runs)`);
  if (wiring.createKey)
    lines.push(`  Key      npx loopgen admin create-key${flag} --role admin (printed once; works while this server runs)`);
  return lines;
}
