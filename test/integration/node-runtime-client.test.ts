// Our Node runtime client (runtime-api/bootstrap/nodejs) as a real child process against a
// recording Runtime API: exact wire traffic, payloads, init errors, callbacks, log line format.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeEvent, RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { waitFor } from '../helpers/emulator.ts';
import { FakeRuntimeApi } from '../helpers/fake-runtime-api.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLIENT = join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs');
const FIXTURES = join(ROOT, 'fixtures/functions');
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

interface Runtime {
  child: ChildProcess;
  api: FakeRuntimeApi;
  /** Complete stdout lines so far. */
  lines: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Runtime[] = [];
let scratch: string;

/** Handlers that are not worth a fixture folder: written to a temp dir for this file. */
const SCRATCH_HANDLERS: Record<string, string> = {
  'undef.mjs': 'export const handler = async () => undefined;',
  'string.mjs': "export const handler = async () => 'hello just a string';",
  'never.mjs': 'export const handler = async () => { await new Promise(() => {}); };',
  'sync.mjs': "export const handler = () => { setTimeout(() => console.log('late'), 50); };",
  'uncaught.mjs':
    "export const handler = async () => { setTimeout(() => { throw new TypeError('from a timer'); }, 10);" +
    ' await new Promise((r) => setTimeout(r, 2000)); return 1; };',
  'unhandled.mjs':
    "export const handler = async () => { Promise.reject(new Error('nobody catches me'));" +
    ' await new Promise((r) => setTimeout(r, 2000)); return 1; };',
  'fail.mjs':
    "export const handler = (event, context) => event.err ? context.fail(new RangeError('bad range')) : context.fail();",
  'succeed-twice.mjs':
    "export const handler = (event, context) => { context.succeed('first'); context.succeed('second'); context.done(new Error('x')); };",
  'notfn.mjs': 'export const handler = 42;',
  'cjs-missing-dep.cjs': "require('definitely-not-installed-xyz'); exports.handler = async () => 1;",
  'esm-missing-dep.mjs': "import 'definitely-not-installed-xyz'; export const handler = async () => 1;",
  'nested-export.mjs': 'export const a = { b: { handler: async () => ({ nested: true }) } };',
  'json-error.mjs': "export const handler = async () => { console.error(new Error('json boom')); return 1; };",
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ephemera-rtc-'));
  for (const [name, code] of Object.entries(SCRATCH_HANDLERS)) writeFileSync(join(scratch, name), code + '\n');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const rt of started.splice(0)) {
    const pid = rt.child.pid!;
    if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    await rt.exit;
    expect(isAlive(pid)).toBe(false);
    await rt.api.close();
  }
});

async function start(
  taskRoot: string,
  handler: string,
  env: Record<string, string> = {},
  api?: FakeRuntimeApi,
): Promise<Runtime> {
  api ??= await FakeRuntimeApi.start();
  const child = spawn(process.execPath, [CLIENT], {
    cwd: taskRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_RUNTIME_API: api.address,
      _HANDLER: handler,
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'fixture',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fixture',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef',
      AWS_LAMBDA_LOG_FORMAT: 'Text',
      ...env,
    },
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  const rt: Runtime = { child, api, lines, stderr: () => err, exit };
  started.push(rt);
  return rt;
}

const fixture = (name: string): string => join(FIXTURES, name);

describe('invocation results', () => {
  it('posts an object result as JSON, then parks in /next; context and per-invoke headers', async () => {
    const rt = await start(fixture('echo'), 'index.handler');
    const o1 = await rt.api.invoke({
      payload: { hello: 'world' },
      requestId: '11111111-1111-4111-8111-111111111111',
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      clientContext: JSON.stringify({ custom: { k: 'v' } }),
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fixture:7',
    });
    expect(o1.kind).toBe('response');
    expect(o1.request.headers['content-type']).toBe('application/json');
    expect(Number(o1.request.headers['content-length'])).toBe(Buffer.byteLength(o1.request.body));
    expect(o1.request.headers['lambda-runtime-function-error-type']).toBeUndefined();
    const r1 = o1.json as Record<string, unknown>;
    expect(r1).toMatchObject({
      event: { hello: 'world' },
      requestId: '11111111-1111-4111-8111-111111111111',
      functionName: 'fixture',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fixture:7',
      memoryLimitInMB: '128',
      clientContext: { custom: { k: 'v' } },
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    });
    expect(r1.remainingMs).toBeGreaterThan(2000);
    expect(r1.remainingMs).toBeLessThanOrEqual(3000);

    // No trace header on the second invoke: _X_AMZN_TRACE_ID is removed, not left over.
    const o2 = await rt.api.invoke({ payload: { n: 2 } });
    expect((o2.json as Record<string, unknown>).traceId).toBeUndefined();
    await rt.api.waitFor((r) => r.seq === 4);
    expect(rt.api.trail).toEqual([
      'GET invocation/next',
      'POST invocation/11111111-1111-4111-8111-111111111111/response',
      'GET invocation/next',
      `POST invocation/${(o2.json as { requestId: string }).requestId}/response`,
      'GET invocation/next',
    ]);
    // One keep-alive connection for everything.
    expect(new Set(rt.api.requests.map((r) => r.remotePort)).size).toBe(1);
    await waitFor(() => rt.lines.length >= 1, 5000);
    expect(rt.lines[0]).toMatch(new RegExp(`^${ISO}\\t11111111-1111-4111-8111-111111111111\\tINFO\\techo 1111`));
  });

  it('posts a string as a JSON string literal and undefined as null', async () => {
    const str = await start(scratch, 'string.handler');
    const o = await str.api.invoke({ payload: {} });
    expect(o.request.body).toBe('"hello just a string"');
    const undef = await start(scratch, 'undef.handler');
    const u = await undef.api.invoke({ payload: {} });
    expect(u.kind).toBe('response');
    expect(u.request.body).toBe('null');
    expect(u.request.headers['content-length']).toBe('4');
  });

  it('answers null for a sync handler that never calls back, once the loop drains', async () => {
    const rt = await start(scratch, 'sync.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.request.body).toBe('null');
    expect(await waitFor(() => rt.lines.some((l) => l.endsWith('\tINFO\tlate')))).toBe(true);
  });

  it('resolves nested export paths and CJS / .js ESM / sub-directory handlers', async () => {
    const cases: Array<[string, string, unknown]> = [
      [scratch, 'nested-export.a.b.handler', { nested: true }],
      [fixture('cjs'), 'index.handler', { style: 'cjs' }],
      [fixture('esm-js'), 'index.handler', { style: 'esm-js' }],
      [fixture('nested'), 'src/handlers/app.handler', { nested: true }],
    ];
    for (const [root, handler, expected] of cases) {
      const rt = await start(root, handler);
      const o = await rt.api.invoke({ payload: { x: 1 } });
      expect(o.kind, handler).toBe('response');
      expect(o.json).toMatchObject(expected as object);
    }
  });
});

describe('invocation errors', () => {
  it('posts {errorType, errorMessage, trace} with the error-type header; extra props only in the log', async () => {
    const rt = await start(fixture('throws'), 'index.handler');
    const o = await rt.api.invoke({ payload: { why: 'testing' } });
    expect(o.kind).toBe('error');
    expect(o.request.headers['lambda-runtime-function-error-type']).toBe('MyError');
    expect(o.request.headers['content-type']).toBe('application/json');
    const body = o.json as { errorType: string; errorMessage: string; trace: string[] };
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('boom: testing');
    expect(body.trace[0]).toBe('MyError: boom: testing');
    expect(body.trace[1]).toMatch(/^ {4}at .*throws\/index\.mjs/);
    // The log line travels through the stdout pipe, the error through the socket: wait for the line.
    const log = await waitFor(() => rt.lines.find((l) => l.includes('\tInvoke Error \t')));
    expect(log).toMatch(new RegExp(`^${ISO}\\t${o.request.path.split('/')[4]}\\tERROR\\tInvoke Error \\t\\{`));
    const logged = JSON.parse(log.split('Invoke Error \t')[1]);
    expect(logged).toMatchObject({ errorType: 'MyError', errorMessage: 'boom: testing', extra: 'only-in-the-log' });
    expect(logged.stack[0]).toBe('MyError: boom: testing');
    // The environment survives a handled error.
    const again = await rt.api.invoke({ payload: {} });
    expect(again.kind).toBe('error');
  });

  it('reports a thrown string as errorType "string" with an empty trace', async () => {
    const rt = await start(fixture('throws'), 'string.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.request.body).toBe('{"errorType":"string","errorMessage":"a thrown string","trace":[]}');
    expect(o.request.headers['lambda-runtime-function-error-type']).toBe('string');
  });

  it('reports a non-serialisable result as Runtime.JSONStringifyError', async () => {
    const rt = await start(fixture('unserialisable'), 'index.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.kind).toBe('error');
    expect(o.json).toMatchObject({ errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' });
    expect(o.request.headers['lambda-runtime-function-error-type']).toBe('Runtime.JSONStringifyError');
  });

  it('reports an async handler whose promise never settles as Runtime.NodeJsExit', async () => {
    const rt = await start(scratch, 'never.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.json).toMatchObject({ errorType: 'Runtime.NodeJsExit' });
    expect((o.json as { errorMessage: string }).errorMessage).toMatch(
      /^The Lambda runtime client detected an unexpected Node\.js exit code\./,
    );
    expect((await rt.api.invoke({ payload: {} })).kind).toBe('error'); // and keeps serving
  });

  it('context.fail() posts "handled"; context.fail(err) the error; only the first succeed counts', async () => {
    const rt = await start(scratch, 'fail.handler');
    const a = await rt.api.invoke({ payload: {} });
    expect(a.request.body).toBe('{"errorType":"string","errorMessage":"handled","trace":[]}');
    const b = await rt.api.invoke({ payload: { err: true } });
    expect(b.json).toMatchObject({ errorType: 'RangeError', errorMessage: 'bad range' });
    const s = await start(scratch, 'succeed-twice.handler');
    const c = await s.api.invoke({ payload: {} });
    expect(c.request.body).toBe('"first"');
    await s.api.waitFor((r) => r.seq === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.api.trail.filter((t) => t.startsWith('POST'))).toHaveLength(1);
  });

  it('uncaught exception: logs, posts the error for the request, exits 129', async () => {
    const rt = await start(scratch, 'uncaught.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.json).toMatchObject({ errorType: 'TypeError', errorMessage: 'from a timer' });
    expect(await rt.exit).toEqual({ code: 129, signal: null });
    expect(await waitFor(() => rt.lines.some((l) => l.includes('\tERROR\tUncaught Exception \t{"errorType":"TypeError"')))).toBe(true);
    expect(rt.api.trail.at(-1)).toMatch(/^POST invocation\/.*\/error$/);
  });

  it('unhandled rejection: posts Runtime.UnhandledPromiseRejection, exits 128', async () => {
    const rt = await start(scratch, 'unhandled.handler');
    const o = await rt.api.invoke({ payload: {} });
    expect(o.json).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody catches me',
    });
    expect(o.request.headers['lambda-runtime-function-error-type']).toBe('Runtime.UnhandledPromiseRejection');
    expect(await rt.exit).toEqual({ code: 128, signal: null });
    expect(await waitFor(() => rt.lines.some((l) => l.includes('\tERROR\tUnhandled Promise Rejection \t')))).toBe(true);
  });
});

describe('init errors', () => {
  const cases: Array<{ name: string; root: () => string; handler: string; type: string; message: string | RegExp; env?: Record<string, string> }> = [
    { name: 'top-level throw', root: () => fixture('init-error'), handler: 'index.handler', type: 'Error', message: 'init failed on purpose' },
    { name: 'syntax error', root: () => fixture('init-error'), handler: 'syntax.handler', type: 'Runtime.UserCodeSyntaxError', message: /^SyntaxError: / },
    { name: 'export missing', root: () => fixture('init-error'), handler: 'noexport.handler', type: 'Runtime.HandlerNotFound', message: 'noexport.handler is undefined or not exported' },
    { name: 'export not a function', root: () => scratch, handler: 'notfn.handler', type: 'Runtime.HandlerNotFound', message: 'notfn.handler is not a function' },
    { name: 'handler file missing', root: () => fixture('init-error'), handler: 'does-not-exist.handler', type: 'Runtime.ImportModuleError', message: /^Error: Cannot find module 'does-not-exist'\nRequire stack:\n- / },
    { name: 'CJS dependency missing', root: () => scratch, handler: 'cjs-missing-dep.handler', type: 'Runtime.ImportModuleError', message: /^Error: Cannot find module 'definitely-not-installed-xyz'/ },
    { name: 'ESM dependency missing', root: () => scratch, handler: 'esm-missing-dep.handler', type: 'Error', message: /Cannot find package 'definitely-not-installed-xyz'/ },
    { name: 'no dot in handler', root: () => fixture('echo'), handler: 'index', type: 'Runtime.MalformedHandlerName', message: 'Bad handler' },
    { name: '".." in handler', root: () => fixture('echo'), handler: '../echo/index.handler', type: 'Runtime.MalformedHandlerName', message: "'../echo/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names." },
    { name: 'callback handler on nodejs24.x', root: () => fixture('callback'), handler: 'index.handler', type: 'Runtime.CallbackHandlerDeprecated', message: /removed support for callback-based function handlers starting with Node\.js 24/ },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.type} on /init/error before any /next, exit 1`, async () => {
      const rt = await start(c.root(), c.handler, c.env);
      const req = await rt.api.waitFor((r) => r.path.endsWith('/init/error'));
      expect(await rt.exit).toEqual({ code: 1, signal: null });
      expect(rt.api.trail).toEqual(['POST init/error']);
      expect(req.headers['lambda-runtime-function-error-type']).toBe(c.type);
      expect(req.headers['content-type']).toBe('application/json');
      const body = JSON.parse(req.body) as { errorType: string; errorMessage: string; trace: string[] };
      expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
      expect(body.errorType).toBe(c.type);
      if (typeof c.message === 'string') expect(body.errorMessage).toBe(c.message);
      else expect(body.errorMessage).toMatch(c.message);
      expect(Array.isArray(body.trace)).toBe(true);
      const log = await waitFor(() => rt.lines.find((l) => l.includes('Init Error')));
      expect(log).toMatch(new RegExp(`^${ISO}\\tundefined\\tERROR\\tInit Error \\t\\{"errorType":"${c.type.replace('.', '\\.')}"`));
    });
  }
});

describe('callback handlers (nodejs22.x)', () => {
  const node22 = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

  it('callbackWaitsForEmptyEventLoop=true holds the response until the pending timer has fired', async () => {
    const rt = await start(fixture('callback'), 'index.handler', node22);
    const o = await rt.api.invoke({ payload: {} });
    const { calledBackAt, waits } = o.json as { calledBackAt: number; waits: boolean };
    expect(waits).toBe(true);
    expect(o.request.at - calledBackAt).toBeGreaterThanOrEqual(190);
    // The line was written before the response (waits: true, and the response came ≥ 190 ms after the
    // callback); the test reads stdout on its own pipe, so it may see it a moment later.
    await waitFor(() => rt.lines.some((l) => l.endsWith('\tINFO\ttimer fired')), 5000);
    expect(rt.lines[0]).toMatch(new RegExp(`^${ISO}\\tundefined\\tWARN\\tAWS Lambda plans to remove support for callback-based`));
  });

  it('callbackWaitsForEmptyEventLoop=false responds at once; the timer fires later', async () => {
    const rt = await start(fixture('callback'), 'cb-nowait.handler', node22);
    const o = await rt.api.invoke({ payload: {} });
    const linesAtResponse = [...rt.lines];
    const { calledBackAt, waits } = o.json as { calledBackAt: number; waits: boolean };
    expect(waits).toBe(false);
    expect(o.request.at - calledBackAt).toBeLessThan(150);
    expect(linesAtResponse.some((l) => l.endsWith('timer fired'))).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(await waitFor(() => rt.lines.some((l) => l.endsWith('\tINFO\ttimer fired')))).toBe(true);
    expect(rt.api.trail.at(-1)).toBe('GET invocation/next');
  });
});

describe('console output', () => {
  it('text format: time, request id, level, util.format message, "\\n" → "\\r", one line each', async () => {
    const rt = await start(fixture('logger'), 'index.handler');
    const o = await rt.api.invoke({ payload: {}, requestId: '22222222-2222-4222-8222-222222222222' });
    expect(o.kind).toBe('response');
    // stdout is a pipe the test reads on its own: the response can come first.
    await waitFor(() => rt.lines.length >= 11, 5000);
    const re = new RegExp(`^${ISO}\\t22222222-2222-4222-8222-222222222222\\t([A-Z]+)\\t(.*)$`, 's');
    const parsed = rt.lines.map((l) => re.exec(l)).map((m) => m && [m[1], m[2]]);
    expect(parsed.every(Boolean)).toBe(true);
    expect(parsed.slice(0, 8)).toEqual([
      ['TRACE', 'trace message'],
      ['DEBUG', 'debug message'],
      ['INFO', 'info message'],
      ['INFO', 'log message n=42'],
      ['WARN', 'warn message'],
      ['ERROR', 'error message'],
      ['FATAL', 'fatal message'],
      ['INFO', 'line one\rline two\rline three'],
    ]);
    expect(parsed[8]![0]).toBe('ERROR');
    expect(parsed[8]![1]).toMatch(/^TypeError: logged error\r {4}at /);
    expect(parsed[9]![1]).toMatch(/^with context: RangeError: second error\r/);
    expect(parsed[10]).toEqual(['INFO', '{ structured: true, nested: { a: 1 } }']);
  });

  it('JSON format: one object per line, level filter, Error fields', async () => {
    const rt = await start(fixture('logger'), 'index.handler', { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' });
    await rt.api.invoke({ payload: {}, requestId: '33333333-3333-4333-8333-333333333333' });
    await waitFor(() => rt.lines.length >= 5, 5000);
    const entries = rt.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e.level)).toEqual(['WARN', 'ERROR', 'FATAL', 'ERROR', 'ERROR']);
    for (const e of entries) {
      expect(Object.keys(e).slice(0, 4)).toEqual(['timestamp', 'level', 'requestId', 'message']);
      expect(e.timestamp).toMatch(new RegExp(`^${ISO}$`));
      expect(e.requestId).toBe('33333333-3333-4333-8333-333333333333');
    }
    expect(entries[0]!.message).toBe('warn message');
    expect(entries[3]!.message).toMatchObject({ errorType: 'TypeError', errorMessage: 'logged error' });
    expect((entries[3]!.message as { stackTrace: string[] }).stackTrace[0]).toBe('TypeError: logged error');
    expect(entries[4]).toMatchObject({ errorType: 'RangeError', errorMessage: 'second error' });
    expect(entries[4]!.message).toMatch(/^with context: RangeError: second error\n/);
    expect((entries[4]!.stackTrace as string[])[0]).toBe('RangeError: second error');
  });

  it('JSON format: Invoke Error is the error object as the message', async () => {
    const rt = await start(fixture('throws'), 'index.handler', { AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    await rt.api.invoke({ payload: {} });
    await waitFor(() => rt.lines.length >= 1, 5000);
    const e = JSON.parse(rt.lines.at(-1)!) as { level: string; message: Record<string, unknown> };
    expect(e.level).toBe('ERROR');
    expect(e.message).toMatchObject({ errorType: 'MyError', errorMessage: 'boom: no reason', extra: 'only-in-the-log' });
  });
});

describe('robustness', () => {
  it('exits non-zero when the Runtime API connection breaks', async () => {
    const rt = await start(fixture('noop'), 'index.handler');
    await rt.api.waitFor((r) => r.path.endsWith('/invocation/next'));
    await rt.api.close();
    const { code } = await rt.exit;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
  });

  it('sends a 2 MB response with content-length, not chunked', async () => {
    const rt = await start(fixture('big-response'), 'index.handler');
    const o = await rt.api.invoke({ payload: { size: 2 * 1024 * 1024 } });
    expect(o.request.headers['transfer-encoding']).toBeUndefined();
    expect(o.request.headers.expect).toBeUndefined();
    expect(Number(o.request.headers['content-length'])).toBe(2 * 1024 * 1024 + 2);
  });
});

describe('against the real Runtime API listener (runtime-api/server.ts)', () => {
  it('delivers events and reports response, error and init error through RuntimeApiHost', async () => {
    const seen: string[] = [];
    const outcomes = new Map<string, (v: { kind: string; payload: string; errorType?: string }) => void>();
    const host: RuntimeApiHost = {
      initReady: () => seen.push('init-ready'),
      invocationDone: (id) => seen.push(`done ${id}`),
      invocationResponse: (id, payload) => outcomes.get(id)?.({ kind: 'response', payload: payload.toString() }),
      invocationError: (id, payload, errorType) => outcomes.get(id)?.({ kind: 'error', payload: payload.toString(), errorType }),
      initError: (payload, errorType) => seen.push(`init-error ${errorType} ${payload.toString().slice(0, 80)}`),
    };
    const invoke = (server: RuntimeApiServer, requestId: string, payload: unknown) => {
      const p = new Promise<{ kind: string; payload: string; errorType?: string }>((r) => outcomes.set(requestId, r));
      const event: InvokeEvent = {
        requestId,
        payload: Buffer.from(JSON.stringify(payload)),
        deadlineMs: Date.now() + 3000,
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
      };
      server.dispatch(event);
      return p;
    };

    for (const [root, handler, expectKind] of [
      [fixture('echo'), 'index.handler', 'response'],
      [fixture('throws'), 'index.handler', 'error'],
    ] as const) {
      const server = new RuntimeApiServer(host);
      const address = await server.listen();
      const rt = await start(root, handler, { AWS_LAMBDA_RUNTIME_API: address });
      try {
        const o = await invoke(server, '44444444-4444-4444-8444-444444444444', { via: 'server.ts' });
        expect(o.kind).toBe(expectKind);
        if (expectKind === 'response') expect(JSON.parse(o.payload)).toMatchObject({ event: { via: 'server.ts' } });
        else expect(o.errorType).toBe('MyError');
        const o2 = await invoke(server, '55555555-5555-4555-8555-555555555555', {});
        expect(o2.kind).toBe(expectKind);
      } finally {
        rt.child.kill('SIGKILL');
        await rt.exit;
        await server.close();
      }
    }

    const server = new RuntimeApiServer(host);
    const address = await server.listen();
    const rt = await start(fixture('init-error'), 'syntax.handler', { AWS_LAMBDA_RUNTIME_API: address });
    expect((await rt.exit).code).toBe(1);
    await server.close();
    expect(seen.filter((s) => s.startsWith('init-error'))).toEqual([
      expect.stringMatching(/^init-error Runtime\.UserCodeSyntaxError \{"errorType":"Runtime\.UserCodeSyntaxError"/),
    ]);
  });
});
