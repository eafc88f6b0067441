// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set): as AWS's Node runtime does, the main thread
// starts worker threads (AWS_LAMBDA_NODEJS_WORKER_COUNT, else one per vCPU); each runs INIT (loads the
// handler) and then serves its share of the maximum concurrency asynchronously (managed-worker.mjs).
// INIT ends when every worker has loaded the handler; the first worker's init error is posted.

import { formatError } from './errors.mjs';

const { Worker } = process.getBuiltinModule('node:worker_threads');
const { availableParallelism } = process.getBuiltinModule('node:os');

/** How many of `max` concurrent requests each of `workers` threads serves (every thread at least one). */
export function shares(max, workers) {
  const w = Math.max(1, Math.min(workers, max));
  return Array.from({ length: w }, (_, i) => Math.floor(max / w) + (i < max % w ? 1 : 0));
}

/** Starts the workers; resolves once they all initialised (else posts the init error and exits 1). */
export async function startManaged(client) {
  const max = Math.max(1, parseInt(process.env.AWS_LAMBDA_MAX_CONCURRENCY, 10) || 1);
  const wanted = parseInt(process.env.AWS_LAMBDA_NODEJS_WORKER_COUNT ?? '', 10) || availableParallelism();
  const plan = shares(max, wanted);
  const workers = plan.map((share) => new Worker(new URL('./managed-worker.mjs', import.meta.url), { workerData: { share } }));
  const ready = workers.map((worker) => new Promise((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (err) => resolve({ initError: formatError(err) }));
  }));
  const results = await Promise.all(ready);
  const failed = results.find((r) => r && r.initError);
  if (failed) {
    await client.postInitError(failed.initError).catch((err) => process.stderr.write(`[runtime] could not post the init error: ${err.message}\n`));
    process.exit(1);
  }
  for (const worker of workers) {
    // A worker that dies (an uncaught exception, an unhandled rejection) takes the runtime down, as one
    // would in the classic model: the environment fails the invocations in flight.
    worker.on('error', () => process.exit(129));
    worker.on('exit', (code) => process.exit(code || 1));
    worker.postMessage('go');
  }
}
