// One worker thread of the managed-instances Node runtime (managed-runtime.mjs), as AWS's client runs
// one: its own INIT (the handler module loaded in this thread, so module state is per thread; an init
// error is posted by the thread that hit it), then a loop that takes each event from GET /next and starts
// it at once without waiting for the ones in flight. Concurrent requests on a thread share the module's
// globals; AsyncLocalStorage gives each log line its request id. No _X_AMZN_TRACE_ID in this mode.

import { JSONStringifyError, formatError } from './errors.mjs';
import { logError, patchConsole, setRequestContext } from './log-patch.mjs';
import { RapidClient } from './rapid-client.mjs';
import { checkCallbackHandler, loadHandler } from './user-function.mjs';

const { AsyncLocalStorage } = process.getBuiltinModule('node:async_hooks');
const { workerData } = process.getBuiltinModule('node:worker_threads');

const env = process.env;
const api = env.AWS_LAMBDA_RUNTIME_API;
const store = new AsyncLocalStorage();
setRequestContext(() => store.getStore());
patchConsole();

/** The /next long poll has its own connection; answers go out on idle connections (one per request in flight). */
const poller = new RapidClient(api);
const idle = [];
const borrow = () => idle.pop() ?? new RapidClient(api);

let handler;
try {
  // Packages the function does not carry (@aws-sdk/*, dependencies built for it): resolution hooks are per thread.
  const settings = workerData?.settings ?? {};
  if (settings.sdkDirs?.length || settings.dependencyDirs?.length) (await import('./module-fallback.mjs')).installModuleFallback(settings);
  if (env.LAMBDA_TASK_ROOT === '/var/task') (await import('./source-names.mjs')).installSourceNames(env.LAMBDA_TASK_ROOT);
  handler = await loadHandler(env.LAMBDA_TASK_ROOT, env._HANDLER);
  checkCallbackHandler(handler);
} catch (err) {
  logError('Init Error', err);
  await poller.postInitError(formatError(err)).catch(() => {});
  throw err;
}

for (;;) {
  const { headers, body } = await poller.next();
  const requestId = headers['lambda-runtime-aws-request-id'];
  setImmediate(() => store.run({ requestId, tenantId: headers['lambda-runtime-aws-tenant-id'] }, () => invoke(requestId, headers, body)));
}

function parseJsonHeader(value) {
  return value ? JSON.parse(value) : undefined;
}

async function invoke(requestId, headers, body) {
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
    logError('Invoke Error', err);
    return post(requestId, (c) => c.postError(requestId, formatError(err)));
  }
  let json;
  try {
    json = JSON.stringify(result);
  } catch {
    const err = new JSONStringifyError();
    logError('Invoke Error', err);
    return post(requestId, (c) => c.postError(requestId, formatError(err)));
  }
  return post(requestId, (c) => c.postResponse(requestId, json === undefined ? 'null' : json));
}

/** A failed post is logged, not thrown (AWS's client in this mode): the other requests go on. */
async function post(requestId, send) {
  const client = borrow();
  try {
    await send(client);
    idle.push(client);
  } catch (err) {
    logError(`Failed to post invocation response for ${requestId}`, err);
  }
}
