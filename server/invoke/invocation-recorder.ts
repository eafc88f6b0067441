// The platform's record of an invocation, kept in one place: START when it starts; END, LEAK, REPORT,
// platform.report, the leak metrics and the history entry from the environment's report once it is over.
// Nothing here reads an environment: the report carries what its environment measured.
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { InvokeReport } from '../environment/environment-types.ts';
import type { LogBuffer, OutputSink } from '../environment/function-log.ts';
import type { InvocationHistory } from '../events/invocation-history.ts';
import type { Metrics } from '../metrics.ts';
import type { FunctionVersion } from '../model.ts';
import { billedDurationMs, endLine, leakLine, reportLine, type RestoreDurations, startLine } from './log-result.ts';

/** What the invocation service knows of one invocation besides its report. */
export interface InvocationFacts {
  requestId: string;
  fn: FunctionVersion;
  /** The invocation's log (INIT and function output, platform lines), for Tail and the history. */
  log: LogBuffer;
  /** Epoch milliseconds: when the request came in. */
  startedAt: number;
  /** Ran in a new environment. */
  cold: boolean;
  /** The INIT this invocation waited for (a cold start, or a suppressed init's re-run). */
  initDurationMs?: number;
  /** SnapStart: the Restore this invocation waited for (in place of INIT). */
  restore?: RestoreDurations;
}

export class InvocationRecorder {
  private readonly output: OutputSink;
  private readonly metrics: Metrics;
  private readonly history: InvocationHistory | undefined;

  constructor(output: OutputSink, metrics: Metrics, history?: InvocationHistory) {
    this.output = output;
    this.metrics = metrics;
    this.history = history;
  }

  /** START, as the invocation begins in environment `environmentId`. */
  start(facts: InvocationFacts, environmentId: string): void {
    this.line(facts, environmentId, startLine(facts.requestId, facts.fn.version));
  }

  /** END, LEAK (when it left something running), REPORT, platform.report, metrics and history; returns the leaks. */
  finish(facts: InvocationFacts, report: InvokeReport): HandleLeak[] {
    const { requestId, fn, initDurationMs, restore } = facts;
    const env = report.environmentId;
    this.line(facts, env, endLine(requestId));
    const leaks = report.leaks();
    const maxMemoryMB = report.maxMemoryMB();
    if (leaks.length > 0) {
      this.line(facts, env, leakLine(requestId, leaks, !facts.fn.config.managedInstances));
      this.metrics.leaks(fn.config.name, leaks);
    }
    const memorySizeMB = fn.config.memorySize;
    this.line(facts, env, reportLine({ requestId, report, maxMemoryMB, memorySizeMB, initDurationMs, restore }));
    report.telemetry.report(requestId, report, {
      billedDurationMs: billedDurationMs(report.durationMs, initDurationMs), memorySizeMB, maxMemoryUsedMB: maxMemoryMB, initDurationMs,
      ...(restore ? { restoreDurationMs: restore.durationMs, billedRestoreDurationMs: restore.billedMs } : {}),
    });
    this.history?.add({
      requestId, function: fn.config.name, version: fn.version, environment: env, cold: facts.cold,
      status: report.status, errorType: report.errorType, startedAt: facts.startedAt, endedAt: Date.now(), durationMs: report.durationMs,
      initDurationMs, maxMemoryUsedMB: maxMemoryMB, leaks, log: facts.log,
    });
    return leaks;
  }

  /** A platform line into the invocation's log and the relay, prefixed like the environment's output. */
  private line(facts: InvocationFacts, environmentId: string, text: string): void {
    facts.log.push(text);
    this.output.line(facts.fn.config.name, environmentId, text);
  }
}
