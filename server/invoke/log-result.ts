// The platform's own log lines for an invocation (reference §5.4): START, END and REPORT exactly
// as Lambda prints them, with Init Duration on cold starts and Status/Error Type on failures.
import type { ReportSummary } from '../environment/environment-types.ts';

export const startLine = (requestId: string, version: string): string => `START RequestId: ${requestId} Version: ${version}`;

export const endLine = (requestId: string): string => `END RequestId: ${requestId}`;

export interface ReportInput {
  requestId: string;
  report: ReportSummary;
  memorySizeMB: number;
  /** Measured peak of the environment's process tree. */
  maxMemoryMB: number;
  /** Set on the cold invoke only. */
  initDurationMs?: number;
  /** SnapStart: set on the invoke of a restored environment only (it has no Init Duration). */
  restore?: RestoreDurations;
}

export interface RestoreDurations {
  durationMs: number;
  /** The runtime's own part: from its restore/next to its first /next (the after-restore hooks). */
  billedMs: number;
}

/** Billed = ceil(duration + init) since on-demand INIT became billed (Aug 2025). */
export function billedDurationMs(durationMs: number, initDurationMs = 0): number {
  return Math.max(1, Math.ceil(durationMs + initDurationMs));
}

export function reportLine({ requestId, report, memorySizeMB, maxMemoryMB, initDurationMs, restore }: ReportInput): string {
  let line = `REPORT RequestId: ${requestId}\tDuration: ${report.durationMs.toFixed(2)} ms\t`
    + `Billed Duration: ${billedDurationMs(report.durationMs, initDurationMs)} ms\t`
    + `Memory Size: ${memorySizeMB} MB\tMax Memory Used: ${maxMemoryMB} MB\t`;
  if (initDurationMs !== undefined) line += `Init Duration: ${initDurationMs.toFixed(2)} ms\t`;
  if (restore) line += `Restore Duration: ${restore.durationMs.toFixed(2)} ms\tBilled Restore Duration: ${restore.billedMs} ms\t`;
  if (report.status === 'timeout') line += 'Status: timeout';
  // A function's own error leaves REPORT as is; a platform failure (runtime exit...) is named.
  else if (report.status === 'failure') line += `Status: error\tError Type: ${report.errorType}`;
  return line;
}

/**
 * One concise line naming what an invocation left running (only written when it left something). `frozen`:
 * the environment is frozen between invocations (not on Lambda Managed Instances, where it keeps running).
 */
export function leakLine(requestId: string, leaks: Array<{ kind: string; count: number; createdAt: string | null; detail: string }>, frozen = true): string {
  const total = leaks.reduce((n, l) => n + l.count, 0);
  const parts = leaks.map((l) => `${l.kind}${l.count > 1 ? ` x${l.count}` : ''}${l.createdAt ? ` at ${l.createdAt}` : ''}${l.detail ? ` (${l.detail})` : ''}`);
  return `LEAK RequestId: ${requestId}\tLeft running: ${total}\t${parts.join('; ')}\t${frozen ? 'This resumes when the environment is next thawed.' : 'This keeps running: the environment is never frozen (Lambda Managed Instances).'}`;
}
