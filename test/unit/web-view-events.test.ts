// The web view's data side without worker processes: the event bus (nothing built while nobody
// listens), the bounded invocation history, the phase names for every environment state, and the
// routes (/_ephemera/invocations, /_ephemera/events over a real socket, the static page).
import { connect } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../server/environment/function-log.ts';
import { ALL_STATES } from '../../server/environment/state.ts';
import { EventBus, type EnvironmentLike, type EphemeraEvent, phaseOf } from '../../server/events/event-bus.ts';
import { InvocationHistory, type PendingRecord } from '../../server/events/invocation-history.ts';
import { createHttpApp } from '../../server/http/http-app.ts';
import { registerWebViewRoutes } from '../../server/http/web-view-routes.ts';

const record = (n: number, fn = 'f'): PendingRecord => {
  const log = new LogBuffer();
  log.push(`START RequestId: r${n} Version: $LATEST`);
  return {
    requestId: `r${n}`, function: fn, version: '$LATEST', environment: 'e', cold: n === 0, status: 'success',
    startedAt: n, endedAt: n + 1, durationMs: 1, maxMemoryUsedMB: 50, leaks: [], log,
  };
};

const env = (state: string, frozen = false): EnvironmentLike => ({
  id: 'abc', fn: { config: { name: 'f' }, version: '$LATEST' }, state, frozen, pid: 42, invocations: 3,
});

describe('EventBus', () => {
  it('is inactive with no listener, delivers while subscribed, survives a throwing listener', () => {
    const bus = new EventBus();
    expect(bus.active).toBe(false);
    const got: EphemeraEvent[] = [];
    const off = bus.subscribe(() => {
      throw new Error('closed stream');
    });
    const off2 = bus.subscribe((e) => got.push(e));
    expect(bus.active).toBe(true);
    bus.environment(env('Invoking'), { requestId: 'r1' });
    expect(got).toEqual([expect.objectContaining({ type: 'environment', id: 'abc', function: 'f', phase: 'invoking', requestId: 'r1', pid: 42 })]);
    off();
    off2();
    expect(bus.active).toBe(false);
    bus.environment(env('Idle'));
    expect(got).toHaveLength(1);
  });

  it('names every environment state', () => {
    const phases = Object.fromEntries(ALL_STATES.map((s) => [s, phaseOf(s, false)]));
    expect(phases).toEqual({
      Created: 'initializing', Initializing: 'initializing', Idle: 'idle', Invoking: 'invoking',
      InitFailed: 'failed', Failed: 'failed', ShuttingDown: 'shutting-down', Terminated: 'terminated',
    });
    expect(phaseOf('Idle', true)).toBe('frozen');
  });
});

describe('InvocationHistory', () => {
  it('keeps the newest `capacity` records, newest first, filtered and limited, with the log text', () => {
    const h = new InvocationHistory(3);
    for (let i = 0; i < 5; i++) h.add(record(i, i % 2 ? 'odd' : 'even'));
    expect(h.list().map((r) => r.requestId)).toEqual(['r4', 'r3', 'r2']);
    expect(h.list({ function: 'even' }).map((r) => r.requestId)).toEqual(['r4', 'r2']);
    expect(h.list({ limit: 1 }).map((r) => r.requestId)).toEqual(['r4']);
    expect(h.list({ limit: 1 })[0]).toMatchObject({ type: 'invocation', log: 'START RequestId: r4 Version: $LATEST\n' });
  });

  it('publishes a finished invocation only while someone listens', () => {
    const bus = new EventBus();
    const h = new InvocationHistory(10, bus);
    h.add(record(1));
    const got: EphemeraEvent[] = [];
    bus.subscribe((e) => got.push(e));
    h.add(record(2));
    expect(got.map((e) => (e.type === 'invocation' ? e.requestId : e.type === 'environment' ? e.id : e.path))).toEqual(['r2']);
  });
});

describe('web view routes', () => {
  const bus = new EventBus();
  const history = new InvocationHistory(5, bus);
  const app = createHttpApp(pino({ level: 'silent' }));
  registerWebViewRoutes(app, { events: bus, history });

  it('serves the page, its modules and a 404 in AWS shape for anything else', async () => {
    expect((await app.inject('/_ephemera')).headers.location).toBe('/_ephemera/');
    const page = await app.inject('/_ephemera/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const file of ['app.js', 'dom.js', 'timeline.js']) {
      expect((await app.inject(`/_ephemera/ui/${file}`)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
    const missing = await app.inject('/_ephemera/ui/..%2Fpackage.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
  });

  it('GET /_ephemera/invocations lists and validates limit', async () => {
    history.add(record(7, 'g'));
    const res = await app.inject('/_ephemera/invocations?limit=5');
    expect(res.json()).toEqual({ invocations: [expect.objectContaining({ requestId: 'r7', function: 'g' })] });
    for (const bad of ['0', '6', 'x', '1.5']) {
      const r = await app.inject(`/_ephemera/invocations?limit=${bad}`);
      expect(r.statusCode).toBe(400);
      expect(r.headers['x-amzn-errortype']).toBe('ValidationException');
    }
  });

  it('GET /_ephemera/events streams events as SSE and unsubscribes when the client goes', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/_ephemera/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('ephemera events');
    expect(bus.listenerCount).toBe(1);
    history.add(record(8));
    await readUntil('\n\n');
    await readUntil('"requestId":"r8"');
    expect(text).toMatch(/event: invocation\ndata: \{"type":"invocation","requestId":"r8"/);
    abort.abort();
    for (let i = 0; i < 100 && bus.active; i++) await new Promise((r) => setTimeout(r, 10));
    expect(bus.active).toBe(false);
    await app.close();
  });

  it('GET /_ephemera/events ends the stream of a client that stops reading (the server does not buffer without bound)', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    const bus = new EventBus();
    registerWebViewRoutes(app, { events: bus, history: new InvocationHistory(10, bus) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    try {
      await new Promise((r) => socket.once('connect', r));
      socket.write('GET /_ephemera/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      for (let i = 0; i < 100 && !bus.active; i++) await new Promise((r) => setTimeout(r, 10));
      expect(bus.active).toBe(true);
      socket.pause(); // never reads again
      const big = { ...env('Idle'), fn: { config: { name: 'f'.repeat(64 * 1024) }, version: '$LATEST' } };
      // 64 MB of events: far more than the socket buffers hold.
      for (let i = 0; i < 1024 && bus.active; i++) {
        bus.environment(big);
        if (i % 64 === 0) await new Promise((r) => setImmediate(r));
      }
      for (let i = 0; i < 100 && bus.active; i++) await new Promise((r) => setTimeout(r, 10));
      expect(bus.active).toBe(false);
    } finally {
      socket.destroy();
      await app.close();
    }
  });
});
