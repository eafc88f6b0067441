// SnapStart's pure rules: ApplyOn values, the configuration's SnapStart field per version, which versions
// are restored from a snapshot; the zygote's exit words; REPORT's restore fields; the restore records.
import { describe, expect, it } from 'vitest';
import type { TelemetryHub } from '../../runtime-api/telemetry.ts';
import { PlatformTelemetry } from '../../server/environment/platform-telemetry.ts';
import { parseApplyOn, restoresFromSnapshot, snapStartApplies, snapStartResponse } from '../../server/environment/snap-start.ts';
import { parseExit } from '../../server/environment/zygote-control.ts';
import { reportLine } from '../../server/invoke/log-result.ts';
import type { FunctionConfig } from '../../server/model.ts';

const config = (runtime: string, snapStart?: 'PublishedVersions' | 'None'): FunctionConfig => ({
  name: 'f', logicalId: 'F', codeDir: '/code', handler: 'app.handler', runtime, memorySize: 128, timeout: 3, environment: {},
  ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text', ...(snapStart ? { snapStart } : {}),
});

describe('SnapStart configuration', () => {
  it.each([
    [undefined, 'None'], [null, 'None'], ['None', 'None'], ['PublishedVersions', 'PublishedVersions'],
    ['publishedversions', undefined], ['Always', undefined], [1, undefined], ['', undefined],
  ])('ApplyOn %j -> %j', (given, expected) => {
    expect(parseApplyOn(given)).toBe(expected);
  });

  it.each([
    ['PublishedVersions', '1', { ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' }],
    ['PublishedVersions', '$LATEST', { ApplyOn: 'PublishedVersions', OptimizationStatus: 'Off' }],
    [undefined, '1', { ApplyOn: 'None', OptimizationStatus: 'Off' }],
    ['None', '7', { ApplyOn: 'None', OptimizationStatus: 'Off' }],
  ] as const)('ApplyOn %s, version %s -> %j', (applyOn, version, expected) => {
    expect(snapStartResponse(config('python3.12', applyOn), version)).toEqual(expected);
  });

  it.each([
    ['python3.12', true], ['python3.13', true], ['python3.14', true], ['python3.11', false], ['python3.9', false],
    ['nodejs24.x', false], ['provided.al2023', false], ['java21', false],
  ])('%s is restored from a real snapshot: %s', (runtime, expected) => {
    expect(restoresFromSnapshot(runtime)).toBe(expected);
  });

  it.each([
    ['python3.12', 'PublishedVersions', '3', true],
    ['python3.12', 'PublishedVersions', '$LATEST', false],
    ['python3.12', undefined, '3', false],
    ['nodejs24.x', 'PublishedVersions', '3', false],
  ] as const)('%s, ApplyOn %s, version %s restores: %s', (runtime, applyOn, version, expected) => {
    expect(snapStartApplies(config(runtime, applyOn), version)).toBe(expected);
  });
});

describe('the zygote reports how a fork ended', () => {
  it.each([
    [0, { code: 0, signal: null }], [65, { code: 65, signal: null }],
    [-9, { code: null, signal: 'SIGKILL' }], [-15, { code: null, signal: 'SIGTERM' }], [-11, { code: null, signal: 'SIGSEGV' }],
  ])('exit %d -> %j', (code, expected) => {
    expect(parseExit(code)).toEqual(expected);
  });
});

describe('REPORT of a restored environment', () => {
  const report = { durationMs: 12.345, status: 'success' as const, errorType: undefined };
  it('names Restore Duration and Billed Restore Duration, and no Init Duration', () => {
    expect(reportLine({ requestId: 'r', report, memorySizeMB: 128, maxMemoryMB: 40, restore: { durationMs: 31.456, billedMs: 5 } })).toBe(
      'REPORT RequestId: r\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t'
      + 'Restore Duration: 31.46 ms\tBilled Restore Duration: 5 ms\t',
    );
  });
});

describe('Telemetry API restore records', () => {
  const recorded = (): { hub: TelemetryHub; events: Array<[string, string, unknown]>; closed: () => boolean } => {
    const events: Array<[string, string, unknown]> = [];
    let closed = false;
    const hub = { emit: (c: string, t: string, r: unknown) => events.push([c, t, r]), initDone: () => (closed = true), listening: true } as unknown as TelemetryHub;
    return { hub, events, closed: () => closed };
  };

  it('emits platform.restoreStart, then restoreRuntimeDone and restoreReport with the duration', () => {
    const { hub, events, closed } = recorded();
    const t = new PlatformTelemetry(hub);
    t.restoreStart('f', '1', 'python:3.12', 'arn:aws:lambda:us-east-1::runtime:x');
    t.restoreDone('success', 31.45678);
    expect(events).toEqual([
      ['platform', 'platform.restoreStart', { runtimeVersion: 'python:3.12', runtimeVersionArn: 'arn:aws:lambda:us-east-1::runtime:x', functionName: 'f', functionVersion: '1' }],
      ['platform', 'platform.restoreRuntimeDone', { status: 'success' }],
      ['platform', 'platform.restoreReport', { status: 'success', metrics: { durationMs: 31.457 } }],
    ]);
    expect(closed()).toBe(true);
  });

  it('names the error type of a failed restore and keeps INIT-phase subscriptions open', () => {
    const { hub, events, closed } = recorded();
    new PlatformTelemetry(hub).restoreDone('error', 10, 'Runtime.AfterRestoreError');
    expect(events.map((e) => e[2])).toEqual([
      { status: 'error', errorType: 'Runtime.AfterRestoreError' },
      { status: 'error', errorType: 'Runtime.AfterRestoreError', metrics: { durationMs: 10 } },
    ]);
    expect(closed()).toBe(false);
  });

  it('carries restoreDurationMs in platform.report', () => {
    const { hub, events } = recorded();
    new PlatformTelemetry(hub).report('r', { durationMs: 2, status: 'success', errorType: undefined }, {
      billedDurationMs: 2, memorySizeMB: 128, maxMemoryUsedMB: 40, restoreDurationMs: 31.45678, billedRestoreDurationMs: 5,
    });
    expect(events[0][2]).toEqual({
      requestId: 'r', status: 'success',
      metrics: { durationMs: 2, billedDurationMs: 2, memorySizeMB: 128, maxMemoryUsedMB: 40, billedRestoreDurationMs: 5, restoreDurationMs: 31.457 },
    });
  });
});
