// Lambda Managed Instances with real environments: one environment (one PID) serves N invocations at once
// through concurrent GET /next, never frozen, sharing one /tmp; a racy module-level counter loses updates
// and a correct one does not; the pool adds an environment only when every one is at its maximum; every
// log line carries its own request id; /_ephemera/environments shows in-flight counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

interface Answer { pid: number; threadId: number; requestId: string; counter: number }

describe('Lambda Managed Instances', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/managed-instances.yaml'), { isolation: 'process' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  const burst = async (fn: string, n: number, payload: unknown): Promise<Answer[]> => {
    const results = await Promise.all(Array.from({ length: n }, () => em.invoke(fn, payload)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    return results.map((r) => r.json() as Answer);
  };

  it('sets the managed-instances environment: initialization type, maximum concurrency, JSON logs', async () => {
    const res = await em.invoke('managed-env');
    expect((res.json() as { env: Record<string, string> }).env).toEqual({
      // PerExecutionEnvironmentMaxConcurrency unset: Node's 64 per vCPU, 2048 MB at 2 GiB per vCPU = 1 vCPU.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances', AWS_LAMBDA_MAX_CONCURRENCY: '64', AWS_LAMBDA_LOG_FORMAT: 'JSON',
    });
  });

  it('serves 8 concurrent invocations in one environment (one PID), where a racy counter loses updates', async () => {
    const answers = await burst('racy', 8, { holdMs: 150 });
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(8);
    const envs = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'racy');
    expect(envs).toHaveLength(1);
    expect(envs[0].pid).toBe(answers[0].pid);
    expect(envs[0].peakInFlight).toBe(8);
    expect(envs[0].frozen).toBe(false);
    // Eight increments, but each read the counter before the others wrote it back.
    expect(Math.max(...answers.map((a) => a.counter))).toBeLessThan(8);
  });

  it('a correct handler (read and write in one step) counts every invocation', async () => {
    const answers = await burst('safe', 8, { holdMs: 150 });
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
    expect(answers.map((a) => a.counter).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('the same racy handler in classic environments never races: one invocation per environment', async () => {
    const answers = await burst('classic-racy', 3, { holdMs: 150 });
    expect(new Set(answers.map((a) => a.pid)).size).toBe(3);
    expect(answers.map((a) => a.counter)).toEqual([1, 1, 1]);
  });

  it('every log line carries the request id of the invocation that wrote it, and goes to its log', async () => {
    const res = await Promise.all(Array.from({ length: 4 }, () => em.invoke('racy', { holdMs: 100 }, { headers: { 'X-Amz-Log-Type': 'Tail' } })));
    for (const r of res) {
      const id = r.headers.get('x-amzn-requestid')!;
      const tail = Buffer.from(r.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
      const userLines = tail.split('\n').filter((l) => l.includes('"message":"racy'));
      expect(userLines).toHaveLength(1);
      expect(JSON.parse(userLines[0]).requestId).toBe(id);
      expect(await em.report(id)).toContain(`REPORT RequestId: ${id}`);
    }
  });

  it('adds an environment only when every environment is at its maximum, and they share /tmp within one', async () => {
    const results = await Promise.all(Array.from({ length: 7 }, () => em.invoke('scaling', { holdMs: 300 })));
    expect(results.map((r) => r.status)).toEqual(Array(7).fill(200));
    const answers = results.map((r) => r.json() as { pid: number; lines: number });
    const perPid = new Map<number, number>();
    for (const a of answers) perPid.set(a.pid, (perPid.get(a.pid) ?? 0) + 1);
    // PerExecutionEnvironmentMaxConcurrency 3: 7 invocations need 3 environments (3 + 3 + 1).
    expect([...perPid.values()].sort()).toEqual([1, 3, 3]);
    // Requests of one environment append to one /tmp file: the last to read it sees the others' lines.
    const full = [...perPid.entries()].filter(([, n]) => n === 3).map(([pid]) => Math.max(...answers.filter((a) => a.pid === pid).map((a) => a.lines)));
    expect(full).toEqual([3, 3]);
  });

  it('shows in-flight counts per environment in /_ephemera/environments', async () => {
    const running = Promise.all(Array.from({ length: 3 }, () => em.invoke('safe', { holdMs: 600 })));
    let seen: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && !seen.some((e) => e.inFlight === 3); i++) {
      const body = (await (await fetch(`${em.url}/_ephemera/environments?function=safe`)).json()) as { environments: Array<Record<string, unknown>> };
      seen = body.environments;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toContainEqual(expect.objectContaining({ function: 'safe', inFlight: 3, capacity: 8, managedInstances: true, frozen: false }));
    await running;
    const after = (await (await fetch(`${em.url}/_ephemera/environments?function=safe`)).json()) as { environments: Array<Record<string, unknown>> };
    expect(after.environments[0]).toMatchObject({ inFlight: 0, state: 'Idle', frozen: false });
  });

  it('Python: each concurrent request runs in its own process of the one environment, sharing /tmp only', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => em.invoke('managed-python', { holdMs: 300 })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const answers = results.map((r) => r.json() as { pid: number; ppid: number; counter: number; requestId: string });
    const envs = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'managed-python');
    expect(envs).toHaveLength(1);
    // Four runtime processes, children of the environment's bootstrap: no shared memory, so no race.
    expect(new Set(answers.map((a) => a.pid)).size).toBe(4);
    expect(new Set(answers.map((a) => a.ppid))).toEqual(new Set([envs[0].pid]));
    expect(answers.map((a) => a.counter)).toEqual([1, 1, 1, 1]);
    const lines = em.lines.filter((l) => l.fn === 'managed-python' && l.text.includes('"message": "python'));
    expect(new Set(lines.map((l) => (JSON.parse(l.text) as { requestId: string }).requestId))).toEqual(new Set(answers.map((a) => a.requestId)));
  });

  it('a timeout fails that invocation only: the environment and the invocations beside it go on', async () => {
    const [late, quick] = await Promise.all([em.invoke('managed-slow', { holdMs: 2500 }), em.invoke('managed-slow', { holdMs: 100 })]);
    expect(late.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect((late.json() as { errorType: string }).errorType).toBe('Sandbox.Timedout');
    const pid = (quick.json() as { pid: number }).pid;
    const next = await em.invoke('managed-slow', { holdMs: 10 });
    expect((next.json() as { pid: number }).pid).toBe(pid);
    expect(em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'managed-slow').map((e) => e.state)).toEqual(['Idle']);
  });

  it('reports a process left running by an invocation that ran alone as its own, and says when it cannot tell', async () => {
    const alone = await em.invoke('managed-leaky', { holdMs: 10 }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const tail = (r: { headers: Headers }): string => Buffer.from(r.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    const leak = tail(alone).split('\n').find((l) => l.startsWith('LEAK'));
    expect(leak).toMatch(/^LEAK RequestId: \S+\tLeft running: 1\tprocess \(pid \d+ "sleep 30"\)\tThis keeps running: the environment is never frozen/);
    expect(leak).not.toContain('environment-level');
    const overlapped = await Promise.all([1, 2].map(() => em.invoke('managed-leaky', { holdMs: 400 }, { headers: { 'X-Amz-Log-Type': 'Tail' } })));
    const leaks = overlapped.map((r) => tail(r).split('\n').find((l) => l.startsWith('LEAK'))).filter((l) => l !== undefined);
    // The walk waits for the environment to have no invocation in flight: the last to end reports both, as the environment's.
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toContain('Left running: 2');
    expect(leaks[0]).toContain('environment-level: other invocations ran at the same time');
  });

  it('a runtime that exits (its one worker thread died) fails every invocation in flight; the next runs in a new environment', async () => {
    const first = (await em.invoke('managed-crash', { holdMs: 10 })).json() as { pid: number };
    const failed = await Promise.all([em.invoke('managed-crash', { holdMs: 300, crash: true }), em.invoke('managed-crash', { holdMs: 300 })]);
    expect(failed.map((r) => (r.json() as { errorType: string }).errorType)).toEqual(['Runtime.ExitError', 'Runtime.ExitError']);
    const next = (await em.invoke('managed-crash', { holdMs: 10 })).json() as { pid: number };
    expect(next.pid).not.toBe(first.pid);
  });
});
