// SnapStart with real processes: a published version's INIT runs once, its before-snapshot hooks run
// last-registered first, and every new environment of the version is a fork of that initialised
// Python runtime (same random values, same object ids, the files INIT wrote), whose after-restore hooks
// run in registration order. $LATEST initialises as usual. Hook failures answer with AWS's shapes.
import {
  GetFunctionConfigurationCommand, LambdaClient, PublishVersionCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { fixture, isAlive, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

const python = defaultRuntimes().resolve('python3.12');
const noPython = 'error' in python ? python.error : '';
if (noPython) console.warn(`snapstart tests skipped: ${noPython}`);

type Answer = {
  initId: string; initRandom: number; objectId: number; order: string[]; restoredRandom: number | null; pid: number; initPid: number;
  initType: string; logStream: string | null; tmpFiles: string[]; version: string;
};

describe.skipIf(noPython !== '')('SnapStart (Python, restored from a forked zygote)', () => {
  let em: TestEmulator;
  let lambda: LambdaClient;
  const zygotes = new Set<number>();
  const linesOf = (fn: string, env?: string): string[] => em.lines.filter((l) => l.fn === fn && (!env || l.env === env)).map((l) => l.text);

  beforeAll(async () => {
    em = await startEmulator(fixture('templates/snapstart.yaml'));
    lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  });
  afterAll(async () => {
    lambda.destroy();
    expect(await em.stopChecked()).toEqual([]);
    // The zygotes are not pool environments: they must be gone too.
    for (const pid of zygotes) expect(isAlive(pid), `zygote ${pid} left behind`).toBe(false);
  });

  it('restores every new environment of a published version from one INIT: same memory, own /tmp, hooks in AWS order', async () => {
    const [a, b] = await Promise.all([em.invoke('snap:live'), em.invoke('snap:live')]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const x = a.json() as Answer;
    const y = b.json() as Answer;
    zygotes.add(x.initPid);
    // Two environments, two processes, one INIT: the values drawn in INIT are the same object in memory.
    expect(x.pid).not.toBe(y.pid);
    expect(x.initPid).toBe(y.initPid);
    expect([x.pid, y.pid]).not.toContain(x.initPid);
    expect(y.initId).toBe(x.initId);
    expect(y.initRandom).toBe(x.initRandom);
    expect(y.objectId).toBe(x.objectId);
    // An after-restore hook that re-seeds gives each environment its own randomness.
    expect(x.restoredRandom).not.toBeNull();
    expect(y.restoredRandom).not.toBe(x.restoredRandom);
    // Before-snapshot hooks last registered first (once, before the snapshot); after-restore in order.
    expect(x.order).toEqual(['before-2:x!', 'before-1', 'after-1', 'after-2']);
    expect(x.initType).toBe('snap-start');
    expect(x.logStream).toBeNull();
    expect(x.version).toBe('1');
    // /tmp: what INIT wrote is in the snapshot; what one environment writes is its own.
    expect(x.tmpFiles).toEqual(['written-by-' + x.pid + '.txt', 'written-in-init.txt']);
    expect(y.tmpFiles).toEqual(['written-by-' + y.pid + '.txt', 'written-in-init.txt']);
  });

  it('logs RESTORE_START/RESTORE_REPORT and a REPORT with Restore Duration instead of Init Duration', async () => {
    const res = await em.invoke('snap:live');
    const rid = res.headers.get('x-amzn-requestid');
    const report = await em.report(rid);
    // A warm invoke: neither INIT nor Restore.
    expect(report).not.toMatch(/Init Duration|Restore Duration/);
    const env = em.lines.find((l) => l.text === report)!.env;
    const lines = linesOf('snap', env);
    expect(lines.some((l) => /^RESTORE_START Runtime Version: python:\S+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:/.test(l))).toBe(true);
    expect(lines.some((l) => /^RESTORE_REPORT Restore Duration: \d+\.\d\d ms$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('INIT_START'))).toBe(false);
    const cold = lines.find((l) => l.startsWith('REPORT') && l !== report)!;
    expect(cold).toMatch(/\tMax Memory Used: \d+ MB\tRestore Duration: \d+\.\d\d ms\tBilled Restore Duration: \d+ ms\t$/);
    expect(cold).not.toContain('Init Duration');
    // The restored environment is frozen between invocations, like any other.
    const restored = em.eph.internals.pool.environments().find((e) => e.id === env)!;
    expect(restored.restored).toBe(true);
    expect(restored.frozen).toBe(true);
  });

  it('keeps normal INIT for $LATEST', async () => {
    const res = await em.invoke('snap');
    const body = res.json() as Answer;
    expect(body.initType).toBe('on-demand');
    expect(body.order).toEqual([]);
    expect(body.initPid).toBe(body.pid);
    expect(body.logStream).toMatch(/\[\$LATEST\]/);
    expect(await em.report(res.headers.get('x-amzn-requestid'))).toMatch(/\tInit Duration: \d+\.\d\d ms\t$/);
  });

  it('shows SnapStart in the configuration: On for a published version, Off for $LATEST, and rejects a bad ApplyOn', async () => {
    const v1 = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'snap', Qualifier: '1' }));
    expect(v1.SnapStart).toEqual({ ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' });
    const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'snap' }));
    expect(latest.SnapStart).toEqual({ ApplyOn: 'PublishedVersions', OptimizationStatus: 'Off' });
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'snap', SnapStart: { ApplyOn: 'Always' as 'None' },
    }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value 'Always' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]"),
    });
  });

  it('takes a snapshot of its own when PublishVersion publishes a version (AWS SDK)', async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'snap', Environment: { Variables: { RELEASE: 'two' } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'snap' });
    const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'snap' }));
    expect(published.Version).toBe('2');
    expect(published.SnapStart).toEqual({ ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' });
    const res = await em.invoke('snap:2');
    const body = res.json() as Answer;
    zygotes.add(body.initPid);
    expect(body.initType).toBe('snap-start');
    expect(body.version).toBe('2');
    expect(body.order).toEqual(['before-2:x!', 'before-1', 'after-1', 'after-2']);
    // A snapshot of its own: version 2's INIT drew its own id.
    const one = (await em.invoke('snap:1')).json() as Answer;
    expect(body.initId).not.toBe(one.initId);
    expect(body.initPid).not.toBe(one.initPid);
  });

  it('reports a restored runtime that crashes (Runtime.ExitError, as its zygote saw it end) and restores a new one', async () => {
    const crash = await em.invoke('snap:live', { crash: true });
    expect(crash.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(crash.json()).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('Runtime exited with error: exit status 3') });
    const after = (await em.invoke('snap:live')).json() as Answer;
    expect(after.order).toEqual(['before-2:x!', 'before-1', 'after-1', 'after-2']);
  });

  it('times out an invocation of a restored environment and kills its fork', async () => {
    const warm = (await em.invoke('snap-short:live')).json() as Answer;
    zygotes.add(warm.initPid);
    const res = await em.invoke('snap-short:live', { sleep: 5 });
    expect(res.json()).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') });
    await expect.poll(() => isAlive(warm.pid)).toBe(false);
    // The zygote lives on: the next cold start is another restore of the same snapshot.
    const next = (await em.invoke('snap-short:live')).json() as Answer;
    expect(next.initId).toBe(warm.initId);
    expect(next.pid).not.toBe(warm.pid);
  });

  it('takes a new snapshot when the zygote is gone (killed from outside)', async () => {
    const first = (await em.invoke('snap-short:live')).json() as Answer;
    process.kill(first.initPid, 'SIGKILL');
    await expect.poll(() => isAlive(first.initPid)).toBe(false);
    // Its forks die with it (PR_SET_PDEATHSIG): the warm environment is gone too.
    await expect.poll(() => isAlive(first.pid)).toBe(false);
    await expect.poll(() => em.eph.internals.pool.environments().some((e) => e.pid === first.pid)).toBe(false);
    const next = (await em.invoke('snap-short:live')).json() as Answer;
    zygotes.add(next.initPid);
    expect(next.initPid).not.toBe(first.initPid);
    expect(next.initId).not.toBe(first.initId);
    expect(next.order).toEqual(['before-2:x!', 'before-1', 'after-1', 'after-2']);
  });

  it('answers a failing after-restore hook with SnapStartException and discards the environment', async () => {
    const res = await em.invoke('snap-after-fails:live');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('SnapStartException');
    expect(res.json()).toEqual({
      Type: 'User',
      Message: 'The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.',
    });
    const lines = linesOf('snap-after-fails');
    expect(lines.some((l) => l.startsWith('[ERROR] ValueError: after-restore hook failed'))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^RESTORE_REPORT Restore Duration: \d+\.\d\d ms\tStatus: error\tError Type: Runtime\.AfterRestoreError$/));
    await expect.poll(() => em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'snap-after-fails').length).toBe(0);
  });

  it('fails the snapshot INIT when a before-snapshot hook raises (Runtime.BeforeSnapshotError)', async () => {
    const res = await em.invoke('snap-before-fails:live');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.json()).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'cannot snapshot: a connection is open' });
    const lines = linesOf('snap-before-fails');
    expect(lines).toContainEqual(expect.stringMatching(/^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Runtime\.BeforeSnapshotError$/));
  });
});
