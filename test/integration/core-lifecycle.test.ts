// The core lifecycle with real worker processes, under each isolation level this machine offers:
// warm reuse, one environment per concurrent invoke, freeze/thaw, timeout, crash, INIT failure,
// the reserved environment, and no process left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, hostPid, procState, startEmulator, type TestEmulator, waitFor, isolationLevels } from '../helpers/emulator.ts';

const levels = isolationLevels();

describe.each(levels)('core lifecycle (%s isolation)', (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    process.env.EPHEMERA_TEST_SECRET = 'must-not-leak';
    em = await startEmulator(fixture('templates/core.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    delete process.env.EPHEMERA_TEST_SECRET;
  });

  it('answers with the function result and Lambda headers', async () => {
    const res = await em.invoke('echo', { hello: 'world' });
    expect(res.status).toBe(200);
    const body = res.json() as Record<string, any>;
    expect(body.event).toEqual({ hello: 'world' });
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(body.functionName).toBe('echo');
    expect(body.memoryLimitInMB).toBe('256');
    expect(body.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo');
    expect(body.remainingMs).toBeGreaterThan(2000);
    expect(body.remainingMs).toBeLessThanOrEqual(3000);
    expect(body.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    // Reserved variables are the platform's, not the function's (AWS_REGION: eu-west-9 is ignored).
    expect(body.env.AWS_REGION).toBe('us-east-1');
    expect(body.env.MY_VAR).toBe('hello');
    expect(body.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBe('256');
    expect(body.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(body.env.LAMBDA_TASK_ROOT).toBe(isolation === 'namespace' ? '/var/task' : fixture('functions/echo'));
    expect(body.env.AWS_EXECUTION_ENV).toBe('AWS_Lambda_nodejs24.x');
  });

  it("never passes the emulator's own environment to a function", async () => {
    const { env } = (await em.invoke('env-dump')).json() as { env: Record<string, string> };
    expect(env.EPHEMERA_TEST_SECRET).toBeUndefined();
    expect(env.HOME).toBeUndefined();
    expect(env.AWS_ACCESS_KEY_ID).toBe('AKIAEPHEMERALOCAL000');
    expect(env.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('on-demand');
  });

  it('reuses the environment: a module-level counter increments across sequential invokes', async () => {
    const results = [];
    let last = '';
    for (let i = 0; i < 5; i++) {
      const res = await em.invoke('counter');
      last = res.headers.get('x-amzn-requestid')!;
      results.push(res.json() as { count: number; logStream: string });
    }
    await em.report(last);
    expect(results.map((r) => r.count)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.logStream)).size).toBe(1);
    const starts = em.lines.filter((l) => l.fn === 'counter' && l.text.startsWith('REPORT'));
    expect(starts.filter((l) => l.text.includes('Init Duration')).length).toBe(1);
  });

  it('runs concurrent invokes in separate environments with separate /tmp', async () => {
    const [a, b] = await Promise.all([
      em.invoke('concurrent', { sleepMs: 400, name: 'a' }),
      em.invoke('concurrent', { sleepMs: 400, name: 'b' }),
    ]);
    const ra = a.json() as { logStream: string; tmpdir: string; files: string[]; literal: string[]; taskRootWritable: boolean };
    const rb = b.json() as typeof ra;
    expect(ra.logStream).not.toBe(rb.logStream);
    expect(ra.files).toEqual(['marker-a']);
    expect(rb.files).toEqual(['marker-b']);
    if (isolation === 'namespace') {
      // A private tmpfs at the literal /tmp, and read-only code.
      expect(ra.tmpdir).toBe('/tmp');
      expect(ra.literal).toEqual(['literal-marker-a']);
      expect(ra.taskRootWritable).toBe(false);
    } else {
      expect(ra.tmpdir).not.toBe(rb.tmpdir);
    }
    // /tmp survives warm invokes of the same environment.
    const again = (await em.invoke('concurrent', { name: 'c' })).json() as typeof ra;
    expect([ra.logStream, rb.logStream]).toContain(again.logStream);
    const first = again.logStream === ra.logStream ? ra : rb;
    expect(again.files).toEqual([...first.files, 'marker-c'].sort());
  });

  it('freezes an idle environment: a setInterval makes no progress until the next invoke', async () => {
    const first = (await em.invoke('leaky-timer')).json() as { ticks: number; pid: number };
    const answered = Date.now();
    const pid = hostPid(em, 'leaky-timer', first.pid);
    await waitFor(() => procState(pid) === 'T', 2000, 5);
    // Until the runtime asks for its next event (after its leak report) it runs, as on Lambda: the
    // interval may tick then, more on a loaded machine. Frozen, it may not.
    const running = Date.now() - answered;
    await new Promise((r) => setTimeout(r, 600));
    expect(procState(pid)).toBe('T');
    const second = (await em.invoke('leaky-timer')).json() as { ticks: number; pid: number };
    expect(second.pid).toBe(first.pid);
    // 600 ms at a 50 ms interval would be ~12 ticks if it had run; frozen, only the ticks of the time it
    // ran before the freeze, and the overdue one at the thaw.
    expect(second.ticks - first.ticks).toBeLessThanOrEqual(Math.ceil(running / 50) + 2);
    // After the thaw, the interval resumes while the environment is busy.
    const third = (await em.invoke('leaky-timer')).json() as { ticks: number };
    expect(third.ticks).toBeGreaterThanOrEqual(second.ticks);
  });

  it('times out: Sandbox.Timedout, the environment is replaced, the next invoke is cold', async () => {
    const res = await em.invoke('sleepy', { sleepMs: 10_000 });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    const rid = res.headers.get('x-amzn-requestid');
    expect(body).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${rid} Error: Task timed out after 1.00 seconds` });
    expect(await em.report(rid)).toMatch(/Status: timeout$/);
    expect(em.lines.some((l) => l.text.endsWith(`${rid} Task timed out after 1.00 seconds`))).toBe(true);
    const quick = await em.invoke('sleepy', { sleepMs: 1 });
    expect(quick.json()).toEqual({ slept: true });
    expect(await em.report(quick.headers.get('x-amzn-requestid'))).toContain('Init Duration');
  });

  it('reports a crash as Runtime.ExitError and survives it', async () => {
    const res = await em.invoke('crash');
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${rid} Error: Runtime exited with error: exit status 1`,
    });
    expect(await em.report(rid)).toMatch(/Status: error\tError Type: Runtime.ExitError$/);
    expect((await em.invoke('echo', { after: 'crash' })).status).toBe(200);
  });

  it('returns the INIT error after re-running INIT inside the invoke', async () => {
    const res = await em.invoke('init-error');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Error');
    const rid = res.headers.get('x-amzn-requestid')!;
    await em.report(rid);
    const mine = em.lines.filter((l) => l.fn === 'init-error').map((l) => l.text);
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).map((t) => /Phase: (\w+)/.exec(t)?.[1])).toEqual(['init', 'invoke']);
    expect(mine.some((t) => t === `START RequestId: ${rid} Version: $LATEST`)).toBe(true);
    expect(mine.find((t) => t.startsWith(`REPORT RequestId: ${rid}`))).toMatch(/Status: error\tError Type: Error$/);
    // Nothing ran, so nothing was left running (the killed runtime itself is no leak).
    expect(mine.filter((t) => t.startsWith(`LEAK RequestId: ${rid}`))).toEqual([]);
  });

  it('keeps function errors as results', async () => {
    const res = await em.invoke('throws');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('MyError');
    expect(Array.isArray(body.trace)).toBe(true);
  });

  it('returns the last 4 KB of the log with X-Amz-Log-Type: Tail', async () => {
    const res = await em.invoke('echo', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = res.headers.get('x-amzn-requestid');
    const log = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString('utf8');
    const lines = log.replace(/\n$/, '').split('\n');
    expect(lines[0]).toBe(`START RequestId: ${rid} Version: $LATEST`);
    expect(lines.some((l) => /\tINFO\techo /.test(l))).toBe(true);
    expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\t`));
    const used = Number(/Max Memory Used: (\d+) MB/.exec(lines.at(-1)!)?.[1]);
    expect(used).toBeGreaterThan(10);
    expect(used).not.toBe(256);
  });

  it('keeps output without a trailing newline in its own invocation', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await em.invoke('partial-line', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      const rid = res.headers.get('x-amzn-requestid');
      const lines = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString().split('\n');
      const at = lines.indexOf(`no newline from ${rid}`);
      expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('START')));
      expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('END')));
    }
  });

  it('caps the response: over 6 MB is Function.ResponseSizeTooLarge', async () => {
    const res = await em.invoke('big-response', { size: 6 * 1024 * 1024 + 200 });
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
    const ok = await em.invoke('big-response', { size: 5 * 1024 * 1024 });
    expect(ok.body.length).toBe(5 * 1024 * 1024 + 2);
  });
});
