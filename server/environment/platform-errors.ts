// Error payloads and log messages the platform itself produces (not the function): timeouts,
// runtime exits, launch failures. Shapes and wording follow real Lambda (reference §1.2, §5.4).
import type { ExitInfo } from './worker-process.ts';

export function platformPayload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

/** `Task timed out after 3.00 seconds`, as Lambda words it. */
export function timeoutPayload(requestId: string, timeoutMs: number): Buffer {
  return platformPayload('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
}

export function initTimeoutPayload(requestId: string | undefined, limitMs: number): Buffer {
  const prefix = requestId ? `RequestId: ${requestId} ` : '';
  return platformPayload('Sandbox.Timedout', `${prefix}Error: Task timed out after ${(limitMs / 1000).toFixed(2)} seconds`);
}

/** `RequestId: <rid> Error: Runtime exited with error: exit status 1` / `signal: killed`. */
export function exitMessage(requestId: string | undefined, info: ExitInfo): string {
  const prefix = requestId ? `RequestId: ${requestId} ` : '';
  if (info.signal) return `${prefix}Error: Runtime exited with error: signal: ${signalName(info.signal)}`;
  if (info.code && info.code !== 0) return `${prefix}Error: Runtime exited with error: exit status ${info.code}`;
  return `${prefix}Error: Runtime exited without providing a reason`;
}

/** Go's names for signals, as Lambda prints them. */
function signalName(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed', SIGTERM: 'terminated', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted',
    SIGINT: 'interrupt', SIGHUP: 'hangup', SIGBUS: 'bus error', SIGILL: 'illegal instruction',
  };
  return names[signal] ?? signal;
}
