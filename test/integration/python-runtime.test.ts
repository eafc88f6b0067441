// python3.x through our stdlib-only runtime client (runtime-api/bootstrap/python), with real
// worker processes under each isolation level this machine offers: the same invoke, error,
// timeout, crash, INIT-failure and no-orphan behaviours core-lifecycle checks for Node, plus
// Python's own shapes (handler resolution, context, Runtime.* faults, log format).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { fixture, startEmulator, type TestEmulator, isolationLevels } from '../helpers/emulator.ts';

const python = defaultRuntimes().resolve('python3.12');
const noPython = 'error' in python ? python.error : '';
if (noPython) console.warn(`python runtime tests skipped: ${noPython}`);

const levels = isolationLevels();

const RID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.skipIf(noPython !== '').each(levels)('python runtime (%s isolation)', (isolation) => {
  let em: TestEmulator;
  const taskRoot = (fn: string): string => (isolation === 'namespace' ? '/var/task' : fixture('functions', fn));
  const runtimeFile = isolation === 'namespace' ? '/var/runtime/bootstrap.py' : undefined;
  const linesOf = (fn: string): string[] => em.lines.filter((l) => l.fn === fn).map((l) => l.text);

  beforeAll(async () => {
    process.env.EPHEMERA_TEST_SECRET = 'must-not-leak';
    em = await startEmulator(fixture('templates/python.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    delete process.env.EPHEMERA_TEST_SECRET;
  });

  it('answers with the function result, Lambda headers, the context and the environment', async () => {
    const res = await em.invoke('py-echo', { hello: 'world' }, {
      headers: { 'X-Amz-Client-Context': Buffer.from(JSON.stringify({ custom: { a: 1 }, env: { b: 2 } })).toString('base64') },
    });
    expect(res.status).toBe(200);
    const body = res.json() as Record<string, any>;
    expect(body.event).toEqual({ hello: 'world' });
    expect(body.requestId).toMatch(RID);
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(body.functionName).toBe('py-echo');
    expect(body.functionVersion).toBe('$LATEST');
    // AWS's Python runtime reads the variable as is: a string.
    expect(body.memoryLimitInMB).toBe('256');
    expect(body.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:py-echo');
    expect(body.logGroupName).toBe('/aws/lambda/py-echo');
    expect(body.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(body.remainingMs).toBeGreaterThan(2000);
    expect(body.remainingMs).toBeLessThanOrEqual(3000);
    expect(body.identity).toEqual({ cognitoIdentityId: null, cognitoIdentityPoolId: null });
    expect(body.clientContext).toEqual({ custom: { a: 1 }, env: { b: 2 } });
    expect(body.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(body.cwd).toBe(taskRoot('python-echo'));
    expect(body.sysPath0).toBe(taskRoot('python-echo'));
    const env = body.env as Record<string, string>;
    expect(env.AWS_REGION).toBe('us-east-1');
    expect(env.MY_VAR).toBe('hello');
    expect(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBe('256');
    expect(env._HANDLER).toBe('app.handler');
    expect(env.AWS_EXECUTION_ENV).toBe('AWS_Lambda_python3.12');
    expect(env.LAMBDA_TASK_ROOT).toBe(taskRoot('python-echo'));
    expect(env.PYTHONPATH).toBe(env.LAMBDA_RUNTIME_DIR);
    expect(env.TZ).toBe(':UTC');
    expect(env.EPHEMERA_TEST_SECRET).toBeUndefined();
    if (isolation === 'namespace') expect(body.tmpdir).toBe('/tmp');
    await em.report(body.requestId);
    const init = linesOf('py-echo').find((t) => t.startsWith('INIT_START'));
    expect(init).toMatch(/^INIT_START Runtime Version: python:3\.\d+\.\d+\t/);
  });

  it('gives each invoke its own trace id', async () => {
    const a = (await em.invoke('py-echo', {})).json() as { traceId: string; pid: number };
    const b = (await em.invoke('py-echo', {})).json() as { traceId: string; pid: number };
    expect(a.pid).toBe(b.pid);
    expect(a.traceId).not.toBe(b.traceId);
  });

  it('resolves pkg/mod.func and pkg.mod.func handlers', async () => {
    expect((await em.invoke('py-nested-slash')).json()).toEqual({ nested: true, module: 'pkg.nested' });
    expect((await em.invoke('py-nested-dot')).json()).toEqual({ nested: true, module: 'pkg.nested' });
  });

  it('reuses the environment: a module-level counter increments across sequential invokes', async () => {
    const results = [];
    let last = '';
    for (let i = 0; i < 5; i++) {
      const res = await em.invoke('py-counter');
      last = res.headers.get('x-amzn-requestid')!;
      results.push(res.json() as { count: number; pid: number });
    }
    await em.report(last);
    expect(results.map((r) => r.count)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.pid)).size).toBe(1);
    const reports = linesOf('py-counter').filter((t) => t.startsWith('REPORT'));
    expect(reports.filter((t) => t.includes('Init Duration')).length).toBe(1);
  });

  it("keeps function errors as results, in Python's shape", async () => {
    const res = await em.invoke('py-throws', { why: 'testing' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const rid = res.headers.get('x-amzn-requestid')!;
    const body = res.json() as { errorType: string; errorMessage: string; requestId: string; stackTrace: string[] };
    expect(Object.keys(body)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('something went wrong: testing');
    expect(body.requestId).toBe(rid);
    // Only the function's frames, formatted as traceback.format_list does.
    expect(body.stackTrace).toEqual([
      `  File "${taskRoot('python-throws')}/app.py", line 7, in handler\n    raise MyError("something went wrong: %s" % event.get("why", "on purpose"))\n`,
    ]);
    await em.report(rid);
    const logged = linesOf('py-throws').find((t) => t.startsWith('[ERROR] MyError: something went wrong: testing\r'));
    expect(logged).toContain('\rTraceback (most recent call last):\r\u00a0\u00a0File ');
    // A handled error keeps the environment.
    const again = await em.invoke('py-throws');
    expect(again.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await em.report(again.headers.get('x-amzn-requestid'))).not.toContain('Init Duration');
  });

  it('reports an unserialisable result as Runtime.MarshalError', async () => {
    const res = await em.invoke('py-marshal');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable',
      errorType: 'Runtime.MarshalError',
      requestId: res.headers.get('x-amzn-requestid'),
      stackTrace: [],
    });
  });

  it('times out: Sandbox.Timedout, the environment is replaced, the next invoke is cold', async () => {
    const res = await em.invoke('py-timeout', { sleepMs: 10_000 });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.json()).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${rid} Error: Task timed out after 1.00 seconds` });
    expect(await em.report(rid)).toMatch(/Status: timeout$/);
    const quick = await em.invoke('py-timeout', { sleepMs: 1 });
    expect(quick.json()).toEqual({ slept: true });
    expect(await em.report(quick.headers.get('x-amzn-requestid'))).toContain('Init Duration');
  });

  it('reports a crash as Runtime.ExitError and survives it', async () => {
    const res = await em.invoke('py-crash');
    const rid = res.headers.get('x-amzn-requestid');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${rid} Error: Runtime exited with error: exit status 1`,
    });
    expect(await em.report(rid)).toMatch(/Status: error\tError Type: Runtime.ExitError$/);
    expect(linesOf('py-crash')).toContain('about to exit');
    expect((await em.invoke('py-crash')).json()).toMatchObject({ errorType: 'Runtime.ExitError' });
  });

  it("returns a raising import's exception after re-running INIT inside the invoke", async () => {
    const res = await em.invoke('py-init-error');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string; requestId: string; stackTrace: string[] };
    expect(body.errorType).toBe('Exception');
    expect(body.errorMessage).toBe('Runtime startup fails');
    expect(body.requestId).toBe('');
    // importlib's frames, then the module's own (AWS shows the same), none of the runtime's.
    expect(body.stackTrace.at(-1)).toBe(`  File "${taskRoot('python-init-error')}/app.py", line 3, in <module>\n    raise Exception("Runtime startup fails")\n`);
    expect(body.stackTrace.some((f) => f.includes('bootstrap.py') || f.includes('_ephemera_'))).toBe(false);
    const rid = res.headers.get('x-amzn-requestid')!;
    await em.report(rid);
    const mine = linesOf('py-init-error');
    expect(mine.filter((t) => t.startsWith('INIT_REPORT')).map((t) => /Phase: (\w+)/.exec(t)?.[1])).toEqual(['init', 'invoke']);
    expect(mine).toContain(`START RequestId: ${rid} Version: $LATEST`);
    expect(mine.find((t) => t.startsWith(`REPORT RequestId: ${rid}`))).toMatch(/Status: error\tError Type: Exception$/);
    expect(mine).toContain('loading a module that raises');
    expect(mine.some((t) => /^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t\tLAMBDA_WARNING: Unhandled exception/.test(t))).toBe(true);
    expect(mine.some((t) => t.startsWith('[ERROR] Exception: Runtime startup fails\rTraceback (most recent call last):\r'))).toBe(true);
  });

  it('reports Runtime.* init faults as AWS does', async () => {
    const fault = async (fn: string) => {
      const res = await em.invoke(fn);
      expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
      const body = res.json() as { errorType: string; errorMessage: string; requestId: string; stackTrace: string[] };
      expect(await em.report(res.headers.get('x-amzn-requestid'))).toContain(`Error Type: ${body.errorType}`);
      return body;
    };
    // Five functions, five environments: their cold starts run side by side.
    const [missingModule, noModule, noHandler, malformed, syntax] = await Promise.all(['py-missing-module', 'py-no-module', 'py-no-handler', 'py-malformed', 'py-syntax'].map(fault));
    expect(missingModule).toEqual({
      errorMessage: "Unable to import module 'missing': No module named 'not_a_real_module_xyz'",
      errorType: 'Runtime.ImportModuleError', requestId: '', stackTrace: [],
    });
    expect(noModule).toEqual({
      errorMessage: "Unable to import module 'nosuchfile': No module named 'nosuchfile'",
      errorType: 'Runtime.ImportModuleError', requestId: '', stackTrace: [],
    });
    expect(noHandler).toEqual({
      errorMessage: "Handler 'handler' missing on module 'noexport'",
      errorType: 'Runtime.HandlerNotFound', requestId: '', stackTrace: [],
    });
    expect(malformed).toEqual({
      errorMessage: "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
      errorType: 'Runtime.MalformedHandlerName', requestId: '', stackTrace: [],
    });
    expect(syntax.errorType).toBe('Runtime.UserCodeSyntaxError');
    // The detail is the interpreter's own wording ('invalid syntax' up to 3.9, more precise later).
    expect(syntax.errorMessage).toMatch(/^Syntax error in module 'syntax': .+ \(syntax\.py, line 3\)$/);
    expect(syntax.stackTrace).toEqual([`  File "${taskRoot('python-init-error')}/syntax.py" Line 3\n        return {"oops": }\n`]);
  });

  it('returns the last 4 KB of the log with X-Amz-Log-Type: Tail, print and logging lines included', async () => {
    const res = await em.invoke('py-echo', { log: 'via-logging' }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = res.headers.get('x-amzn-requestid')!;
    const log = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString('utf8');
    const lines = log.replace(/\n$/, '').split('\n');
    expect(lines[0]).toBe(`START RequestId: ${rid} Version: $LATEST`);
    expect(lines).toContain(`echo ${rid}`);
    expect(lines.some((l) => new RegExp(`^\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${rid}\\tlogged via-logging$`).test(l))).toBe(true);
    expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\t`));
  });

  it('writes logging records as JSON lines with AWS_LAMBDA_LOG_FORMAT=JSON', async () => {
    const res = await em.invoke('py-echo-json', { log: 'as-json' });
    const rid = res.headers.get('x-amzn-requestid')!;
    await em.report(rid);
    const records = linesOf('py-echo-json').filter((t) => t.startsWith('{') && t.includes('as-json')).map((t) => JSON.parse(t));
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0])).toEqual(['timestamp', 'level', 'message', 'logger', 'requestId']);
    expect(records[0]).toMatchObject({ level: 'INFO', message: 'logged as-json', logger: 'root', requestId: rid });
    expect(records[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  if (runtimeFile) {
    it('runs the runtime from /var/runtime', async () => {
      const body = (await em.invoke('py-echo', {})).json() as { env: Record<string, string> };
      expect(body.env.LAMBDA_RUNTIME_DIR).toBe('/var/runtime');
      expect(body.env.PYTHONPATH).toBe('/var/runtime');
    });
  }
});
