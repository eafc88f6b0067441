// The Invoke API route and error rendering with a fake invoker (no processes), through every way in:
// fastify's route (app.inject), the raw fast path and the calls read by hand (real loopback sockets).
// All must answer alike.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../../server/http/http-app.ts';
import { invokeFastPath, invokeLeanRoute, registerInvokeRoutes } from '../../server/http/invoke-routes.ts';
import type { InvocationService, InvokeRequest } from '../../server/invoke/invocation-service.ts';
import type { FunctionConfig } from '../../server/model.ts';
import type { AsyncInvoker } from '../../server/async/async-invoker.ts';
import { Registry } from '../../server/registry/registry.ts';

const config: FunctionConfig = {
  name: 'my-fn', logicalId: 'MyFn', codeDir: '/nowhere', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128,
  timeout: 3, environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
};
const seen: InvokeRequest[] = [];
const fakeInvoker = {
  async invoke(req: InvokeRequest) {
    seen.push(req);
    const fail = req.payload.toString().includes('fail');
    return {
      requestId: 'rid-1', executedVersion: '$LATEST', payload: Buffer.from(fail ? '{"errorType":"E","errorMessage":"m"}' : '{"ok":true}'),
      functionError: fail ? ('Unhandled' as const) : undefined, log: req.tail ? Buffer.from('START\n').toString('base64') : undefined,
    };
  },
} as unknown as InvocationService;

interface Res {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: string;
  json: () => any;
}

const queued: Array<{ fn: string; payload: string }> = [];
const fakeAsync = {
  enqueue(fn: { config: { name: string } }, _arn: string, payload: Buffer) {
    queued.push({ fn: fn.config.name, payload: payload.toString() });
    return `async-${queued.length}`;
  },
} as unknown as AsyncInvoker;

let app: FastifyInstance;
let leanApp: FastifyInstance;
let base = '';
let leanBase = '';
beforeAll(async () => {
  const deps = { registry: new Registry([config], { region: 'us-east-1', accountId: '123456789012' }), invoker: fakeInvoker, asyncInvoker: fakeAsync };
  app = createHttpApp(pino({ level: 'silent' }), invokeFastPath(deps, () => {}));
  leanApp = createHttpApp(pino({ level: 'silent' }), invokeFastPath(deps, () => {}), undefined, invokeLeanRoute(deps, () => {}));
  for (const a of [app, leanApp]) {
    registerInvokeRoutes(a, deps);
    await a.listen({ port: 0, host: '127.0.0.1' });
  }
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  leanBase = `http://127.0.0.1:${(leanApp.server.address() as { port: number }).port}`;
});
afterAll(() => Promise.all([app.close(), leanApp.close()]));

let mode: 'inject' | 'fast' | 'lean' = 'inject';

async function invoke(fn: string, payload: string | Buffer = '{}', headers: Record<string, string> = {}, query = ''): Promise<Res> {
  const url = `/2015-03-31/functions/${fn}/invocations${query}`;
  const all = { 'content-type': 'application/json', ...headers };
  if (mode === 'inject') {
    const r = await app.inject({ method: 'POST', url, payload, headers: all });
    return { statusCode: r.statusCode, headers: r.headers as Record<string, string>, body: r.body, json: () => r.json() };
  }
  const r = await fetch((mode === 'lean' ? leanBase : base) + url, { method: 'POST', body: payload, headers: all });
  const body = await r.text();
  return { statusCode: r.status, headers: Object.fromEntries(r.headers), body, json: () => JSON.parse(body) };
}

function expectError(res: Res, status: number, type: string, body: Record<string, unknown>): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['x-amzn-errortype']).toBe(type);
  expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual(body);
}

describe.each(['inject', 'fast', 'lean'] as const)('invoke route (%s)', (m) => {
  beforeAll(() => {
    mode = m;
  });
  it('maps the result to Lambda headers', async () => {
    const res = await invoke('my-fn', '{"a":1}');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"ok":true}');
    expect(res.headers['x-amz-executed-version']).toBe('$LATEST');
    expect(res.headers['x-amzn-requestid']).toBe('rid-1');
    expect(res.headers['x-amz-function-error']).toBeUndefined();
    expect(seen.at(-1)?.invokedArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:my-fn');
  });

  it('marks function errors with X-Amz-Function-Error', async () => {
    const res = await invoke('my-fn', '"fail"');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-amz-function-error']).toBe('Unhandled');
  });

  it('accepts every FunctionName form and keeps the qualifier in the invoked ARN', async () => {
    for (const name of ['my-fn:$LATEST', 'my-fn%3A%24LATEST', '123456789012:function:my-fn', 'arn:aws:lambda:us-east-1:123456789012:function:my-fn', 'arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn%3A%24LATEST']) {
      expect((await invoke(name)).statusCode, name).toBe(200);
    }
    await invoke('my-fn', '{}', {}, '?Qualifier=$LATEST');
    expect(seen.at(-1)?.invokedArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST');
  });

  it('passes an empty body on as {} and any JSON value as is', async () => {
    await invoke('my-fn', '');
    expect(seen.at(-1)?.payload.toString()).toBe('{}');
    await invoke('my-fn', '[1,2]', { 'content-type': 'text/plain' });
    expect(seen.at(-1)?.payload.toString()).toBe('[1,2]');
  });

  it('decodes X-Amz-Client-Context and passes the trace header', async () => {
    const cc = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64');
    await invoke('my-fn', '{}', { 'x-amz-client-context': cc, 'x-amzn-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1' });
    expect(seen.at(-1)?.clientContext).toBe('{"custom":{"a":1}}');
    expect(seen.at(-1)?.traceId).toBe('Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1');
  });

  it('returns the Tail log header when asked', async () => {
    const res = await invoke('my-fn', '{}', { 'x-amz-log-type': 'Tail' });
    expect(res.headers['x-amz-log-result']).toBe(Buffer.from('START\n').toString('base64'));
  });

  it('answers DryRun with 204 once the function resolves', async () => {
    const res = await invoke('my-fn', '{}', { 'x-amz-invocation-type': 'DryRun' });
    expect(res.statusCode).toBe(204);
    expectError(await invoke('nope', '{}', { 'x-amz-invocation-type': 'DryRun' }), 404, 'ResourceNotFoundException', {
      Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST',
    });
  });
});

describe.each(['inject', 'fast', 'lean'] as const)('invoke errors in AWS shapes (%s)', (m) => {
  beforeAll(() => {
    mode = m;
  });
  it('404 ResourceNotFoundException for unknown functions and qualifiers', async () => {
    expectError(await invoke('nope'), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST' });
    expectError(await invoke('my-fn:PROD'), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD' });
  });

  it('400 InvalidRequestContentException for bad JSON and bad UTF-8', async () => {
    const bad = await invoke('my-fn', '{bad');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(bad.json().message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
    const utf = await invoke('my-fn', Buffer.from([0x22, 0xc3, 0x28, 0x22]));
    expect(utf.statusCode).toBe(400);
    expect(utf.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
  });

  it('413 RequestEntityTooLargeException over 6 MB', async () => {
    expectError(await invoke('my-fn', Buffer.alloc(6 * 1024 * 1024 + 1, 0x20)), 413, 'RequestEntityTooLargeException', {
      Type: 'User', Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
  });

  it('400 for a qualifier that disagrees with the name, ValidationException for a bad name', async () => {
    expectError(await invoke('my-fn:$LATEST', '{}', {}, '?Qualifier=PROD'), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'The derived qualifier from the function name does not match the specified qualifier.',
    });
    const v = await invoke('bad%20name');
    expect(v.statusCode).toBe(400);
    expect(v.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(v.json().message).toMatch(/^1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint/);
  });

  it('404 for an ARN in another region, 403 for another account', async () => {
    expectError(await invoke('arn:aws:lambda:eu-west-1:123456789012:function:my-fn'), 404, 'ResourceNotFoundException', {
      Type: 'User', Message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    });
    expect((await invoke('arn:aws:lambda:us-east-1:999999999999:function:my-fn')).statusCode).toBe(403);
  });

  it('rejects an unknown invocation type', async () => {
    const t = await invoke('my-fn', '{}', { 'x-amz-invocation-type': 'Sometimes' });
    expect(t.statusCode).toBe(400);
    expect(t.headers['x-amzn-errortype']).toBe('ValidationException');
  });

  it('accepts Event with 202, an empty body and the request id every attempt will carry', async () => {
    const e = await invoke('my-fn', '{"async":true}', { 'x-amz-invocation-type': 'Event' });
    expect(e.statusCode).toBe(202);
    expect(e.body).toBe('');
    expect(e.headers['x-amzn-requestid']).toBe(`async-${queued.length}`);
    expect(queued.at(-1)).toEqual({ fn: 'my-fn', payload: '{"async":true}' });
  });

  it('413 for an Event payload over 1 MB, in AWS words', async () => {
    const body = `"${'x'.repeat(1_048_575)}"`; // valid JSON, 1,048,577 bytes
    expectError(await invoke('my-fn', body, { 'x-amz-invocation-type': 'Event' }), 413, 'RequestEntityTooLargeException', {
      Type: 'User', Message: '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    });
  });

  it('rejects a client context that is not base64 JSON', async () => {
    const res = await invoke('my-fn', '{}', { 'x-amz-client-context': Buffer.from('not json').toString('base64') });
    expectError(res, 400, 'InvalidParameterValueException', { Type: 'User', message: 'Client context must be a valid Base64-encoded JSON object.' });
  });

  it('never times out a long synchronous invoke (Lambda allows 900 s)', () => {
    expect(app.server.requestTimeout).toBe(0);
  });

  it('404 UnknownOperationException for paths that are not an API', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
