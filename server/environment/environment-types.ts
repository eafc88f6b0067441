// The data that crosses the execution environment's boundary: what it needs from the emulator
// (EnvironmentContext), one invocation's input (Invocation) and the results it hands back.
import type { Logger } from 'pino';
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { InitializationType } from './env-vars.ts';
import type { LogBuffer, OutputSink } from './function-log.ts';
import type { IsolationLevel } from './isolation.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { DevContext } from '../build/prepare-launch.ts';

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
  /** Variables passed on explicitly by the user. */
  extraEnv?: Record<string, string>;
  /** The dev loop: TypeScript bundle cache, the debugged function. */
  dev?: DevContext;
  /** State changes and freezes are published here while someone listens (the web view). */
  events?: EventBus;
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

export type InvokeStatus = 'success' | 'error' | 'timeout' | 'failure';

export interface InvokeOutcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  errorType?: string;
}

/** Known once the runtime is back at /next (or the environment died). */
export interface InvokeReport {
  durationMs: number;
  status: InvokeStatus;
  errorType?: string;
  /** Pending work our runtime client reported (timers, sockets, promises...). */
  handleLeaks?: HandleLeak[];
}

export type InitOutcome =
  | { ok: true; durationMs: number }
  | { ok: false; durationMs: number; status: 'error' | 'timeout'; errorType: string; payload: Buffer };

export interface InitOptions {
  type: InitializationType;
  phase: 'init' | 'invoke';
  limitMs: number;
  /** Where INIT output goes besides the relay (a suppressed init's invocation log). */
  log?: LogBuffer;
  requestId?: string;
}
