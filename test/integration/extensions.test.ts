// The Extensions and Telemetry APIs with a real external extension process (the recorder, from a
// layer): registration during INIT, INVOKE events with the right request ids, SHUTDOWN with reason
// spindown on idle shutdown and on emulator stop, and platform.report with measured figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor, isolationLevels } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const levels = isolationLevels();

type Line = { fn: string; env: string; text: string };
const tagged = (lines: Line[], tag: string, fn: string): any[] =>
  lines.filter((l) => l.fn === fn && l.text.startsWith(`${tag} `)).map((l) => JSON.parse(l.text.slice(tag.length + 1)));

describe.each(levels)('extensions and telemetry (%s isolation)', (isolation) => {
  let em: TestEmulator;
  // The keep-alive runs on it: the spindown test moves it past the idle time.
  const clock = new ManualClock({ realTime: true });
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/extensions.yaml'), { isolation, keepAlive: 60 }, { clock });
  });
  afterAll(async () => {
    clock.stop();
    expect(await em.stopChecked()).toEqual([]);
  });

  it('registers the extension during INIT and sends it INVOKE with each request id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await em.invoke('with-extension', { i });
      expect(res.status).toBe(200);
      ids.push(res.headers.get('x-amzn-requestid')!);
    }
    await em.report(ids[2]);
    const events = tagged(em.lines, 'RECORDER', 'with-extension');
    expect(events[0].registered).toEqual({ functionName: 'with-extension', functionVersion: '$LATEST', handler: 'index.handler', accountId: '000000000000' });
    expect(events[0].id).toMatch(/^[0-9a-f-]{36}$/);
    // Lambda strips _HANDLER and other _-variables from an extension's environment.
    expect(events[0].env).toEqual({ handler: null, fn: 'with-extension' });
    const invokes = events.filter((e) => e.eventType === 'INVOKE');
    expect(invokes.map((e) => e.requestId)).toEqual(ids);
    expect(invokes[0].invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:with-extension');
    expect(invokes[0].deadlineMs).toBeGreaterThan(Date.now() - 10_000);
    expect(invokes[0].tracing.type).toBe('X-Amzn-Trace-Id');
    // One environment served all three (warm), the extension with it.
    const counts = ids.map((_, i) => i);
    expect(counts).toHaveLength(3);
  });

  it('sends SHUTDOWN with reason spindown when the idle environment is shut down', async () => {
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'with-extension' && e.state === 'Idle' && e.frozen)); // its keep-alive running
    await clock.advance(60_000);
    await waitFor(() => tagged(em.lines, 'RECORDER', 'with-extension').some((e) => e.eventType === 'SHUTDOWN'), 6000);
    const shutdown = tagged(em.lines, 'RECORDER', 'with-extension').find((e) => e.eventType === 'SHUTDOWN');
    expect(shutdown.shutdownReason).toBe('spindown');
    expect(shutdown.deadlineMs).toBeGreaterThan(Date.now() - 10_000);
  });

  it('delivers platform events to a Telemetry API subscriber, with a measured platform.report per invoke', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await em.invoke('with-telemetry', { i })).headers.get('x-amzn-requestid')!);
    // platform.report of the last invoke is delivered on the next thaw (or at SHUTDOWN), as on Lambda.
    ids.push((await em.invoke('with-telemetry', { last: true })).headers.get('x-amzn-requestid')!);
    const events = () => tagged(em.lines, 'TELEMETRY', 'with-telemetry').flat() as Array<{ type: string; record: any }>;
    // The keep-alive ends: SHUTDOWN flushes what the frozen subscriber had not yet written.
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'with-telemetry' && e.state === 'Idle' && e.frozen));
    await clock.advance(60_000);
    await waitFor(() => events().filter((e) => e.type === 'platform.report').length >= 2, 5000);
    const sub = tagged(em.lines, 'RECORDER', 'with-telemetry').find((e) => e.subscribed !== undefined);
    expect(sub).toEqual({ subscribed: 200, body: '"OK"' });
    const types = new Set(events().map((e) => e.type));
    for (const t of ['platform.initStart', 'platform.initRuntimeDone', 'platform.initReport', 'platform.start', 'platform.runtimeDone', 'platform.report', 'function']) {
      expect(types, t).toContain(t);
    }
    const reports = events().filter((e) => e.type === 'platform.report');
    expect(reports[0].record.requestId).toBe(ids[0]);
    const m = reports[0].record.metrics;
    expect(m.durationMs).toBeGreaterThan(0);
    expect(m.billedDurationMs).toBeGreaterThanOrEqual(Math.ceil(m.durationMs));
    expect(m.memorySizeMB).toBe(128);
    // Measured (the runtime, the extension and the launcher: it can even land on 128 by chance), and
    // the same figure the REPORT line of that request shows.
    expect(m.maxMemoryUsedMB).toBeGreaterThan(10);
    expect(await em.report(ids[0])).toContain(`\tMax Memory Used: ${m.maxMemoryUsedMB} MB\t`);
    expect(m.initDurationMs).toBeGreaterThan(0);
    expect(reports[1].record.metrics.initDurationMs).toBeUndefined();
    const fnLine = events().find((e) => e.type === 'function' && String(e.record).includes(ids[0]));
    expect(fnLine).toBeDefined();
  });

  it('sends SHUTDOWN (spindown) when the emulator stops, after flushing telemetry', async () => {
    await em.invoke('with-extension', {});
    const before = tagged(em.lines, 'RECORDER', 'with-extension').filter((e) => e.eventType === 'SHUTDOWN').length;
    await em.eph.internals.pool.close();
    const shutdowns = await waitFor(() => {
      const list = tagged(em.lines, 'RECORDER', 'with-extension').filter((e) => e.eventType === 'SHUTDOWN');
      return list.length === before + 1 && list;
    }, 3000);
    expect(shutdowns.at(-1).shutdownReason).toBe('spindown');
  });
});
