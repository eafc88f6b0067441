// The deterministic controls and counters under /_ephemera/ that test authors use: list environments
// per function, shut one down (force a cold start), recycle a function, /tmp usage, metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
const get = async (path: string): Promise<any> => (await fetch(`${em.url}${path}`)).json();

beforeAll(async () => {
  em = await startEmulator(fixture('templates/core.yaml'), { isolation: 'process' });
});
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

describe('/_ephemera controls', () => {
  it('lists environments per function with their state, frozen flag and /tmp usage', async () => {
    await em.invoke('concurrent', { name: 'x' });
    await em.invoke('counter');
    const { environments } = await get('/_ephemera/environments?function=concurrent');
    expect(environments).toHaveLength(1);
    const env = environments[0];
    expect(env).toMatchObject({ function: 'concurrent', invocations: 1, warm: true, initType: 'on-demand' });
    expect(env.tmpUsageBytes).toBeGreaterThan(0);
    expect(env.leaks).toEqual({ lastInvocation: [], openProcesses: [] });
    const one = await get(`/_ephemera/environments/${env.id.slice(0, 8)}`);
    expect(one.id).toBe(env.id);
  });

  it('shuts one environment down: the next invoke is a cold start in a new process', async () => {
    const before = (await em.invoke('counter')).json() as { count: number; logStream: string };
    const [env] = (await get('/_ephemera/environments?function=counter')).environments;
    const res = await fetch(`${em.url}/_ephemera/environments/${env.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const after = (await em.invoke('counter')).json() as { count: number; logStream: string };
    expect(after.logStream).not.toBe(before.logStream);
    expect(after.count).toBe(0);
    const missing = await fetch(`${em.url}/_ephemera/environments/nope`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('recycles every environment of a function', async () => {
    await Promise.all([1, 2].map((i) => em.invoke('concurrent', { sleepMs: 200, name: `r${i}` })));
    const { environments } = await get('/_ephemera/environments?function=concurrent');
    expect(environments.length).toBeGreaterThanOrEqual(2);
    // The web view's name for each state comes with it (answered: invoking until /next, then idle, frozen).
    for (const e of environments) expect(['invoking', 'idle', 'frozen']).toContain(e.phase);
    const res = await fetch(`${em.url}/_ephemera/functions/concurrent/recycle`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { recycled: number }).recycled).toBeGreaterThanOrEqual(2);
    // An environment that had answered but not yet called /next was busy: it retires once it does.
    await waitFor(async () => (await get('/_ephemera/environments?function=concurrent')).environments.length === 0, 5000);
    expect((await fetch(`${em.url}/_ephemera/functions/nope/recycle`, { method: 'POST' })).status).toBe(404);
  });

  it('counts invocations, cold starts, errors, timeouts and throttles', async () => {
    await em.invoke('throws');
    await em.invoke('sleepy', { sleepMs: 5000 });
    await em.invoke('reserved-zero');
    const { total, functions } = await get('/_ephemera/metrics');
    expect(functions.throws).toMatchObject({ invocations: 1, coldStarts: 1, errors: 1 });
    expect(functions.sleepy).toMatchObject({ invocations: 1, timeouts: 1, errors: 1 });
    expect(functions['reserved-zero']).toMatchObject({ invocations: 1, throttles: 1 });
    expect(total.invocations).toBeGreaterThanOrEqual(8);
  });
});
