// START/END/REPORT lines exactly as Lambda prints them, and the Tail buffer.
import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../server/environment/function-log.ts';
import { exitMessage, timeoutPayload } from '../../server/environment/platform-errors.ts';
import { billedDurationMs, endLine, reportLine, startLine } from '../../server/invoke/log-result.ts';

const rid = '8f5a2b8e-1111-4222-8333-944445555666';

describe('platform log lines', () => {
  it('START and END', () => {
    expect(startLine(rid, '$LATEST')).toBe(`START RequestId: ${rid} Version: $LATEST`);
    expect(endLine(rid)).toBe(`END RequestId: ${rid}`);
  });

  it('REPORT for a warm success: every field followed by a tab', () => {
    const line = reportLine({ requestId: rid, memorySizeMB: 128, maxMemoryMB: 36, report: { durationMs: 3.014, status: 'success' } });
    expect(line).toBe(`REPORT RequestId: ${rid}\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\t`);
  });

  it('REPORT for a cold start bills INIT too', () => {
    const line = reportLine({ requestId: rid, memorySizeMB: 512, initDurationMs: 544.9, maxMemoryMB: 80, report: { durationMs: 900000, status: 'success' } });
    expect(line).toBe(`REPORT RequestId: ${rid}\tDuration: 900000.00 ms\tBilled Duration: 900545 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\tInit Duration: 544.90 ms\t`);
  });

  it('REPORT names timeouts and platform failures, not function errors', () => {
    const base = { requestId: rid, memorySizeMB: 128 };
    expect(reportLine({ ...base, maxMemoryMB: 40, report: { durationMs: 1000.2, status: 'timeout', errorType: 'Sandbox.Timedout' } })).toMatch(/\tStatus: timeout$/);
    expect(reportLine({ ...base, maxMemoryMB: 40, report: { durationMs: 5, status: 'failure', errorType: 'Runtime.ExitError' } })).toMatch(/\tStatus: error\tError Type: Runtime.ExitError$/);
    expect(reportLine({ ...base, maxMemoryMB: 40, report: { durationMs: 5, status: 'error', errorType: 'MyError' } })).toMatch(/Max Memory Used: 40 MB\t$/);
  });

  it('bills at least 1 ms, rounding up', () => {
    expect(billedDurationMs(0.2)).toBe(1);
    expect(billedDurationMs(1.0)).toBe(1);
    expect(billedDurationMs(1.01)).toBe(2);
  });

  it('words timeouts and exits like Lambda', () => {
    expect(JSON.parse(timeoutPayload(rid, 3000).toString())).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${rid} Error: Task timed out after 3.00 seconds` });
    expect(exitMessage(rid, { code: 1, signal: null })).toBe(`RequestId: ${rid} Error: Runtime exited with error: exit status 1`);
    expect(exitMessage(rid, { code: null, signal: 'SIGKILL' })).toBe(`RequestId: ${rid} Error: Runtime exited with error: signal: killed`);
    expect(exitMessage(rid, { code: 0, signal: null })).toBe(`RequestId: ${rid} Error: Runtime exited without providing a reason`);
  });
});

describe('LogBuffer (Tail)', () => {
  it('keeps lines and gives the last 4096 bytes in base64', () => {
    const log = new LogBuffer();
    for (let i = 0; i < 1000; i++) log.push(`line ${i} ${'x'.repeat(20)}`);
    const tail = Buffer.from(log.tailBase64(), 'base64').toString();
    expect(Buffer.byteLength(tail)).toBe(4096);
    expect(tail.endsWith(`line 999 ${'x'.repeat(20)}\n`)).toBe(true);
  });
  it('is bounded in memory', () => {
    const log = new LogBuffer(1024);
    for (let i = 0; i < 10_000; i++) log.push('y'.repeat(100));
    expect(log.text().length).toBeLessThan(1024 + 202);
  });
  it('returns short logs whole', () => {
    const log = new LogBuffer();
    log.push('START');
    log.push('END');
    expect(Buffer.from(log.tailBase64(), 'base64').toString()).toBe('START\nEND\n');
  });
  it('leaves the INIT phase out of the Tail and keeps it in the log', () => {
    const log = new LogBuffer();
    log.push('INIT_START Runtime Version: python:3.12');
    log.push('printed at import');
    log.startInvokePhase();
    log.push('START');
    log.push('END');
    expect(Buffer.from(log.tailBase64(), 'base64').toString()).toBe('START\nEND\n');
    expect(log.text()).toBe('INIT_START Runtime Version: python:3.12\nprinted at import\nSTART\nEND\n');
  });
  it('counts the INIT lines already dropped from a long log', () => {
    const log = new LogBuffer(64);
    for (let i = 0; i < 20; i++) log.push(`init ${i}`);
    log.startInvokePhase();
    log.push('START');
    expect(Buffer.from(log.tailBase64(), 'base64').toString()).toBe('START\n');
  });
});
