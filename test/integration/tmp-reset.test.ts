// /tmp across a reset, with real worker processes under each isolation level this machine offers: as on
// Lambda, an invocation that times out or crashes resets the environment (the runtime starts again,
// INIT runs again inside the next invoke) and its /tmp is kept; new code (a recycle) starts empty, and
// nothing kept is left behind when the emulator stops.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, isolationLevels } from '../helpers/emulator.ts';

describe.each(isolationLevels())('/tmp across a reset (%s isolation)', (isolation) => {
  let em: TestEmulator;
  const call = async (event: Record<string, string>, fn = 'tmp-reset'): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await em.invoke(fn, event);
    return { status: res.status, body: res.json() as Record<string, unknown> };
  };
  const inits = (): number => em.lines.filter((l) => l.fn === 'tmp-reset' && l.text.startsWith('INIT_START')).length;

  beforeAll(async () => {
    em = await startEmulator(fixture('templates/tmp-reset.yaml'), { isolation });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    // Nothing kept outlives the emulator (kept /tmp copies are named after it, as its other temp dirs).
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`ephemera-${process.pid}.`) && /-tmp-(kept|tmp-reset)-/.test(n))).toEqual([]);
  });

  it('a timeout resets the environment: the runtime and INIT start again, /tmp is kept', async () => {
    const first = await call({ name: 'a.txt' });
    expect(first.body.files).toEqual(['a.txt']);
    const hung = await call({ name: 'b.txt', action: 'hang' });
    expect(hung.body.errorType).toBe('Sandbox.Timedout');
    const before = inits();
    const after = await call({});
    expect(after.body.files).toEqual(['a.txt', 'b.txt']);
    expect(after.body.pid).not.toBe(first.body.pid);
    expect(inits()).toBe(before + 1);
  });

  it('a crash resets it the same way', async () => {
    // tmp-reset-roomy (10 s): the runtime's restart and INIT run inside the next invoke, which a loaded
    // machine did not always fit in 1 s under namespace isolation.
    await call({ name: 'b.txt' }, 'tmp-reset-roomy');
    const crashed = await call({ name: 'c.txt', action: 'crash' }, 'tmp-reset-roomy');
    expect(crashed.body).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect((await call({}, 'tmp-reset-roomy')).body.files).toEqual(['b.txt', 'c.txt']);
  });

  it('new code (a recycle) starts with an empty /tmp', async () => {
    await call({ name: 'd.txt', action: 'hang' });
    const res = await fetch(`${em.url}/_ephemera/functions/tmp-reset/recycle`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await call({})).body.files).toEqual([]);
  });

  it('the INIT after a reset runs inside the invoke (suppressed init): a failure there is the answer, not retried', async () => {
    // tmp-reset-roomy: the same code with a 10 s timeout, which the runtime's start and INIT inside the
    // invoke fit in on a loaded machine (they did not always fit in tmp-reset's 1 s).
    await call({ name: 'fail-init', action: 'crash' }, 'tmp-reset-roomy');
    const res = await em.invoke('tmp-reset-roomy', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(res.json()).toMatchObject({ errorType: 'Error', errorMessage: 'fail-init is in /tmp' });
    const tail = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(tail).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: invoke\tStatus: error/);
    expect(tail).not.toContain('Phase: init');
    // That environment failed its INIT, which is no reset: the next one starts afresh.
    expect((await call({}, 'tmp-reset-roomy')).body.files).toEqual([]);
  });
});
