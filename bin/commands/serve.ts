import { Command, Option } from 'commander';
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
    .option(
      '-w, --workers <n>',
      'processes serving the port (node:cluster); more than 1 needs PostgreSQL (DATABASE_URL): embedded PGlite is single-process',
      '1',
    )
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
        workers: string;
      }) => {
        // Environment checked (exit 64 per runtime/config/env.ts), --print-config, log level, tracing: before anything loads.
        const { preflight } = await import('../../runtime/config/preflight.ts');
        const { printConfig, workers: workersOpt, ...cli } = opts;
        const workers = Number(workersOpt);
        if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
          console.error(`loopgen serve: --workers must be a whole number from 1 to 64, not "${workersOpt}".`);
          process.exitCode = EXIT.usage;
          return;
        }
        const cluster = (await import('node:cluster')).default;
        if (workers > 1 && !process.env.DATABASE_URL) {
          console.error(
            `loopgen serve: --workers ${workers} needs PostgreSQL (set DATABASE_URL). The embedded PGlite database runs inside one process ` +
              'and cannot be shared by several; serve it with one worker, or point DATABASE_URL at a PostgreSQL server.',
          );
          process.exitCode = EXIT.usage;
          return;
        }
        const clustered = workers > 1 && cluster.isPrimary;
        const pre = await preflight({ service: opts.service, printConfig, cli });
        if (pre.exit !== undefined) {
          process.exitCode = pre.exit;
          return;
        }
        // The primary built and migrated; a worker only serves.
        if (cluster.isWorker) return serveWorker(opts);
        if (opts.buildIfStale) {
          // A no-op build is a fingerprint comparison (the build cache), so this costs nothing when fresh.
          const lines: string[] = [];
          const { runBuild } = await import('../build-runner.ts');
          const code = await runBuild({ root: opts.root, log: (l) => lines.push(l) });
          if (code !== EXIT.ok || !lines.at(-1)?.startsWith('0 written')) for (const l of lines) console.log(l);
          if (code !== EXIT.ok) {
            process.exitCode = code;
            return;
          }
        }
        if (clustered) {
          process.exitCode = await servePrimary(opts, workers, pre.tracing);
          return;
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
        exposeWorker(svc.server);
        // Before the banner: whoever waits for the banner may send SIGTERM at once, and it must drain, not kill.
        const { installShutdown } = await import('../../runtime/observability/shutdown.ts');
        const { runtimeConfig } = await import('../../runtime/config/env.ts');
        installShutdown(svc, { service: opts.service, graceMs: runtimeConfig().SHUTDOWN_TIMEOUT_MS, tracing: pre.tracing });
        await printBanner(opts, svc.url, svc.openapi);
      },
    );
}

interface ServeOpts {
  readonly service: string;
  readonly port: string;
  readonly host: string;
  readonly dataDir?: string;
  readonly demo: boolean;
  readonly root: string;
}

async function printBanner(opts: ServeOpts, url: string, openapi: { servers?: { url: string }[]; paths?: Record<string, unknown> }) {
  const where = process.env.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PGlite in ${opts.dataDir ?? `.loopgen/${opts.service}/`}`;
  const base = openapi.servers?.[0]?.url ?? '/';
  console.log(`loopgen: serving ${opts.service} on ${url} (database: ${where})`);
  console.log(`  API      ${url}${base}`);
  console.log(`  Swagger  ${url}/api/docs/`);
  console.log(`  ReDoc    ${url}/api/redoc/`);
  console.log(`  Schema   ${url}/api/schema/`);
  console.log(`  Health   ${url}/health  (readiness ${url}/ready)`);
  for (const line of await tokenHints(opts.service, openapi, base, opts.demo)) console.log(line);
}

/** LOOPGEN_WORKER_HEADER=1: every answer names the process that served it (X-Loopgen-Worker: pid), for tests and load-balancer checks. */
function exposeWorker(server: import('node:http').Server): void {
  if (!/^(1|true|yes|on)$/i.test(process.env.LOOPGEN_WORKER_HEADER ?? '')) return;
  server.prependListener('request', (_req, res) => res.setHeader('X-Loopgen-Worker', String(process.pid)));
}

/** `--workers N`: migrate and seed once here, then fork the workers (runtime/serve/cluster.ts). */
async function servePrimary(opts: ServeOpts, workers: number, tracing?: { shutdown(): Promise<void> }): Promise<number> {
  const { prepareDatabase } = await import('../../runtime/serve/start-service.ts');
  const { closeDatabase } = await import('../../runtime/db/open-database.ts');
  const { consoleProgress } = await import('../../runtime/serve/progress.ts');
  const { runPrimary } = await import('../../runtime/serve/cluster.ts');
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const db = await prepareDatabase({
    root: opts.root,
    service: opts.service,
    dataDir: opts.dataDir,
    demo: opts.demo,
    progress: consoleProgress(),
    command: 'serve',
  });
  await closeDatabase(db);
  const openapi = JSON.parse(await readFile(join(opts.root, 'generated', opts.service, 'openapi.json'), 'utf8'));
  const code = await runPrimary({
    workers,
    onListening: (url) => {
      void printBanner(opts, url, openapi).then(() => console.log(`  Workers  ${workers} processes (node:cluster)`));
    },
  });
  await tracing?.shutdown().catch(() => undefined);
  return code;
}

/** A cluster worker: serve on the shared port and tell the primary; SIGTERM from the primary drains it. */
async function serveWorker(opts: ServeOpts): Promise<void> {
  const { startService } = await import('../../runtime/serve/start-service.ts');
  const { announceListening } = await import('../../runtime/serve/cluster.ts');
  const { installShutdown } = await import('../../runtime/observability/shutdown.ts');
  const { runtimeConfig } = await import('../../runtime/config/env.ts');
  // The primary already loaded any demo data; a worker never writes it again.
  const svc = await startService({
    root: opts.root,
    service: opts.service,
    port: Number(opts.port),
    host: opts.host,
    dataDir: opts.dataDir,
    demo: false,
  });
  exposeWorker(svc.server);
  installShutdown(svc, { service: opts.service, graceMs: runtimeConfig().SHUTDOWN_TIMEOUT_MS });
  // Ctrl-C reaches every process of the terminal's group; the primary forwards it as SIGTERM, so a
  // worker acting on it too would count it as a second signal and cut its requests short.
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => undefined);
  announceListening(svc.url);
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
