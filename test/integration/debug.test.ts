// --debug <function> --debug-port <port> with real worker processes: the function's runtime answers
// the inspector protocol on the port, its timeout applies while no debugger is attached and is
// suspended while one is, and it runs one environment at a time (the port is one).
import { get } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectorAttached } from '../../server/build/inspector.ts';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** GET a JSON document from the inspector on a connection that closes at once (no keep-alive). */
function inspectorJson<T>(port: number, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(JSON.parse(text) as T));
    }).on('error', reject);
  });
}

describe('--debug', () => {
  let em: TestEmulator;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    em = await startEmulator(fixture('templates/core.yaml'), { debug: 'sleepy', debugPort: port });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it("the debugged function's runtime answers the inspector protocol on the port", async () => {
    expect(em.eph.debugTarget).toEqual({ functionName: 'sleepy', port });
    const res = await em.invoke('sleepy', { sleepMs: 1 });
    expect(res.json()).toEqual({ slept: true });
    const version = await inspectorJson<Record<string, string>>(port, '/json/version');
    expect(version.Browser).toBe(`node.js/${process.version}`);
    expect(version['Protocol-Version']).toMatch(/^\d+\.\d+$/);
    const list = await inspectorJson<Array<{ webSocketDebuggerUrl?: string; type: string }>>(port, '/json/list');
    expect(list).toHaveLength(1);
    expect(list[0].webSocketDebuggerUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
    // Other functions run as usual (no inspector).
    expect((await em.invoke('echo', {})).status).toBe(200);
  });

  it('the timeout applies while no debugger is attached', async () => {
    await waitFor(async () => !(await inspectorAttached(port)), 5000);
    const res = await em.invoke('sleepy', { sleepMs: 5000 });
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect((res.json() as { errorType: string }).errorType).toBe('Sandbox.Timedout');
  });

  it('the timeout is suspended while a debugger is attached', async () => {
    // A cold start after the timeout: wait for the new runtime's inspector, then attach.
    expect((await em.invoke('sleepy', { sleepMs: 1 })).status).toBe(200);
    const list = await waitFor(async () => {
      const targets = await inspectorJson<Array<{ webSocketDebuggerUrl?: string }>>(port, '/json/list');
      return targets[0]?.webSocketDebuggerUrl ? targets : undefined;
    }, 5000);
    const ws = new WebSocket(list[0].webSocketDebuggerUrl!);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    try {
      await waitFor(() => inspectorAttached(port), 5000);
      // Timeout is 1 s: with the debugger attached the 2.5 s invoke completes.
      const res = await em.invoke('sleepy', { sleepMs: 2500 });
      expect(res.headers.get('x-amz-function-error')).toBeNull();
      expect(res.json()).toEqual({ slept: true });
    } finally {
      ws.close();
    }
  });

  it('one environment at a time: a concurrent invoke is throttled', async () => {
    const busy = em.invoke('sleepy', { sleepMs: 300 });
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'sleepy' && e.state === 'Invoking'), 5000);
    const second = await em.invoke('sleepy', { sleepMs: 1 });
    expect(second.status).toBe(429);
    expect(second.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect((await busy).status).toBe(200);
    expect(em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'sleepy' && e.state !== 'Terminated').length).toBeLessThanOrEqual(1);
  });
});
