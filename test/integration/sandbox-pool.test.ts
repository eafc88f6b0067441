// Blank sandboxes (--sandbox-pool), with real worker processes under each isolation level this machine
// offers: two functions take blanks of one runtime in turn and each sees only its own environment (the
// same one a normal spawn gives it; in Python, its log format too) and an empty /tmp, in Node.js and
// Python, code under the host's /tmp included; Init Duration covers the handler's top-level code;
// NODE_OPTIONS makes a normal spawn; no blank outlives the emulator; --sandbox-pool 0 starts none.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isAlive, isolationLevels, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const TEMPLATE = fixture('templates/sandbox-pool.yaml');

interface Probe {
  env: Record<string, string>;
  cwd: string;
  tmpdir: string;
  tmpAtInit: string[];
  tmpMB: number;
  tzOffset: number;
  node: string;
  resolvedFromNodePath: string | null;
}

/** Values that differ from one environment (or invocation) to the next, whoever starts it. */
const PER_ENVIRONMENT = ['AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_LAMBDA_RUNTIME_API', 'TMPDIR', '_X_AMZN_TRACE_ID'];
const comparable = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !PER_ENVIRONMENT.includes(k)));

describe.each(isolationLevels())('blank sandboxes (%s isolation)', (isolation) => {
  let em: TestEmulator;
  const blanks = () => em.eph.internals.sandboxes;
  /** A cold invoke: every environment goes first; `pooled`: a blank is waiting for it. */
  const cold = async (fn: string, pooled = true): Promise<Probe> => {
    const pool = em.eph.internals.pool;
    await Promise.all(pool.environments().map((e) => pool.shutdownEnvironment(e, 'test')));
    if (pooled) expect(await blanks().whenReady()).toBe(true);
    const res = await em.invoke(fn);
    expect(res.status).toBe(200);
    return res.json() as Probe;
  };

  beforeAll(async () => {
    em = await startEmulator(TEMPLATE, { isolation, sandboxPool: 2 });
  });
  afterAll(async () => {
    const pids = blanks().list().flatMap((b) => b.pids());
    expect(pids.length).toBeGreaterThan(0);
    expect(await em.stopChecked()).toEqual([]);
    // Every process of every blank is gone with the emulator (the blanks are not environments).
    await waitFor(() => pids.every((p) => !isAlive(p)), 5000);
    expect(blanks().list()).toEqual([]);
  });

  it('two functions take blanks in turn: each sees its own environment, as a normal spawn gives it, and an empty /tmp', async () => {
    const spawned = await cold('probe-a', false); // the runtime's first cold start: a normal spawn
    expect(blanks().assignedCount).toBe(0);
    const b = await cold('probe-b');
    expect(blanks().assignedCount).toBe(1);
    const a = await cold('probe-a');
    expect(blanks().assignedCount).toBe(2);
    const health = (await (await fetch(`${em.url}/_ephemera/health`)).json()) as { sandboxPool: { size: number; assigned: number; blanks: Array<{ runtime: string }> } };
    expect(health.sandboxPool).toMatchObject({ size: 2, assigned: 2 });
    expect(health.sandboxPool.blanks.every((b) => /index\.mjs$/.test(b.runtime))).toBe(true);

    expect(comparable(a.env)).toEqual(comparable(spawned.env));
    expect(a).toMatchObject({ cwd: spawned.cwd, tmpdir: spawned.tmpdir === '/tmp' ? '/tmp' : expect.any(String), tzOffset: -540, node: spawned.node });
    expect(a.env).toMatchObject({ ONLY_A: 'a', SHARED: 'from-a', AWS_LAMBDA_FUNCTION_NAME: 'probe-a', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256' });
    expect(b.env).toMatchObject({ ONLY_B: 'b', SHARED: 'from-b', AWS_LAMBDA_FUNCTION_NAME: 'probe-b', TZ: ':UTC' });
    expect(a.env.ONLY_B).toBeUndefined();
    expect(b.env.ONLY_A).toBeUndefined();
    expect(b.tzOffset).toBe(0);
    // Namespace isolation: the /tmp made ahead (512 MB) was resized for probe-b's EphemeralStorage.
    if (isolation === 'namespace') expect([a.tmpMB, b.tmpMB]).toEqual([512, 1024]);
    // Each /tmp starts empty: neither the other function's file nor the blank's own.
    expect(a.tmpAtInit).toEqual([]);
    expect(b.tmpAtInit).toEqual([]);
    // NODE_PATH (it names the task root) was read again at assignment.
    expect(a.resolvedFromNodePath).toMatch(/blank-probe-dep\.json$/);
    expect(a.resolvedFromNodePath).toBe(spawned.resolvedFromNodePath);
    // Nothing of the emulator's own environment.
    expect(Object.keys(a.env).filter((k) => process.env[k] !== undefined && process.env[k] === a.env[k] && !['PATH', 'LANG', 'TZ', 'SHLVL', 'PWD'].includes(k))).toEqual([]);
  });

  it('Python: two functions take blanks in turn, each with its own environment, sys.path and an empty /tmp', async () => {
    const spawned = await cold('py-a', false) as Probe & { sysPath: string[] };
    const before = blanks().assignedCount;
    const b = await cold('py-b') as Probe & { sysPath: string[] };
    const a = await cold('py-a') as Probe & { sysPath: string[] };
    expect(blanks().assignedCount).toBe(before + 2);
    expect(comparable(a.env)).toEqual(comparable(spawned.env));
    expect(a.sysPath).toEqual(spawned.sysPath);
    expect(a).toMatchObject({ cwd: spawned.cwd, tzOffset: -540, tmpAtInit: [] });
    expect(b).toMatchObject({ tzOffset: 0, tmpAtInit: [] });
    expect(b.env).toMatchObject({ ONLY_B: 'b', AWS_LAMBDA_FUNCTION_NAME: 'py-b', AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    expect(b.env.ONLY_A).toBeUndefined();
    expect(a.env.AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    // The client's configuration is the assigned function's (read after the assignment, not as it loaded):
    // py-b logs JSON, py-a (after it, from another blank) text again.
    const logged = (fn: string): string[] => em.lines.filter((l) => l.fn === fn && l.text.includes(`probe of ${fn}`)).map((l) => l.text);
    await waitFor(() => logged('py-a').length === 2 && logged('py-b').length === 1, 5000);
    expect(JSON.parse(logged('py-b')[0])).toMatchObject({ level: 'WARNING', message: 'probe of py-b', logger: 'root' });
    expect(logged('py-a')).toEqual([expect.stringMatching(/^\[WARNING\]\t\S+Z\t[0-9a-f-]{36}\tprobe of py-a$/), expect.stringMatching(/^\[WARNING\]/)]);
  });

  it.each(['slow-init', 'slow-init-py'])("Init Duration covers the handler's top-level code (200 ms), not the blank's start-up (%s)", async (fn) => {
    await cold(fn);
    const before = blanks().assignedCount;
    const res = await cold(fn);
    expect(blanks().assignedCount).toBe(before + 1);
    expect(res).toMatchObject({ initType: 'on-demand' });
    const reports = em.lines.filter((l) => l.fn === fn && l.text.startsWith('REPORT '));
    const init = Number(/Init Duration: ([\d.]+) ms/.exec(reports.at(-1)!.text)?.[1]);
    expect(init).toBeGreaterThanOrEqual(200);
  });

  it('a function whose code is under the host\'s /tmp (created through the API) takes a blank: its code mounted, a fresh /tmp', async () => {
    const zip = zipSync({ 'index.mjs': readFileSync(fixture('functions/blank-probe/index.mjs')) });
    const created = await fetch(`${em.url}/2015-03-31/functions`, {
      method: 'POST',
      body: JSON.stringify({
        FunctionName: 'probe-zip', Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r',
        Code: { ZipFile: Buffer.from(zip).toString('base64') }, Environment: { Variables: { ONLY_ZIP: 'z' } },
      }),
    });
    expect(created.status).toBe(201);
    const before = blanks().assignedCount;
    const z = await cold('probe-zip');
    expect(blanks().assignedCount).toBe(before + 1);
    expect(z).toMatchObject({ tmpAtInit: [], env: expect.objectContaining({ ONLY_ZIP: 'z' }) });
    if (isolation === 'namespace') expect(z).toMatchObject({ cwd: '/var/task', tmpdir: '/tmp', tmpMB: 512 });
  });

  it('NODE_OPTIONS acts only at start: that cold start is a normal spawn, which gets it', async () => {
    const before = blanks().assignedCount;
    const res = await cold('start-only');
    expect(res.env.NODE_OPTIONS).toBe('--max-old-space-size=200');
    expect(blanks().assignedCount).toBe(before);
  });
});

describe('--sandbox-pool 0', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(TEMPLATE, { isolation: 'process', sandboxPool: 0 });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('starts no blank: every cold start spawns its runtime', async () => {
    expect((await em.invoke('probe-a')).status).toBe(200);
    const pool = em.eph.internals.pool;
    await Promise.all(pool.environments().map((e) => pool.shutdownEnvironment(e, 'test')));
    await new Promise((r) => setTimeout(r, 300)); // longer than a refill's delay
    expect((await em.invoke('probe-a')).status).toBe(200);
    expect(em.eph.internals.sandboxes.list()).toEqual([]);
    expect(em.eph.internals.sandboxes.assignedCount).toBe(0);
  });
});
