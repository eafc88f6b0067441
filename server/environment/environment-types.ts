// The data that crosses the execution environment's boundary: what it needs from the emulator
// (EnvironmentContext), one invocation's input (Invocation) and the results it hands back (the
// caller's answer, InvokeOutcome, and the finished invocation's InvokeReport).
import type { Logger } from 'pino';
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { InitializationType } from './env-vars.ts';
import type { LogBuffer, OutputSink } from './function-log.ts';
import type { IsolationLevel } from './isolation.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { DevContext } from '../build/prepare-launch.ts';
import type { Clock } from '../../lib/clock.ts';
import type { ResponseBody } from '../model.ts';
import type { BlankSource } from './blank-sandbox.ts';

export interface EnvironmentContext {
  accountId: string;
  isolation: IsolationLevel;
  /** argv prefix tying a worker's life to the emulator's (see IsolationInfo.parentDeathGuard). */
  parentDeathGuard: string[];
  /** Process isolation: kills what the environments left running if the emulator dies. */
  watchdog?: ProcessWatchdog;
  region: string;
  output: OutputSink;
  logger: Logger;
  /** Leak reports (--leaks warn|error): an invocation's report names what it left running. */
  reportLeaks: boolean;
  /** Variables passed on explicitly by the user. */
  extraEnv?: Record<string, string>;
  /** The dev loop: TypeScript bundle cache, the debugged function. */
  dev?: DevContext;
  /** State changes and freezes are published here while someone listens (the web view). */
  events?: EventBus;
  /** What streamed responses are paced on (Lambda's bandwidth rule); the wall clock when absent. */
  clock?: Clock;
  /** Blank sandboxes a cold start may take instead of spawning (--sandbox-pool). */
  blanks?: BlankSource;
}

export interface Invocation {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  timeoutMs: number;
  traceId?: string;
  clientContext?: string;
  log: LogBuffer;
}

/** An invocation handed over: its answer and its report. */
export interface InvocationHandle {
  /** Settles when the caller can be answered. */
  response: Promise<InvokeOutcome>;
  /** Settles when the invocation is over: the runtime is back at /next, or the environment failed. */
  report: Promise<InvokeReport>;
}

export type InvokeStatus = 'success' | 'error' | 'timeout' | 'failure';

export interface InvokeOutcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  errorType?: string;
  /** The runtime streams its response (payload is then empty): the body as it comes, and how it ended. */
  stream?: ResponseBody;
}

/**
 * One finished invocation as its environment saw it, known once the runtime (and every INVOKE extension)
 * is back at /next, or the environment failed. What it left running and the peak memory come from one
 * walk of the environment's processes, taken once: when first asked (the recorder asks a loop turn
 * later, off the next invoke's critical path, with the environment frozen) and at the latest just before
 * the environment's next invocation is handed over, so that one never counts in this one.
 */
export interface InvokeReport {
  readonly requestId: string;
  readonly environmentId: string;
  readonly durationMs: number;
  readonly status: InvokeStatus;
  readonly errorType?: string;
  /**
   * Work it left pending: what our runtime client reported, and the processes it started and left
   * running ([] with --leaks off, and when its environment failed and is being killed).
   */
  leaks(): HandleLeak[];
  /** The environment's peak memory so far, MB (it only grows, so a later read never under-reports). */
  maxMemoryMB(): number;
  /** The environment's Telemetry API stream, where the invocation's platform.report goes. */
  readonly telemetry: ReportTelemetry;
}

export type ReportSummary = Pick<InvokeReport, 'durationMs' | 'status' | 'errorType'>;

/** The figures of a REPORT line besides the report's own. */
export interface ReportMetrics {
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  billedRestoreDurationMs?: number;
}

export interface ReportTelemetry {
  /** platform.report, with the same figures as the REPORT line. */
  report(requestId: string, report: ReportSummary, metrics: ReportMetrics): void;
}

export type InitOutcome = { ok: true; durationMs: number } | InitFailure;

export interface InitFailure {
  ok: false;
  durationMs: number;
  status: 'error' | 'timeout';
  errorType: string;
  payload: Buffer;
}

export interface InitOptions {
  type: InitializationType;
  phase: 'init' | 'invoke';
  limitMs: number;
  /** Where INIT output goes besides the relay (a suppressed init's invocation log). */
  log?: LogBuffer;
  requestId?: string;
}
