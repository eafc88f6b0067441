// The npm package and the Docker image's start command: `npm pack` (prepack bundles dist/), install
// the tarball in an empty project, run `ephemera start` from there (the .bin link, as npx does, and the
// image's ENTRYPOINT/ENV), invoke the example function, run the image's HEALTHCHECK, stop, no orphans.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emulator.ts';
import { type CliServer, cleanEnv, killStarted, startCli, stopCli } from '../helpers/cli-server.ts';
import { entrypoint, execForm, imageEnv } from '../helpers/dockerfile.ts';

/** The npm next to the node running the tests (else the one on PATH). */
const NPM = existsSync(join(process.execPath, '..', 'npm')) ? join(process.execPath, '..', 'npm') : 'npm';

let work: string;
let project: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ephemera-npm-pack-'));
  project = join(work, 'app');
  execFileSync(NPM, ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // Dependencies come from npm's cache when it has them (it does after `npm ci`), else the registry.
  execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
    cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 45_000,
  });
}, 60_000);

afterEach(killStarted);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Invoke echo, then SIGTERM: exit 0 and no process of its environments left. */
async function invokeAndStop(server: CliServer): Promise<void> {
  const res = await fetch(`${server.local}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{"from":"the tarball"}' });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { event: unknown; functionName: string; requestId: string };
  expect(body.event).toEqual({ from: 'the tarball' });
  expect(body.functionName).toBe('echo');
  expect(body.requestId).toBe(res.headers.get('x-amzn-requestid'));
  const { code, orphans, pids } = await stopCli(server);
  expect(pids.length).toBeGreaterThan(0);
  expect(code).toBe(0);
  expect(orphans).toEqual([]);
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

  it('runs `ephemera start --example` through the installed bin link (as npx does), serves the example and stops clean', async () => {
    // The project has no template.yaml: plain `start` says so in one line; --example serves the bundled one.
    const bare = spawnSync(join(project, 'node_modules/.bin/ephemera'), ['start', '--port', '0'], { cwd: project, env: cleanEnv(), encoding: 'utf8', timeout: 20_000 });
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/^ephemera: no SAM template here: .*--example\n$/);
    const server = await startCli(join(project, 'node_modules/.bin/ephemera'), ['start', '--example', '--port', '0'], { cwd: project });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${server.url}/_ephemera/health`)).json()) as { status: string; functions: number; version: string };
    expect(health).toMatchObject({ status: 'ok', functions: 4 });
    expect(health.version).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    // The web view's static files come from the package too.
    const page = await fetch(`${server.url}/_ephemera/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ephemera</title>');
    expect((await fetch(`${server.url}/_ephemera/ui/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    await invokeAndStop(server);
  });
});

describe("the Docker image's start command", () => {
  it('binds 0.0.0.0 from its ENV, answers its HEALTHCHECK, and stops clean', async () => {
    const env = imageEnv();
    expect(env).toMatchObject({ EPHEMERA_HOST: '0.0.0.0', EPHEMERA_PORT: '3001' });
    // ENTRYPOINT + CMD as the image runs them, with /opt/ephemera being the installed package; a free port.
    const [command, ...args] = [...entrypoint(), ...execForm('CMD')]
      .map((a) => a.replace('/opt/ephemera', join(project, 'node_modules/ephemera')));
    const server = await startCli(command, args, { cwd: project, env: { ...env, EPHEMERA_PORT: '0' } });
    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(server.url).port;
    const health = execForm('HEALTHCHECK');
    const check = (): number | null => spawnSync(health[0], health.slice(1), { env: cleanEnv({ EPHEMERA_PORT: port }), timeout: 10_000 }).status;
    expect(check()).toBe(0);
    await invokeAndStop(server);
    expect(check()).toBe(1);
  });
});
