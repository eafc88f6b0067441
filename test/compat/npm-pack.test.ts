// The npm package and the Docker image's start command: `npm pack` (prepack bundles dist/), install
// the tarball in an empty project, run `ephemera start` from there (the .bin link, as npx does, and the
// image's ENTRYPOINT/ENV), invoke the example function, run the image's HEALTHCHECK, stop, no orphans.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, descendants, isAlive, waitFor } from '../helpers/emulator.ts';

/** The npm next to the node running the tests (else the one on PATH). */
const NPM = existsSync(join(process.execPath, '..', 'npm')) ? join(process.execPath, '..', 'npm') : 'npm';
/** The child processes get no npm_* variables from an enclosing `npm test`. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))),
  npm_config_update_notifier: 'false',
  ...extra,
});

let work: string;
let project: string;
let tarball: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ephemera-npm-pack-'));
  project = join(work, 'app');
  execFileSync(NPM, ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // Dependencies come from npm's cache when it has them (it does after `npm ci`), else the registry.
  execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
    cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 45_000,
  });
}, 60_000);

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Server { child: ChildProcess; url: string; exit: Promise<number | null>; stderr: string[] }

/** Start a command in the project and wait for its "ephemera ready" log line. */
async function startServer(command: string, args: string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(command, args, { cwd: project, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const ready = buf.split('\n').find((l) => l.includes('ephemera ready'));
      if (ready) resolve((JSON.parse(ready) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ready: ${stderr.join('')}`)));
    setTimeout(() => reject(new Error(`not ready within 15 s: ${stderr.join('')}`)), 15_000).unref();
  });
  return { child, url, exit, stderr };
}

/** Invoke echo, collect every process the server's environments have, SIGTERM, expect none left. */
async function invokeAndStop(server: Server, base: string): Promise<void> {
  const res = await fetch(`${base}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{"from":"the tarball"}' });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { event: unknown; functionName: string; requestId: string };
  expect(body.event).toEqual({ from: 'the tarball' });
  expect(body.functionName).toBe('echo');
  expect(body.requestId).toBe(res.headers.get('x-amzn-requestid'));
  const { environments } = (await (await fetch(`${base}/_ephemera/environments`)).json()) as { environments: Array<{ pid: number }> };
  const pids = environments.flatMap((e) => [e.pid, ...descendants(e.pid)]);
  expect(pids.length).toBeGreaterThan(0);
  server.child.kill('SIGTERM');
  expect(await server.exit).toBe(0);
  expect(await waitFor(() => pids.every((p) => !isAlive(p)) && [], 5000).catch(() => pids.filter(isAlive))).toEqual([]);
}

describe('the npm package', () => {
  it('holds the bundle, the runtime clients and the example template, not the TypeScript sources', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package/dist/main.mjs', 'package/bin/ephemera.mjs', 'package/runtime-api/bootstrap/nodejs/index.mjs',
      'package/runtime-api/bootstrap/python/bootstrap.py', 'package/fixtures/templates/example.yaml', 'package/fixtures/functions/echo/index.mjs',
      'package/server/web-view/index.html', 'package/server/web-view/app.js']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('package/server/') && !f.startsWith('package/server/web-view/'))).toEqual([]);
    expect(files.some((f) => f.startsWith('package/test/') || f.startsWith('package/bench/'))).toBe(false);
  });

  it('runs `ephemera start` through the installed bin link (as npx does), serves the example and stops clean', async () => {
    const server = await startServer(join(project, 'node_modules/.bin/ephemera'), ['start', '--port', '0']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${server.url}/_ephemera/health`)).json()) as { status: string; functions: number; version: string };
    expect(health).toMatchObject({ status: 'ok', functions: 3 });
    expect(health.version).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    // The web view's static files come from the package too.
    const page = await fetch(`${server.url}/_ephemera/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ephemera</title>');
    expect((await fetch(`${server.url}/_ephemera/ui/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    await invokeAndStop(server, server.url);
  });
});

describe("the Docker image's start command", () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const jsonArray = (instruction: string): string[] => {
    const m = new RegExp(`^${instruction}\\s+(?:.*\\\\\\n\\s*)?(?:CMD\\s+)?(\\[.*\\])\\s*$`, 'm').exec(dockerfile);
    if (!m) throw new Error(`no ${instruction} [...] in the Dockerfile`);
    return JSON.parse(m[1]) as string[];
  };
  const imageEnv = Object.fromEntries([...dockerfile.matchAll(/\b(EPHEMERA_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));

  it('binds 0.0.0.0 from its ENV, answers its HEALTHCHECK, and stops clean', async () => {
    expect(imageEnv).toMatchObject({ EPHEMERA_HOST: '0.0.0.0', EPHEMERA_PORT: '3001' });
    // ENTRYPOINT + CMD as the image runs them, with /opt/ephemera being the installed package; a free port.
    const [command, ...args] = [...jsonArray('ENTRYPOINT'), ...jsonArray('CMD')]
      .map((a) => a.replace('/opt/ephemera', join(project, 'node_modules/ephemera')));
    const server = await startServer(command, args, { ...imageEnv, EPHEMERA_PORT: '0' });
    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(server.url).port;
    const health = jsonArray('HEALTHCHECK');
    const check = (): number | null => spawnSync(health[0], health.slice(1), { env: cleanEnv({ EPHEMERA_PORT: port }), timeout: 10_000 }).status;
    expect(check()).toBe(0);
    await invokeAndStop(server, `http://127.0.0.1:${port}`);
    expect(check()).toBe(1);
  });
});
