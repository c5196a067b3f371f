/**
 * Binding the HTTP port, with an error that says what to do. The port is bound before the database
 * opens, so a busy port is reported at once instead of after a long first migration.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';

/** The port could not be bound; `message` names the port, who holds it when known, and the flag to change it. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    readonly holder?: string,
  ) {
    const why =
      code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'needs privileges this user lacks' : `cannot be bound (${code})`;
    super(
      `port ${port} on ${host} ${why}${holder ? ` — held by ${holder}` : ''}. Pick another with --port <n> (or PORT=<n>), e.g. --port ${port + 1}.`,
    );
    this.name = 'ListenError';
  }
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  }).catch(async (err: NodeJS.ErrnoException) => {
    throw new ListenError(err.code ?? 'EUNKNOWN', host, port, err.code === 'EADDRINUSE' ? await portHolder(host, port) : undefined);
  }) as Promise<number>;
}

/** Best effort: the listening process from `ss` (Linux) or `lsof`, and whether it is a loopgen server. */
export async function portHolder(host: string, port: number): Promise<string | undefined> {
  const parts: string[] = [];
  const ss = await run('ss', ['-Hltnp', `sport = :${port}`]);
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss ?? '');
  if (m) parts.push(`process ${m[2]} (${m[1]})`);
  else {
    const lsof = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
    const pid = /^p(\d+)/m.exec(lsof ?? '')?.[1];
    const cmd = /^c(.+)$/m.exec(lsof ?? '')?.[1];
    if (pid) parts.push(`process ${pid}${cmd ? ` (${cmd})` : ''}`);
  }
  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  try {
    const res = await fetch(`http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    const body = JSON.stringify(await res.json());
    const service = /"service":"([a-z0-9_-]+)"/.exec(body)?.[1];
    if (service) parts.push(`a loopgen server of ${service}`);
  } catch {
    /* not HTTP, or not ours */
  }
  return parts.length ? parts.join(', ') : undefined;
}

function run(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 1500 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}
