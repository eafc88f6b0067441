// The emulator as a process and over time: the CLI's ready line, SIGTERM/SIGINT shutting every
// environment down with no process left, start-up errors, idle shutdown after the keep-alive,
// and the INIT time limit (INIT re-run inside the first invoke).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, descendants, fixture, hostPid, isAlive, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

interface Cli {
  child: ChildProcess;
  url: Promise<string>;
  out: string[];
  err: string[];
  exit: Promise<number | null>;
}

/** Every CLI a test started: killed after each test, so a failed assertion leaves nothing behind. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, [join(ROOT, 'server/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const out: string[] = [];
  const err: string[] = [];
  const url = new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        out.push(line);
        if (line.includes('ephemera ready')) resolve((JSON.parse(line) as { url: string }).url);
        nl = buf.indexOf('\n');
      }
    });
    child.once('exit', () => reject(new Error(`exited before ready: ${err.join('')}`)));
  });
  child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  url.catch(() => {});
  return { child, url, out, err, exit };
}

async function environments(url: string): Promise<Array<{ pid: number; state: string; frozen: boolean; function: string }>> {
  return ((await (await fetch(`${url}/_ephemera/environments`)).json()) as { environments: [] }).environments;
}

describe('the CLI process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves, then on ${signal} shuts every environment down and exits 0`, async () => {
      const cli = startCli(['start', '--template', fixture('templates/core.yaml'), '--port', '0', '--isolation', 'process']);
      const url = await cli.url;
      const health = (await (await fetch(`${url}/_ephemera/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', isolation: 'process', functions: 15 });
      const res = await fetch(`${url}/2015-03-31/functions/counter/invocations`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      await Promise.all([1, 2].map(() => fetch(`${url}/2015-03-31/functions/concurrent/invocations`, { method: 'POST', body: '{"sleepMs":200}' })));
      const envs = await environments(url);
      expect(envs.length).toBeGreaterThanOrEqual(3);
      const pids = envs.map((e) => e.pid);
      await waitFor(async () => (await environments(url)).every((e) => e.frozen), 2000);
      cli.child.kill(signal);
      expect(await cli.exit).toBe(0);
      expect(pids.filter(isAlive)).toEqual([]);
      // Function output is relayed with a function/environment prefix.
      expect(cli.out.some((l) => /^\[counter [0-9a-f]{8}\] START RequestId: /.test(l))).toBe(true);
    });
  }

  for (const isolation of ['process', 'namespace']) {
    it(`takes its frozen environments with it when killed with SIGKILL (${isolation})`, async (ctx) => {
      const cli = startCli(['start', '--template', fixture('templates/core.yaml'), '--port', '0', '--isolation', isolation]);
      const url = await cli.url.catch((err: Error) => {
        if (isolation === 'namespace' && /not available/.test(cli.err.join(''))) ctx.skip(cli.err.join(''));
        throw err;
      });
      await fetch(`${url}/2015-03-31/functions/counter/invocations`, { method: 'POST', body: '{}' });
      const [env] = await waitFor(async () => {
        const list = await environments(url);
        return list.length > 0 && list.every((e) => e.frozen) && list;
      }, 2000);
      const tree = [env.pid, ...descendants(env.pid)];
      expect(tree.every(isAlive)).toBe(true);
      cli.child.kill('SIGKILL');
      await cli.exit;
      await waitFor(() => tree.every((p) => !isAlive(p)), 3000);
    });
  }

  it('fails to start with a clear message for a bad template or flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ephemera-cli-'));
    try {
      const bad = join(dir, 'template.yaml');
      writeFileSync(bad, 'Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: .\n      Handler: index.handler\n      Runtime: nodejs24.x\n      MemorySize: 64\n');
      const cli = startCli(['start', '--template', bad, '--port', '0']);
      expect(await cli.exit).toBe(1);
      expect(cli.err.join('')).toMatch(/^ephemera: .*template\.yaml:8:.*MemorySize/m);
      const flag = startCli(['start', '--bogus']);
      expect(await flag.exit).toBe(1);
      expect(flag.err.join('')).toMatch(/unknown option --bogus/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('over time', () => {
  let em: TestEmulator;
  // The keep-alive runs on it: the test moves it past the idle time.
  const clock = new ManualClock({ realTime: true });
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/core.yaml'), { keepAlive: 60, initTimeout: 1 }, { clock });
  });
  afterAll(async () => {
    clock.stop();
    expect(await em.stopChecked()).toEqual([]);
  });

  it('throttles beyond ReservedConcurrentExecutions with 429 and Lambda\'s Reason', async () => {
    const [a, b] = await Promise.all([
      em.invoke('reserved-one', { sleepMs: 300 }),
      em.invoke('reserved-one', { sleepMs: 300 }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 429]);
    const throttled = a.status === 429 ? a : b;
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(throttled.json()).toEqual({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' });
    const zero = await em.invoke('reserved-zero');
    expect(zero.status).toBe(429);
    expect((zero.json() as { Reason: string }).Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    // The slot comes back: the next invoke runs.
    expect((await em.invoke('reserved-one', {})).status).toBe(200);
  });

  it('shuts an idle environment down after the keep-alive', async () => {
    const pid = hostPid(em, 'counter', ((await em.invoke('counter')).json() as { pid: number }).pid);
    expect(em.eph.internals.pool.environments().some((e) => e.pid && e.fn.config.name === 'counter')).toBe(true);
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'counter' && e.state === 'Idle' && e.frozen)); // its keep-alive running
    await clock.advance(59_000);
    expect(em.eph.internals.pool.environments().some((e) => e.pid && e.fn.config.name === 'counter')).toBe(true);
    await clock.advance(1_000);
    await waitFor(() => !em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'counter'), 4000);
    // It leaves the pool when its SHUTDOWN starts (nothing new is routed to it); the process ends after.
    await waitFor(() => !isAlive(pid), 4000);
    const again = (await em.invoke('counter')).json() as { count: number };
    expect(again.count).toBe(0);
  });

  it('a frozen environment whose runtime is killed leaves the pool: the next invoke is a cold start', async () => {
    await em.invoke('counter');
    const env = await waitFor(() => em.eph.internals.pool.environments().find((e) => e.fn.config.name === 'counter' && e.state === 'Idle' && e.frozen));
    process.kill(env.pid!, 'SIGKILL'); // a worker process this emulator started (as the OOM killer might)
    await waitFor(() => !em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'counter'), 4000);
    const again = await em.invoke('counter');
    expect(again.status).toBe(200);
    expect((again.json() as { count: number; pid: number })).toMatchObject({ count: 0 });
  });

  it('re-runs an INIT that exceeded its limit inside the first invoke (phase invoke)', async () => {
    const res = await em.invoke('slow-init');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ initType: 'on-demand' });
    // REPORT follows the answer once the runtime is back at /next.
    await waitFor(() => em.lines.some((l) => l.fn === 'slow-init' && l.text.startsWith('REPORT')));
    const mine = em.lines.filter((l) => l.fn === 'slow-init').map((l) => l.text);
    expect(mine.find((t) => t.startsWith('INIT_REPORT'))).toMatch(/^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout/);
    // The re-run INIT's own duration (the handler's module sleeps 1.5 s), not the timed-out first one's.
    expect(Number(/Init Duration: (\d+\.\d\d) ms/.exec(mine.find((t) => t.startsWith('REPORT'))!)?.[1])).toBeGreaterThanOrEqual(1500);
  });

  it('times out when the re-run INIT also exceeds the function timeout', async () => {
    const res = await em.invoke('slow-init-too-slow');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect((res.json() as { errorType: string }).errorType).toBe('Sandbox.Timedout');
    const mine = em.lines.filter((l) => l.fn === 'slow-init-too-slow').map((l) => l.text);
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).map((t) => /Phase: (\w+)\tStatus: (\w+)/.exec(t)?.slice(1).join(' '))).toEqual(['init timeout', 'invoke timeout']);
    expect(mine.find((t) => t.startsWith('REPORT'))).toMatch(/Status: timeout$/);
  });
});
