// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set), as AWS's Node runtime client (4.x) does it:
// the main thread starts AWS_LAMBDA_NODEJS_WORKER_COUNT worker threads, else 8 per CPU (the cgroup's
// cpu.max quota, all cores when unlimited, 1 when unreadable); each runs its own INIT and then serves
// requests asynchronously (managed-worker.mjs). The Runtime API, not the runtime, bounds the concurrency.
// A worker that dies is logged and the others go on; the process ends when every worker has ended.

import { intoError } from './errors.mjs';
import { logError } from './log-patch.mjs';

const { Worker } = process.getBuiltinModule('node:worker_threads');
const { cpus } = process.getBuiltinModule('node:os');
const { readFileSync } = process.getBuiltinModule('node:fs');

/** CPUs as AWS's client counts them: the cgroup v2 quota, all cores when unlimited, 1 when unknown. */
export function availableCpus(cpuMax = () => readFileSync('/sys/fs/cgroup/cpu.max', 'utf8')) {
  try {
    const [max, period] = cpuMax().trim().split(/\s+/);
    if (max === 'max') return Math.max(1, cpus().length);
    const quota = parseInt(max, 10);
    const p = parseInt(period, 10);
    if (quota > 0 && p > 0) return Math.ceil(quota / p);
  } catch {
    // not readable: AWS's client takes one CPU
  }
  return 1;
}

export function workerCount(env = process.env, cpuCount = availableCpus) {
  const n = parseInt(env.AWS_LAMBDA_NODEJS_WORKER_COUNT ?? '', 10);
  return n > 0 ? n : 8 * cpuCount();
}

/** `settings`: the emulator's (runtime-settings.mjs, read from fd 6 by index.mjs), handed to each worker. */
export function startManaged(settings = {}) {
  const count = workerCount();
  const exits = [];
  for (let i = 0; i < count; i++) {
    // fd 6 was read once, by this thread: each worker gets the settings as data.
    const worker = new Worker(new URL('./managed-worker.mjs', import.meta.url), { env: process.env, workerData: { settings } });
    exits.push(new Promise((resolve) => {
      worker.on('error', (err) => {
        logError(`Worker ${i} error:`, intoError(err));
        resolve();
      });
      worker.on('exit', (code) => {
        if (code !== 0) logError(`Worker ${i} exit:`, new Error(`Worker ${i} exited with code ${code}`));
        resolve();
      });
    }));
  }
  return Promise.all(exits).then(() => process.exit(1));
}
