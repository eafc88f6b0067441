// Asynchronous invocation with real environments: 202 and the request id every attempt carries,
// events surviving a busy function, retries after function errors (Lambda's back-off, scaled by
// --time-scale), MaximumRetryAttempts, and reserved concurrency 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
const event = (fn: string, payload: unknown) => em.invoke(fn, payload, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
const starts = (fn: string): string[] => em.lines.filter((l) => l.fn === fn && l.text.startsWith('START RequestId: ')).map((l) => l.text.split(' ')[2]);

beforeAll(async () => {
  // 60 s / 120 s retry back-off become 60 ms / 120 ms; throttle back-off 1 s becomes 1 ms.
  em = await startEmulator(fixture('templates/async.yaml'), { isolation: 'process', timeScale: 0.001 });
});
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

describe('InvocationType Event', () => {
  it('answers 202 with an empty body and the request id the function then runs with', async () => {
    const res = await event('async-busy', { name: 'first' });
    expect(res.status).toBe(202);
    expect(res.body).toBe('');
    const rid = res.headers.get('x-amzn-requestid')!;
    await waitFor(() => starts('async-busy').includes(rid), 5000);
  });

  it('runs every event of a busy function (reserved concurrency 1, ten events)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await event('async-busy', { sleepMs: 50, name: `e${i}` })).headers.get('x-amzn-requestid')!);
    await waitFor(() => ids.every((id) => starts('async-busy').includes(id)), 15_000);
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 5000);
    // Throttled attempts were retried, never run twice: each id started exactly once.
    for (const id of ids) expect(starts('async-busy').filter((s) => s === id)).toHaveLength(1);
  });

  it('retries a failing function twice by default, with the same request id', async () => {
    const rid = (await event('async-throws', {})).headers.get('x-amzn-requestid')!;
    await waitFor(() => starts('async-throws').filter((s) => s === rid).length === 3, 5000);
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 5000);
    expect(starts('async-throws').filter((s) => s === rid)).toHaveLength(3);
  });

  it('honours MaximumRetryAttempts: 0', async () => {
    const rid = (await event('async-throws-no-retry', {})).headers.get('x-amzn-requestid')!;
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0 && starts('async-throws-no-retry').includes(rid), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts('async-throws-no-retry').filter((s) => s === rid)).toHaveLength(1);
  });

  it('never runs an event for a function with reserved concurrency 0', async () => {
    expect((await event('async-zero', {})).status).toBe(202);
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 5000);
    expect(starts('async-zero')).toEqual([]);
  });
});
