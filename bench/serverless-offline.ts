// serverless-offline (serverless@3 + serverless-offline@13) as the front door benchmark's anchor:
// installed once into a folder of the OS temp dir (reused by later runs), started as a child process
// with an `http` event for the same no-op handler, stopped by its PID. Reports why when it cannot run.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const DIR = join(tmpdir(), 'ephemera-bench-sls');
const HANDLER = fileURLToPath(new URL('../fixtures/functions/http-noop/index.mjs', import.meta.url));
const run = promisify(execFile);

export interface Offline {
  origin: string;
  path: string;
  /** Its Invoke API (--lambdaPort): the function is `ephemera-bench-dev-noop`. */
  lambdaOrigin: string;
  version: string;
  pid: number;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Install (once) serverless@3 and serverless-offline@13; returns a reason when the registry cannot be reached. */
async function install(): Promise<string | undefined> {
  const bin = join(DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');
  if (existsSync(bin) && existsSync(join(DIR, 'node_modules', 'serverless-offline'))) return undefined;
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'package.json'), '{"name":"ephemera-bench-sls","private":true}\n');
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'serverless@3', 'serverless-offline@13'], { cwd: DIR, timeout: 600_000 });
    return undefined;
  } catch (err) {
    return `npm install serverless@3 serverless-offline@13 failed (${(err as Error).message.split('\n')[0]})`;
  }
}

export async function startOffline(): Promise<Offline | string> {
  const problem = await install();
  if (problem) return problem;
  copyFileSync(HANDLER, join(DIR, 'index.mjs'));
  writeFileSync(join(DIR, 'serverless.yml'), [
    'service: ephemera-bench', "frameworkVersion: '3'",
    'provider: { name: aws, runtime: nodejs20.x, stage: dev, region: us-east-1 }',
    'plugins: [serverless-offline]',
    'functions:', '  noop:', '    handler: index.handler', '    events:', '      - http: { path: bench, method: post }', '',
  ].join('\n'));
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, [join(DIR, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start',
    '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), '--host', '127.0.0.1', '--noPrependStageInUrl'], {
    cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let log = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    const seen = (d: Buffer): void => {
      log += d.toString();
      if (/Server ready/.test(log)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  if (!ready) {
    await close();
    return `serverless offline did not start: ${log.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`;
  }
  const version = (await import(join(DIR, 'node_modules', 'serverless-offline', 'package.json'), { with: { type: 'json' } })).default.version as string;
  return { origin: `http://127.0.0.1:${httpPort}`, path: '/bench', lambdaOrigin: `http://127.0.0.1:${lambdaPort}`, version, pid: child.pid!, close };
}
