// The Extensions and Telemetry APIs on a listener with a recording host (real sockets, no
// processes): registration, event delivery, the readiness gates the host is told of, and RIE's error answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { waitFor } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const calls: string[] = [];
const host: RuntimeApiHost = {
  initReady: () => calls.push('init-ready'),
  invocationDone: (id) => calls.push(`done:${id}`),
  extensionsRegistered: () => calls.push('externals-registered'),
  invocationResponse: (id) => calls.push(`response:${id}`),
  invocationError: () => {},
  initError: () => {},
  extensionRegistered: (e) => calls.push(`registered:${e.name}:${e.external}`),
  extensionError: (e, kind, type) => calls.push(`ext-error:${e.name}:${kind}:${type}`),
};
let api: RuntimeApiServer;
let base = '';
beforeEach(async () => {
  calls.length = 0;
  api = new RuntimeApiServer(host, { functionName: 'f', functionVersion: '$LATEST', handler: 'index.handler', accountId: '123456789012', externalNames: ['ext'] });
  base = `http://${await api.listen()}`;
});
afterEach(() => api.close());

const register = (name: string | undefined, events: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/2020-01-01/extension/register`, {
    method: 'POST', body: JSON.stringify({ events }), headers: { ...(name === undefined ? {} : { 'Lambda-Extension-Name': name }), ...headers },
  });
const errorOf = async (res: Response): Promise<{ status: number; errorType?: string; errorMessage?: string }> => ({ status: res.status, ...((await res.json()) as object) });

describe('Extensions API', () => {
  it('registers an external extension: identifier header and the function identity', async () => {
    const res = await register('ext', ['INVOKE', 'SHUTDOWN'], { 'Lambda-Extension-Accept-Feature': 'accountId' });
    expect(res.status).toBe(200);
    expect(res.headers.get('lambda-extension-identifier')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ functionName: 'f', functionVersion: '$LATEST', handler: 'index.handler', accountId: '123456789012' });
    // The one external extension launched (externalNames) has registered: the runtime may start.
    expect(calls).toEqual(['registered:ext:true', 'externals-registered']);
    const plain = await register('internal-one', ['INVOKE']);
    expect(await plain.json()).toEqual({ functionName: 'f', functionVersion: '$LATEST', handler: 'index.handler' });
  });

  it("answers RIE's errors for bad registrations", async () => {
    expect(await errorOf(await register(undefined, ['INVOKE']))).toEqual({ status: 403, errorType: 'Extension.InvalidExtensionName', errorMessage: 'Empty extension name' });
    expect((await errorOf(await register('ext', ['BOGUS']))).errorType).toBe('Extension.InvalidEventType');
    // Internal extensions (not launched from /opt/extensions) may not take SHUTDOWN.
    expect((await errorOf(await register('inside', ['SHUTDOWN']))).errorType).toBe('Extension.InvalidEventType');
    const bad = await fetch(`${base}/2020-01-01/extension/register`, { method: 'POST', body: '{nope', headers: { 'Lambda-Extension-Name': 'x' } });
    expect((await errorOf(bad)).errorType).toBe('InvalidRequestFormat');
    for (let i = 0; i < 10; i++) expect((await register(`e${i}`, ['INVOKE'])).status).toBe(200);
    expect(await errorOf(await register('e10', ['INVOKE']))).toEqual({ status: 403, errorType: 'Extension.TooManyExtensions', errorMessage: 'Extension limit (10) reached' });
  });

  it('closes registration once the runtime asks for its first event', async () => {
    const parked = fetch(`${base}/2018-06-01/runtime/invocation/next`);
    await new Promise((r) => setTimeout(r, 30));
    expect(await errorOf(await register('ext', ['INVOKE']))).toEqual({ status: 403, errorType: 'Extension.RegistrationClosed', errorMessage: 'Extension registration closed already' });
    await api.close();
    await parked.catch(() => undefined);
  });

  it('parks event/next and delivers INVOKE with the request id, alongside the runtime', async () => {
    const id = (await register('ext', ['INVOKE', 'SHUTDOWN'])).headers.get('lambda-extension-identifier')!;
    const next = fetch(`${base}/2020-01-01/extension/event/next`, { headers: { 'Lambda-Extension-Identifier': id } });
    await new Promise((r) => setTimeout(r, 30));
    api.dispatch({ requestId: 'r1', payload: Buffer.from('{}'), deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:f', traceId: 'Root=1-a-b' });
    const res = await next;
    expect(res.headers.get('lambda-extension-event-identifier')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ eventType: 'INVOKE', deadlineMs: 1_900_000_000_000, requestId: 'r1', invokedFunctionArn: 'arn:f', tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-a-b' } });
    api.extensions.post({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: 5 });
    const shut = await fetch(`${base}/2020-01-01/extension/event/next`, { headers: { 'Lambda-Extension-Identifier': id } });
    expect(await shut.json()).toEqual({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: 5 });
  });

  it('identifier and error-type headers are required', async () => {
    expect((await errorOf(await fetch(`${base}/2020-01-01/extension/event/next`))).errorType).toBe('Extension.MissingExtensionIdentifier');
    const unknown = await fetch(`${base}/2020-01-01/extension/event/next`, { headers: { 'Lambda-Extension-Identifier': 'nope' } });
    expect((await errorOf(unknown)).errorType).toBe('Extension.UnknownExtensionIdentifier');
    const id = (await register('ext', ['INVOKE'])).headers.get('lambda-extension-identifier')!;
    const missing = await fetch(`${base}/2020-01-01/extension/init/error`, { method: 'POST', body: '{}', headers: { 'Lambda-Extension-Identifier': id } });
    expect((await errorOf(missing)).errorType).toBe('Extension.MissingHeader');
    const ok = await fetch(`${base}/2020-01-01/extension/exit/error`, { method: 'POST', body: '{}', headers: { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.Boom' } });
    expect(ok.status).toBe(202);
    expect(calls).toContain('ext-error:ext:exit:Extension.Boom');
  });
});

describe('readiness gates (the host is told once each opens)', () => {
  const extNext = (id: string) => fetch(`${base}/2020-01-01/extension/event/next`, { headers: { 'Lambda-Extension-Identifier': id } });
  const settle = () => new Promise((r) => setTimeout(r, 30));

  it('INIT is ready once the runtime and every extension have asked for work; an invocation is done once both are back', async () => {
    const id = (await register('ext', ['INVOKE'])).headers.get('lambda-extension-identifier')!;
    const runtimeNext = fetch(`${base}/2018-06-01/runtime/invocation/next`);
    await settle();
    expect(calls).not.toContain('init-ready'); // the extension has not asked yet
    const extEvent = extNext(id);
    await waitFor(() => calls.includes('init-ready'));
    expect(calls.filter((c) => c === 'init-ready')).toHaveLength(1);

    api.dispatch({ requestId: 'r1', payload: Buffer.from('{}'), deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:f' });
    await (await runtimeNext).text();
    await (await extEvent).json();
    await fetch(`${base}/2018-06-01/runtime/invocation/r1/response`, { method: 'POST', body: '{}' });
    const runtimeBack = fetch(`${base}/2018-06-01/runtime/invocation/next`);
    await settle();
    expect(calls).toContain('response:r1'); // posted (and answered 202) before /next was sent
    expect(calls).not.toContain('done:r1'); // the extension still works on its INVOKE
    const extBack = extNext(id);
    await waitFor(() => calls.includes('done:r1'));
    expect(calls.filter((c) => c.startsWith('done'))).toEqual(['done:r1']);
    await api.close();
    await Promise.all([runtimeBack, extBack].map((p) => p.catch(() => undefined)));
  });
});

describe('Telemetry API subscriptions', () => {
  const subscribe = (id: string, body: unknown, path = '/2022-07-01/telemetry') =>
    fetch(`${base}${path}`, { method: 'PUT', body: JSON.stringify(body), headers: { 'Lambda-Extension-Identifier': id } });
  const good = { schemaVersion: '2022-12-13', types: ['platform'], destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain:8080/t' } };

  it('accepts a valid subscription with "OK" and validates the rest (400 ValidationError)', async () => {
    const id = (await register('ext', ['INVOKE'])).headers.get('lambda-extension-identifier')!;
    const ok = await subscribe(id, good);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('"OK"');
    for (const bad of [
      { ...good, schemaVersion: '2019-01-01' },
      { ...good, types: [] },
      { ...good, types: ['everything'] },
      { ...good, buffering: { maxItems: 5 } },
      { ...good, buffering: { timeoutMs: 10 } },
      { ...good, destination: { protocol: 'HTTP', URI: 'http://example.com:8080/' } },
      { ...good, destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain:9001/' } },
      { ...good, destination: { protocol: 'UDP' } },
    ]) {
      const res = await subscribe(id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { errorType: string }).errorType).toBe('ValidationError');
    }
    // One extension may not use both APIs.
    expect((await subscribe(id, { types: ['platform'], destination: good.destination }, '/2020-08-15/logs')).status).toBe(400);
  });

  it('delivers batches to the destination and reports records it could not deliver as platform.logsDropped', async () => {
    const clock = new ManualClock();
    const timed = new RuntimeApiServer(host, { functionName: 'f', functionVersion: '$LATEST', handler: 'index.handler', accountId: '123456789012', externalNames: ['ext'] }, clock);
    const timedBase = `http://${await timed.listen()}`;
    const { createServer } = await import('node:http');
    const received: Array<{ type: string; record: any }> = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(...JSON.parse(body));
        res.end();
      });
    });
    try {
      await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
      const port = (sink.address() as { port: number }).port;
      await new Promise<void>((r) => sink.close(() => r())); // nobody listens there yet
      const reg = await fetch(`${timedBase}/2020-01-01/extension/register`, { method: 'POST', headers: { 'Lambda-Extension-Name': 'ext' }, body: JSON.stringify({ events: ['INVOKE'] }) });
      const id = reg.headers.get('lambda-extension-identifier')!;
      const sub = { ...good, types: ['platform', 'function'], buffering: { timeoutMs: 25 }, destination: { protocol: 'HTTP', URI: `http://sandbox.localdomain:${port}/` } };
      const subscribed = await fetch(`${timedBase}/2022-07-01/telemetry`, { method: 'PUT', headers: { 'Lambda-Extension-Identifier': id }, body: JSON.stringify(sub) });
      expect(subscribed.status).toBe(200);
      timed.telemetry.emit('function', 'function', 'lost line');
      await clock.advance(25); // the buffer's timeout: delivered, refused
      await waitFor(() => clock.waits().includes(100), 5000); // the refusal came back: its retry waits
      await clock.advance(100); // the one retry, refused too
      await timed.telemetry.drain(clock.now() + 60_000); // ...and counted as dropped
      await new Promise<void>((r) => sink.listen(port, '127.0.0.1', r));
      timed.telemetry.emit('function', 'function', 'delivered line');
      await clock.advance(25);
      await waitFor(() => received.some((e) => e.record === 'delivered line'), 5000);
      const dropped = received.find((e) => e.type === 'platform.logsDropped');
      expect(dropped?.record.droppedRecords).toBeGreaterThanOrEqual(1);
      expect(dropped?.record.droppedBytes).toBeGreaterThan(0);
      expect(received.some((e) => e.record === 'delivered line')).toBe(true);
      expect(received.some((e) => e.record === 'lost line')).toBe(false);
    } finally {
      sink.close();
      await timed.close();
    }
  });

  it('refuses unknown extensions and subscriptions after INIT', async () => {
    expect((await subscribe('nope', good)).status).toBe(403);
    const id = (await register('ext', ['INVOKE'])).headers.get('lambda-extension-identifier')!;
    api.telemetry.initDone();
    expect(await errorOf(await subscribe(id, good))).toEqual({ status: 403, errorType: 'Telemetry.SubscriptionClosed', errorMessage: 'Telemetry API subscription is closed' });
  });
});
