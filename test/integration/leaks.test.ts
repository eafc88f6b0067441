// Leak reports end to end through the real emulator: the LEAK line (kind, where, which request),
// the leaked output marked in the NEXT invocation's log, process leaks, a clean handler reporting
// nothing, --leaks error failing the invocation, and /_ephemera surfacing it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isolationLevels, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

const tail = (res: { headers: Headers }): string[] => Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString().split('\n');
const leakOf = (lines: string[], rid: string | null): string | undefined => lines.find((l) => l.startsWith(`LEAK RequestId: ${rid}\t`));

describe.each(isolationLevels())('leaks (%s isolation)', (isolation) => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/leaks.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('the classic Promise.all leak: reported with where and which request, its output marked in the next invocation', async () => {
    const first = await em.invoke('leaky-promise-all', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = first.headers.get('x-amzn-requestid');
    expect(first.headers.get('x-amz-function-error')).toBe('Unhandled');
    const leak = leakOf(tail(first), rid);
    expect(leak).toMatch(/\tLeft running: \d+\t/);
    expect(leak).toMatch(/timeout at \/.*leaky-promise-all\/index\.mjs:3:\d+|timeout at \/var\/task\/index\.mjs:3:\d+/);
    // Frozen, the sibling cannot finish; it resumes on the next thaw, inside the next invocation.
    await new Promise((r) => setTimeout(r, 300));
    const second = await em.invoke('leaky-promise-all', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const marked = tail(second).find((l) => l.includes('sibling finished'));
    expect(marked).toContain(`[leaked from ${rid}] sibling finished`);
    // It fires on thaw before the runtime has read the new event, so the request-id column still
    // shows the old id, as AWS's client would print it: the marker is what tells the story.
    expect(tail(second).indexOf(marked!)).toBeGreaterThan(tail(second).findIndex((l) => l.startsWith('START')));
  });

  it('a leaked setTimeout that logs shows up, marked, in the next invocation', async () => {
    const first = await em.invoke('leaky-timeout', {});
    const rid = first.headers.get('x-amzn-requestid');
    expect(await em.report(rid)).toBeDefined();
    expect(leakOf(em.lines.map((l) => l.text), rid)).toMatch(/timeout at .*index\.mjs:\d+:\d+ \(setTimeout 300 ms\)/);
    await new Promise((r) => setTimeout(r, 400));
    const second = await em.invoke('leaky-timeout', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(tail(second).some((l) => l.includes(`[leaked from ${rid}] late`))).toBe(true);
  });

  it('reports a child process left running, and keeps it in /_ephemera/environments while alive', async () => {
    const res = await em.invoke('leaky-child', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const rid = res.headers.get('x-amzn-requestid');
    const leak = leakOf(tail(res), rid)!;
    expect(leak).toContain('child-process');
    expect(leak).toMatch(/process \(pid \d+ "sleep 30"\)/);
    const { environments } = (await (await fetch(`${em.url}/_ephemera/environments?function=leaky-child`)).json()) as any;
    expect(environments[0].leaks.openProcesses).toEqual([expect.objectContaining({ command: 'sleep 30', requestId: rid, alive: true })]);
  });

  it('a clean handler reports nothing', async () => {
    const res = await em.invoke('leaky-clean', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(tail(res).some((l) => l.startsWith('LEAK'))).toBe(false);
  });

  it('counts leaks by kind in /_ephemera/metrics', async () => {
    const { functions } = (await (await fetch(`${em.url}/_ephemera/metrics`)).json()) as any;
    expect(functions['leaky-child'].leaks.process).toBeGreaterThanOrEqual(1);
    expect(functions['leaky-clean'].invocationsWithLeaks).toBe(0);
  });
});

describe('--leaks error', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/leaks.yaml'), { isolation: 'process', leaks: 'error' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('turns a leak into a failed invocation with a clear error type; a clean handler still succeeds', async () => {
    const res = await em.invoke('leaky-interval', {});
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = res.json() as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Ephemera.LeakDetected');
    expect(body.errorMessage).toMatch(/left work running \(--leaks error\): interval at /);
    const clean = await em.invoke('leaky-clean', {});
    expect(clean.headers.get('x-amz-function-error')).toBeNull();
  });
});
