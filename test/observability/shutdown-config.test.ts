/**
 * `loopgen serve` as operators run it: a request still streaming its body when SIGTERM arrives is
 * answered and the process then exits 0 (new connections are refused meanwhile); a bad environment
 * exits 64 with one line per problem; `--print-config` masks secrets. On PostgreSQL when DATABASE_URL
 * is set (a database of its own, dropped afterwards), else embedded PGlite in a temporary directory.
 */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../runtime/config/env.ts';
import { embeddedDataDir } from '../helpers/test-service.ts';
import { embeddedEnv, runLoopgen, serveProcess } from '../serve/serve-process.ts';

const adminUrl = process.env.DATABASE_URL;
let dbName: string | undefined;
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'loopgen-drain-'));
  env = embeddedEnv({ LOG_LEVEL: 'warn', ROOMLOOP_WEBHOOK_POLL_MS: '100' });
  if (adminUrl) {
    dbName = `loopgen_t_drain_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  } else {
    // Embedded: a migrated cluster (this test is about shutting down, not the first migration).
    await embeddedDataDir('roomloop', dataDir);
  }
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  if (adminUrl && dbName) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
});

describe('graceful shutdown', () => {
  it('answers a request in flight after SIGTERM, refuses new connections, then exits 0', async () => {
    const serving = await serveProcess(['--service', 'roomloop', '--port', '0', '--data-dir', dataDir], {
      ...env,
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    const exited = new Promise<number | null>((resolve) => serving.child.on('exit', (code) => resolve(code)));
    const url = new URL(`${serving.url}/v1/reservations`);
    // A JSON body sent in two halves: the server cannot answer before the second half arrives.
    const body = JSON.stringify({ facility_id: 'fac_1', notes: 'n'.repeat(80) });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        serving.child.kill('SIGTERM');
        setTimeout(async () => {
          // Draining: the listener is closed to new connections while this request is still open.
          await expect(fetch(`${serving.url}/health`)).rejects.toThrow();
          req.end(body.slice(10));
        }, 1500);
      }, 300);
    });
    const done = await answer;
    // express.json reads the whole body before any route runs, so the answer is the route's own 401.
    expect(done.status, done.text).toBe(401);
    expect(JSON.parse(done.text)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await exited).toBe(0);
  }, 180_000);
});

describe('configuration', () => {
  it('exits 64 naming each bad variable on its own line', async () => {
    const ran = await runLoopgen(['serve', '--service', 'roomloop', '--port', '0', '--data-dir', dataDir], {
      ...env,
      LOG_LEVEL: 'loud',
      SHUTDOWN_TIMEOUT_MS: 'soon',
      METRICS_PORT: '70000',
      LOOP_JWT_SECRET: 'short',
      ROOMLOOP_TIMEZONE: 'Mars/Olympus',
      DATABASE_URL: 'mysql://nope',
    });
    expect(ran.code).toBe(64);
    const lines = ran.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(lines.map((l) => l.trim().split(' ')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'LOOP_JWT_SECRET',
      'METRICS_PORT',
      'ROOMLOOP_TIMEZONE',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(ran.stderr).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (it is "loud")');
    expect(ran.stderr).toContain('LOOP_JWT_SECRET must be at least 32 characters long (it is set)');
    expect(ran.stderr).not.toContain('short');
    expect(ran.stdout).not.toContain('serving');
  }, 120_000);

  it('prints the effective configuration with secrets masked', async () => {
    const ran = await runLoopgen(['serve', '--service', 'roomloop', '--print-config'], {
      ...env,
      DATABASE_URL: 'postgres://app:pa55word@db.internal:5432/loop',
      LOOP_JWT_SECRET: 'j'.repeat(40),
      METRICS_TOKEN: 'metrics-token-0123456789',
      METRICS_PORT: '9464',
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('service=roomloop  # command line');
    expect(ran.stdout).toContain('DATABASE_URL=postgres://app:********@db.internal:5432/loop');
    expect(ran.stdout).toContain('LOOP_JWT_SECRET=********');
    expect(ran.stdout).toContain('METRICS_TOKEN=********');
    expect(ran.stdout).toContain('METRICS_PORT=9464');
    expect(ran.stdout).toMatch(/SHUTDOWN_TIMEOUT_MS=\s+# default: 10000/);
    for (const secret of ['pa55word', 'jjjjjjjj', 'metrics-token-0123456789']) expect(ran.stdout).not.toContain(secret);
  }, 120_000);

  it('treats empty values as unset and checks pairs', () => {
    expect(parseEnv({ PORT: '', LOG_LEVEL: '' }).ok).toBe(true);
    const r = parseEnv({ LOOP_INTERNAL_API_KEY: 'k', LOOP_STORAGE_DRIVER: 'S3' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      'LOOP_INTERNAL_API_USER_EMAIL must be set together with LOOP_INTERNAL_API_KEY',
      'LOOP_S3_BUCKET is required when LOOP_STORAGE_DRIVER=s3',
    ]);
  });
});
