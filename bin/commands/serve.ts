import { Command, Option } from 'commander';
import { runBuild } from '../build-runner.ts';
import { EXIT } from '../exit-codes.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve a generated service: embedded PGlite in .loopgen/<service>/ unless DATABASE_URL is set; runs pending migrations and loads seed data.')
    .addOption(new Option('-s, --service <name>', 'service to serve').default('loop'))
    .addOption(new Option('-p, --port <n>', 'port (0 = any free port)').default('8000').env('PORT'))
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--demo', 'load the catalogue demo data and a demo company into an empty database', false)
    .option('--build-if-stale', 'run `loopgen build` first when generated/ is missing or stale', false)
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service: string; port: string; host: string; dataDir?: string; demo: boolean; buildIfStale: boolean; root: string }) => {
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
      const svc = await startService({
        root: opts.root,
        service: opts.service,
        port: Number(opts.port),
        host: opts.host,
        dataDir: opts.dataDir,
        demo: opts.demo,
      });
      const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${opts.dataDir ?? `.loopgen/${opts.service}/`}`;
      const base = svc.openapi.servers?.[0]?.url ?? '/';
      console.log(`loopgen: serving ${opts.service} on ${svc.url} (database: ${where})`);
      console.log(`  API      ${svc.url}${base}`);
      console.log(`  Swagger  ${svc.url}/api/docs/`);
      console.log(`  ReDoc    ${svc.url}/api/redoc/`);
      console.log(`  Schema   ${svc.url}/api/schema/`);
      console.log(`  Health   ${svc.url}/health`);
      const stop = async () => {
        await svc.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
