// Concurrency controls with real environments: provisioned concurrency (initialised before the first
// invoke, used first, never reaped, spillover counted), the account limit, and the /tmp size cap.
// The keep-alive runs on a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor, namespaceUnavailable } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const namespaceSkip = namespaceUnavailable;

describe('provisioned concurrency', () => {
  let em: TestEmulator;
  const clock = new ManualClock({ realTime: true });
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/concurrency.yaml'), { keepAlive: 60, isolation: 'process' }, { clock });
  });
  afterAll(async () => {
    clock.stop();
    expect(await em.stopChecked()).toEqual([]);
  });

  it('initialises the environments before the first invoke, frozen, with the provisioned initialization type', async () => {
    const envs = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'provisioned');
    expect(envs).toHaveLength(2);
    expect(envs.every((e) => e.state === 'Idle' && e.frozen && em.eph.internals.pool.isProvisioned(e) && e.initType === 'provisioned-concurrency')).toBe(true);
    const res = await em.invoke('provisioned-env');
    expect((res.json() as { env: Record<string, string> }).env.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('provisioned-concurrency');
    // Already initialised: no Init Duration on the first invoke.
    expect(await em.report(res.headers.get('x-amzn-requestid'))).not.toContain('Init Duration');
  });

  it('uses provisioned environments first and counts the spillover', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => em.invoke('provisioned', { sleepMs: 400, name: `p${i}` })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const pids = new Set(results.map((r) => (r.json() as { pid: number }).pid));
    expect(pids.size).toBe(3);
    const health = (await (await fetch(`${em.url}/_ephemera/health`)).json()) as { provisionedConcurrency: Array<Record<string, unknown>> };
    expect(health.provisionedConcurrency).toContainEqual({ function: 'provisioned', version: '$LATEST', requested: 2, ready: 2, spilloverInvocations: 1 });
  });

  it('never reaps provisioned environments; the on-demand one goes after the keep-alive', async () => {
    expect(em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'provisioned')).toHaveLength(3);
    // The on-demand one is idle, its keep-alive running.
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'provisioned' && !em.eph.internals.pool.isProvisioned(e) && e.state === 'Idle' && e.frozen));
    await clock.advance(60_000);
    await waitFor(() => em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'provisioned').length === 2, 4000);
    await clock.advance(3_600_000);
    const left = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'provisioned');
    expect(left).toHaveLength(2);
    expect(left.every((e) => em.eph.internals.pool.isProvisioned(e))).toBe(true);
  });
});

describe('the account concurrency limit', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/concurrency.yaml'), { maxConcurrency: 3, isolation: 'process' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('throttles beyond --max-concurrency with Reason ConcurrentInvocationLimitExceeded', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => em.invoke('slow', { sleepMs: 400 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    const throttled = results.find((r) => r.status === 429)!;
    expect(throttled.json()).toEqual({ Reason: 'ConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' });
  });
});

describe.skipIf(namespaceSkip !== '')('the ephemeral storage cap (namespace isolation)', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/concurrency.yaml'), { isolation: 'namespace' });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('fails writes past EphemeralStorage.Size with ENOSPC inside the function; the emulator is unaffected', async () => {
    const full = await em.invoke('tmp-filler', { mb: 600 });
    expect(full.status).toBe(200);
    const body = full.json() as { written: number; error: string | null };
    expect(body.error).toBe('ENOSPC');
    expect(body.written).toBeGreaterThanOrEqual(500);
    expect(body.written).toBeLessThanOrEqual(512);
    expect((await em.invoke('tmp-filler', { mb: 10 })).json()).toEqual({ written: 10, error: null });
  });
});
