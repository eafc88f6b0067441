// AWS's official Node runtime client (npm `aws-lambda-ric` 4.x) started from a provided.* `bootstrap`
// (fixtures/functions/ric-node) must run unchanged against our Runtime API: the same invoke, error,
// timeout, crash, init-error, warm-reuse and Tail-log behaviours as our own Node runtime, under each
// isolation level this machine offers, and no process left behind.
//
// The client has a native addon, so it is built here (npm install in the fixture; node_modules is
// git-ignored) with the Node that runs the tests and that Node's headers, once per machine
// (test/helpers/ric-build.ts keeps the build in the user's cache folder). If it cannot be built on
// this machine the suite is skipped with npm's reason.
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, hostPid, isAlive, startEmulator, type TestEmulator, isolationLevels, waitFor } from '../helpers/emulator.ts';
import { buildRic } from '../helpers/ric-build.ts';
import { arn, stopAndCheckOrphans } from './helpers.ts';

const RIC_VERSION = '4.0.2';
const RIC_DIR = fixture('functions/ric-node');
const skipReason = await buildRic(RIC_DIR, RIC_VERSION);
if (skipReason) console.warn(`aws-lambda-ric tests skipped: aws-lambda-ric ${RIC_VERSION} cannot be built here:\n${skipReason}`);

const levels = isolationLevels();

interface RicEcho {
  event: unknown;
  requestId: string;
  functionName: string;
  invokedFunctionArn: string;
  remainingMs: number;
  handler: string;
  taskRoot: string;
  pid: number;
  logStream: string;
  count: number;
}

describe.skipIf(skipReason !== undefined).each(levels)(`aws-lambda-ric ${RIC_VERSION} on provided.* (%s isolation)`, (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/provided.yaml'), { isolation });
  });
  afterAll(async () => {
    await stopAndCheckOrphans(em);
  });

  const linesOf = (fn: string): string[] => em.lines.filter((l) => l.fn === fn).map((l) => l.text);

  it('answers with the handler result; the request id is the one the client saw', async () => {
    const res = await em.invoke('ric-echo', { hello: 'wörld' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = res.json() as RicEcho;
    expect(body.event).toEqual({ hello: 'wörld' });
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(body.handler).toBe('index.handler');
    expect(body.functionName).toBe('ric-echo');
    expect(body.invokedFunctionArn).toBe(arn('ric-echo'));
    expect(body.remainingMs).toBeGreaterThan(1000);
    expect(body.remainingMs).toBeLessThanOrEqual(3000);
    expect(body.taskRoot).toBe(isolation === 'namespace' ? '/var/task' : RIC_DIR);
    expect(await em.report(body.requestId)).toContain('Init Duration');
    const mine = linesOf('ric-echo');
    expect(mine.some((t) => t.startsWith('INIT_START Runtime Version: provided.al2023:'))).toBe(true);
    expect(mine).toContain('starting aws-lambda-ric for index.handler');
  });

  it('runs on provided.al2 the same way', async () => {
    const res = await em.invoke('ric-echo-al2', { n: 2 });
    const body = res.json() as RicEcho;
    expect(body.event).toEqual({ n: 2 });
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
  });

  it('reuses the environment: a module-level counter increments across sequential invokes', async () => {
    const results: RicEcho[] = [];
    for (let i = 0; i < 4; i++) results.push((await em.invoke('ric-echo', { i })).json() as RicEcho);
    const first = results[0].count;
    expect(results.map((r) => r.count)).toEqual([first, first + 1, first + 2, first + 3]);
    expect(new Set(results.map((r) => r.logStream)).size).toBe(1);
    expect(await em.report(results[3].requestId)).not.toContain('Init Duration');
  });

  it('keeps a thrown error as the result (errorType from the body: the client sends no header)', async () => {
    const res = await em.invoke('ric-throws', { why: 'ric' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const rid = res.headers.get('x-amzn-requestid')!;
    const body = res.json() as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('boom: ric');
    expect(Array.isArray(body.trace)).toBe(true);
    expect(body.trace[0]).toMatch(/^MyError: boom: ric/);
    expect(await em.report(rid)).not.toContain('Status:');
    expect(linesOf('ric-throws').some((t) => t.includes(`\t${rid}\tERROR\tInvoke Error \t`))).toBe(true);
    // The environment survives: the client goes back to /next.
    const again = await em.invoke('ric-throws', { why: 'again' });
    expect((again.json() as { errorMessage: string }).errorMessage).toBe('boom: again');
  });

  it('times out: Sandbox.Timedout, the client is killed, the next invoke is cold', async () => {
    const warm = (await em.invoke('ric-timeout', { action: 'sleep', ms: 1 })).json() as RicEcho;
    const warmPid = hostPid(em, 'ric-timeout', warm.pid);
    const res = await em.invoke('ric-timeout', { action: 'sleep', ms: 10_000 });
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${rid} Error: Task timed out after 2.00 seconds` });
    expect(await em.report(rid)).toMatch(/Status: timeout$/);
    // The answer does not wait for the kill to land: in a namespace the kernel ends the processes
    // after the sandbox's PID 1 goes, asynchronously.
    await waitFor(() => !isAlive(warmPid), 5000);
    const next = (await em.invoke('ric-timeout', { action: 'sleep', ms: 1 })).json() as RicEcho;
    expect(next.logStream).not.toBe(warm.logStream);
    expect(next.count).toBe(1);
    expect(await em.report(next.requestId)).toContain('Init Duration');
  });

  it('reports process.exit(1) in a handler as Runtime.ExitError and starts a new client', async () => {
    const warm = (await em.invoke('ric-echo', {})).json() as RicEcho;
    const res = await em.invoke('ric-echo', { action: 'exit' });
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${rid} Error: Runtime exited with error: exit status 1`,
    });
    expect(await em.report(rid)).toMatch(/Status: error\tError Type: Runtime\.ExitError$/);
    const next = (await em.invoke('ric-echo', { after: 'exit' })).json() as RicEcho;
    expect(next.event).toEqual({ after: 'exit' });
    expect(next.logStream).not.toBe(warm.logStream);
    expect(next.count).toBe(1);
  });

  it('returns the init error of a module that throws, after re-running INIT inside the invoke', async () => {
    const res = await em.invoke('ric-init-throws');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Error');
    expect(body.errorMessage).toBe('init failed on purpose');
    const rid = res.headers.get('x-amzn-requestid')!;
    expect(await em.report(rid)).toMatch(/Status: error\tError Type: Error$/);
    const mine = linesOf('ric-init-throws');
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).map((t) => /Phase: (\w+)/.exec(t)?.[1])).toEqual(['init', 'invoke']);
    expect(mine).toContain(`START RequestId: ${rid} Version: $LATEST`);
  });

  it('returns Runtime.HandlerNotFound for a handler the module does not export', async () => {
    const res = await em.invoke('ric-no-handler');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect((res.json() as { errorType: string }).errorType).toBe('Runtime.HandlerNotFound');
    expect(await em.report(res.headers.get('x-amzn-requestid'))).toMatch(/Error Type: Runtime\.HandlerNotFound$/);
  });

  it("returns the Tail log: the client's INFO line between START and END", async () => {
    const res = await em.invoke('ric-echo', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = res.headers.get('x-amzn-requestid')!;
    expect((res.json() as RicEcho).requestId).toBe(rid);
    const lines = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString('utf8').replace(/\n$/, '').split('\n');
    const start = lines.indexOf(`START RequestId: ${rid} Version: $LATEST`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start).some((l) => new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${rid}\\tINFO\\tric echo ${rid}$`).test(l))).toBe(true);
    expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
  });

  it('streams with awslambda.streamifyResponse: InvokeWithResponseStream reads its chunks and its mid-stream error', async () => {
    const lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const read = async (payload: unknown) => {
      const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'ric-streams', Payload: Buffer.from(JSON.stringify(payload)) }));
      let body = '';
      let complete: unknown;
      for await (const e of out.EventStream!) {
        if (e.PayloadChunk) body += Buffer.from(e.PayloadChunk.Payload!).toString();
        if (e.InvokeComplete) complete = { ...e.InvokeComplete };
      }
      return { type: out.ResponseStreamContentType, body, complete };
    };
    try {
      expect(await read({})).toEqual({ type: 'text/plain', body: 'ric;done', complete: {} });
      expect(await read({ fail: true })).toEqual({ type: 'text/plain', body: 'ric;', complete: { ErrorCode: 'Error', ErrorDetails: 'ric mid-stream' } });
    } finally {
      lambda.destroy();
    }
  });
});
