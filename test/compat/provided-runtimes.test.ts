// provided.al2023 / provided.al2 with the function's own `bootstrap`: a POSIX sh script that speaks
// the Runtime API with curl (fixtures/functions/custom-bootstrap). The same invoke, error, timeout,
// crash, init-error, warm-reuse and Tail-log behaviours as the Node runtime, via a real emulator
// under each isolation level this machine offers, and no process left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, hostPid, isAlive, startEmulator, type TestEmulator, isolationLevels } from '../helpers/emulator.ts';
import { arn, stopAndCheckOrphans } from './helpers.ts';

const levels = isolationLevels();

interface ShellEcho {
  event: unknown;
  handler: string;
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  pid: number;
  /** Names the environment (under namespace isolation every runtime has the same pid). */
  logStream: string;
  count: number;
  taskRoot: string;
  functionName: string;
  cwd: string;
}

describe.each(levels)('provided.* with a sh + curl bootstrap (%s isolation)', (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/provided.yaml'), { isolation });
  });
  afterAll(async () => {
    await stopAndCheckOrphans(em);
  });

  const linesOf = (fn: string): string[] => em.lines.filter((l) => l.fn === fn).map((l) => l.text);

  it('answers with what the bootstrap posted; the request id is the one it read from /next', async () => {
    const before = Date.now();
    const res = await em.invoke('sh-echo', { action: 'echo', hello: 'wörld' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = res.json() as ShellEcho;
    expect(body.event).toEqual({ action: 'echo', hello: 'wörld' });
    expect(body.handler).toBe('function.handler');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(body.functionName).toBe('sh-echo');
    expect(body.invokedFunctionArn).toBe(arn('sh-echo'));
    expect(body.deadlineMs).toBeGreaterThan(before + 2000);
    expect(body.deadlineMs).toBeLessThanOrEqual(Date.now() + 3000);
    const root = isolation === 'namespace' ? '/var/task' : fixture('functions/custom-bootstrap');
    expect(body.taskRoot).toBe(root);
    expect(body.cwd).toBe(root);
    const report = await em.report(body.requestId);
    expect(report).toContain('Init Duration');
    const mine = linesOf('sh-echo');
    expect(mine.some((t) => t.startsWith('INIT_START Runtime Version: provided.al2023'))).toBe(true);
    expect(mine.some((t) => t.startsWith('custom bootstrap started: pid '))).toBe(true);
  });

  it('runs provided.al2 the same way', async () => {
    const res = await em.invoke('sh-echo-al2', { n: 1 });
    const body = res.json() as ShellEcho;
    expect(body.event).toEqual({ n: 1 });
    expect(body.handler).toBe('al2.handler');
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
    await em.report(body.requestId);
    expect((linesOf('sh-echo-al2')).some((t) => t.startsWith('INIT_START Runtime Version: provided.al2:'))).toBe(true);
  });

  it('reuses the environment: the same bootstrap process answers sequential invokes', async () => {
    const results: ShellEcho[] = [];
    for (let i = 0; i < 4; i++) results.push((await em.invoke('sh-echo', { i })).json() as ShellEcho);
    const first = results[0].count;
    expect(results.map((r) => r.count)).toEqual([first, first + 1, first + 2, first + 3]);
    expect(new Set(results.map((r) => r.logStream)).size).toBe(1);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(4);
    const last = await em.report(results[3].requestId);
    expect(last).not.toContain('Init Duration');
  });

  it('keeps a function error (Lambda-Runtime-Function-Error-Type: Custom.Error) as the result', async () => {
    const res = await em.invoke('sh-echo', { action: 'error' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const rid = res.headers.get('x-amzn-requestid')!;
    expect(res.json()).toEqual({ errorType: 'Custom.Error', errorMessage: `failed on purpose in ${rid}`, stackTrace: [] });
    // A function's own error leaves REPORT as it is (no Status).
    expect(await em.report(rid)).not.toContain('Status:');

    // A body that is not JSON goes back verbatim.
    const raw = await em.invoke('sh-echo', { action: 'error-raw' });
    expect(raw.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(raw.body).toBe('plain text failure');
    await em.report(raw.headers.get('x-amzn-requestid'));

    // The environment survives a function error.
    const before = (await em.invoke('sh-echo', {})).json() as ShellEcho;
    const after = (await em.invoke('sh-echo', {})).json() as ShellEcho;
    expect(after.logStream).toBe(before.logStream);
  });

  it('times out: Sandbox.Timedout, the bootstrap is killed, the next invoke is cold', async () => {
    const warm = (await em.invoke('sh-timeout', { action: 'sleep', ms: 1 })).json() as ShellEcho;
    const warmPid = hostPid(em, 'sh-timeout', warm.pid);
    const res = await em.invoke('sh-timeout', { action: 'sleep', ms: 10_000 });
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${rid} Error: Task timed out after 2.00 seconds` });
    expect(await em.report(rid)).toMatch(/Status: timeout$/);
    expect(isAlive(warmPid)).toBe(false);
    const next = await em.invoke('sh-timeout', { action: 'sleep', ms: 1 });
    const body = next.json() as ShellEcho;
    expect(body.logStream).not.toBe(warm.logStream);
    expect(body.count).toBe(1);
    expect(await em.report(body.requestId)).toContain('Init Duration');
  });

  it('reports a bootstrap that exits mid-invoke as Runtime.ExitError and starts a new one', async () => {
    const warm = (await em.invoke('sh-echo', {})).json() as ShellEcho;
    const res = await em.invoke('sh-echo', { action: 'exit' });
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${rid} Error: Runtime exited with error: exit status 1`,
    });
    expect(await em.report(rid)).toMatch(/Status: error\tError Type: Runtime\.ExitError$/);
    expect(em.lines.some((l) => l.text === `exiting with status 1 in ${rid}`)).toBe(true);
    const next = (await em.invoke('sh-echo', { after: 'exit' })).json() as ShellEcho;
    expect(next.event).toEqual({ after: 'exit' });
    expect(next.logStream).not.toBe(warm.logStream);
  });

  it('returns the /runtime/init/error of a bootstrap, after re-running INIT inside the invoke', async () => {
    const res = await em.invoke('sh-init-error');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({ errorType: 'Custom.InitFailed', errorMessage: 'the custom runtime could not start', stackTrace: [] });
    const rid = res.headers.get('x-amzn-requestid')!;
    const report = await em.report(rid);
    expect(report).toMatch(/Status: error\tError Type: Custom\.InitFailed$/);
    const mine = linesOf('sh-init-error');
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).map((t) => /Phase: (\w+)/.exec(t)?.[1])).toEqual(['init', 'invoke']);
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).every((t) => t.endsWith('Status: error\tError Type: Custom.InitFailed'))).toBe(true);
    expect(mine).toContain(`START RequestId: ${rid} Version: $LATEST`);
  });

  it('takes the init error type from the header when the body is not JSON', async () => {
    const res = await em.invoke('sh-init-error-raw');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.body).toBe('the custom runtime could not start (plain text)');
    expect(await em.report(res.headers.get('x-amzn-requestid'))).toMatch(/Status: error\tError Type: Custom\.InitFailed$/);
  });

  it('fails with Runtime.InvalidEntrypoint when the code has no bootstrap', async () => {
    const res = await em.invoke('no-bootstrap');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(body.errorMessage).toContain("Couldn't find valid bootstrap(s)");
  });

  it('returns the Tail log: the bootstrap output between START and END', async () => {
    const res = await em.invoke('sh-echo', { action: 'echo' }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = res.headers.get('x-amzn-requestid')!;
    expect((res.json() as ShellEcho).requestId).toBe(rid);
    const lines = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString('utf8').replace(/\n$/, '').split('\n');
    const start = lines.indexOf(`START RequestId: ${rid} Version: $LATEST`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start)).toContain(`handling ${rid} action=echo`);
    expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
  });
});
