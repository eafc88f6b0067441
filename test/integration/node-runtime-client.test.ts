// Our Node runtime client (runtime-api/bootstrap/nodejs) as a real child process against a
// recording Runtime API: exact wire traffic, payloads and invocation errors (init errors, callbacks,
// log lines and the real listener in node-runtime-client-init.test.ts).
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/emulator.ts';
import { ISO, fixture, scratch, start, useRuntimeClient } from '../helpers/node-runtime-client.ts';

useRuntimeClient();

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
