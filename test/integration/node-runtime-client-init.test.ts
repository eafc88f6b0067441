// Our Node runtime client (runtime-api/bootstrap/nodejs) as a real child process against a
// recording Runtime API: init errors, callback handlers, the log line formats, robustness, and the same
// client against the real Runtime API listener (runtime-api/server.ts).
import type { InvokeEvent, RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/emulator.ts';
import { ISO, fixture, scratch, start, useRuntimeClient } from '../helpers/node-runtime-client.ts';

useRuntimeClient();

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
