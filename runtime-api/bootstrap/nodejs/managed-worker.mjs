// One worker thread of the managed-instances Node runtime (managed-runtime.mjs): its own INIT (the handler
// module loaded in this thread: module state is per thread), then `share` loops, each with its own Runtime
// API connection, GET /next → handler → POST, so that up to `share` requests run at once on this thread.
// Concurrent requests share the module's globals; AsyncLocalStorage gives each log line its request id.

import { JSONStringifyError, formatError } from './errors.mjs';
import { logError, patchConsole, setRequestContext } from './log-patch.mjs';
import { RapidClient } from './rapid-client.mjs';
import { checkCallbackHandler, loadHandler } from './user-function.mjs';

const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { AsyncLocalStorage } = process.getBuiltinModule('node:async_hooks');

const env = process.env;
const store = new AsyncLocalStorage();
setRequestContext(() => store.getStore());
patchConsole();

let handler;
try {
  if (env.LAMBDA_TASK_ROOT === '/var/task') (await import('./source-names.mjs')).installSourceNames(env.LAMBDA_TASK_ROOT);
  handler = await loadHandler(env.LAMBDA_TASK_ROOT, env._HANDLER);
  checkCallbackHandler(handler);
} catch (err) {
  logError('Init Error', err);
  parentPort.postMessage({ initError: formatError(err) });
  // Keep the thread until the main thread has posted the error and exits.
  await new Promise(() => {});
}
parentPort.once('message', () => {
  for (let i = 0; i < workerData.share; i++) void serve(new RapidClient(env.AWS_LAMBDA_RUNTIME_API));
});
parentPort.postMessage({ ready: true });

async function serve(client) {
  for (;;) {
    const { headers, body } = await client.next();
    const requestId = headers['lambda-runtime-aws-request-id'];
    const tenantId = headers['lambda-runtime-aws-tenant-id'];
    await store.run({ requestId, tenantId }, () => invoke(client, requestId, headers, body));
  }
}

function parseJsonHeader(value) {
  return value ? JSON.parse(value) : undefined;
}

async function invoke(client, requestId, headers, body) {
  const deadline = parseInt(headers['lambda-runtime-deadline-ms'], 10);
  let result;
  try {
    const context = {
      functionName: env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME, invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: requestId, tenantId: headers['lambda-runtime-aws-tenant-id'], xRayTraceId: headers['lambda-runtime-trace-id'],
      clientContext: parseJsonHeader(headers['lambda-runtime-client-context']),
      identity: parseJsonHeader(headers['lambda-runtime-cognito-identity']),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    result = await handler(JSON.parse(body), context);
  } catch (err) {
    return postError(client, requestId, err);
  }
  let json;
  try {
    json = JSON.stringify(result);
  } catch {
    return postError(client, requestId, new JSONStringifyError());
  }
  return client.postResponse(requestId, json === undefined ? 'null' : json);
}

function postError(client, requestId, err) {
  logError('Invoke Error', err);
  return client.postError(requestId, formatError(err));
}
