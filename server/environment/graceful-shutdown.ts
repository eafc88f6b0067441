// Lambda's shutdown of an environment with external extensions (2 s budget): SIGTERM to the runtime
// and up to 300 ms for it to go, buffered telemetry delivered, then SHUTDOWN to the subscribed
// extensions until they are back at next, gone, or out of time; the caller SIGKILLs the group after.
import type { RuntimeApiServer } from '../../runtime-api/server.ts';
import type { Worker } from './worker-process.ts';

const BUDGET_MS = 2000;
const RUNTIME_GRACE_MS = 300;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `reason` words the cause; it maps to Lambda's shutdownReason (spindown, timeout, failure). */
export async function shutdownExtensions(worker: Worker, api: RuntimeApiServer, reason: string): Promise<void> {
  if (!worker.alive || !api.shutdownSubscribed) return;
  const deadline = Date.now() + BUDGET_MS;
  worker.thaw();
  const runtime = worker.runtimePid();
  if (runtime) {
    try {
      process.kill(runtime, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([worker.exited, sleep(RUNTIME_GRACE_MS)]);
  }
  await api.telemetry.drain(Math.min(deadline, Date.now() + 500));
  api.postShutdown(shutdownReason(reason), deadline);
  // Done when every subscriber is back at next, or its processes are gone, or at the deadline.
  while (Date.now() < deadline && !api.shutdownAcknowledged && worker.anyProcess()) await sleep(10);
}

export function shutdownReason(reason: string): 'spindown' | 'timeout' | 'failure' {
  if (/timed out|timeout|Timedout/i.test(reason)) return 'timeout';
  return /Error|fail|exit|OutOfMemory/i.test(reason) ? 'failure' : 'spindown';
}
