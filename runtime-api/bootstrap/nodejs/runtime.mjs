// The invoke loop: GET /next → build the context → run the handler (promise or callback style,
// callbackWaitsForEmptyEventLoop via 'beforeExit') → POST the result or error → loop.

import { formatError, JSONStringifyError, NodeJsExit } from './errors.mjs';
import * as hooks from './invoke-hooks.mjs';
import { logError, setRequestId } from './log-patch.mjs';

const NOOP = () => {};
const TRACK = hooks.enabled; // leak tracking (_EPHEMERA_LEAKS=1)
const env = process.env;
const FUNCTION_NAME = env.AWS_LAMBDA_FUNCTION_NAME;
const FUNCTION_VERSION = env.AWS_LAMBDA_FUNCTION_VERSION;
const MEMORY_SIZE = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
const LOG_GROUP = env.AWS_LAMBDA_LOG_GROUP_NAME;
const LOG_STREAM = env.AWS_LAMBDA_LOG_STREAM_NAME;

/** What process.on('beforeExit') runs: set per invocation, a no-op when nothing waits on it. */
let beforeExitListener = NOOP;
export function onBeforeExit() {
  beforeExitListener();
}

/**
 * The open invocation, for the process-level error handlers. `fail(err)` reports err for it
 * (once) and resolves when posted; undefined when no invocation is waiting for an outcome.
 */
let failCurrent;
export function failCurrentInvocation(err) {
  const fail = failCurrent;
  failCurrent = undefined;
  return fail ? fail(err) : undefined;
}

export async function runLoop(client, handler, isAsync) {
  for (;;) {
    const { headers, body } = await client.next(hooks.nextRequestHeaders());
    const requestId = await invokeOnce(client, handler, isAsync, headers, body);
    if (TRACK) {
      // What the invocation left pending, reported before the next GET /next (the emulator
      // freezes the environment after that). A failed report never breaks the loop.
      const leaks = await hooks.invocationFinished(requestId);
      if (leaks !== undefined) await client.postLeaks(requestId, leaks).catch(NOOP);
    }
  }
}

/** Posts for the runtime, outside the invocation's async context (not one of its resources). */
function untracked(post) {
  return TRACK ? hooks.untracked(post) : post();
}

function parseJsonHeader(value) {
  return value ? JSON.parse(value) : undefined;
}

/** Runs one invocation; resolves once its outcome has been posted. */
function invokeOnce(client, handler, isAsync, headers, body) {
  const requestId = headers['lambda-runtime-aws-request-id'];
  const deadline = parseInt(headers['lambda-runtime-deadline-ms'], 10);
  const traceId = headers['lambda-runtime-trace-id'];
  const tenantId = headers['lambda-runtime-aws-tenant-id'];
  if (traceId) env._X_AMZN_TRACE_ID = traceId;
  else delete env._X_AMZN_TRACE_ID;
  setRequestId(requestId, tenantId);
  if (TRACK) hooks.invocationStarted(requestId);

  return new Promise((resolveInvoke, rejectInvoke) => {
    let reported = false; // an outcome was posted (or claimed by the process error handlers)
    let finished = false; // the first callback/succeed/fail/done/settle call was taken
    let waits = true; // context.callbackWaitsForEmptyEventLoop

    const settled = () => resolveInvoke(requestId);
    const postError = (err) => {
      if (reported) return undefined;
      reported = true;
      failCurrent = undefined;
      logError('Invoke Error', err);
      if (TRACK) hooks.invocationAnswered(requestId);
      return untracked(() => client.postError(requestId, formatError(err))).then(settled, rejectInvoke);
    };
    const postResult = (result) => {
      if (reported) {
        console.error(
          'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
        );
        return;
      }
      let json;
      try {
        json = JSON.stringify(result);
      } catch {
        postError(new JSONStringifyError());
        return;
      }
      reported = true;
      failCurrent = undefined;
      if (TRACK) hooks.invocationAnswered(requestId);
      untracked(() => client.postResponse(requestId, json === undefined ? 'null' : json)).then(settled, rejectInvoke);
    };
    // For uncaughtException / unhandledRejection: post err for this invocation, then the caller
    // exits; the invocation is never settled, so the loop does not go on to GET /next.
    failCurrent = (err) => {
      if (reported) return undefined;
      reported = true;
      beforeExitListener = NOOP;
      return untracked(() => client.postError(requestId, formatError(err)));
    };

    const once = (fn) =>
      function (...args) {
        if (finished) return;
        finished = true;
        fn(...args);
      };
    const done = (err, result) => {
      beforeExitListener = NOOP;
      if (err !== undefined && err !== null) postError(err);
      else postResult(result);
    };
    const callback = once((err, result) => {
      beforeExitListener = NOOP;
      if (err !== undefined && err !== null) postError(err);
      else if (!waits) postResult(result);
      else {
        // Respond when the event loop has drained (AWS: the response waits for pending timers).
        beforeExitListener = () => {
          beforeExitListener = NOOP;
          setImmediate(() => postResult(result));
        };
      }
    });
    const succeed = once((result) => done(null, result));
    const fail = once((err) => done(err === undefined || err === null ? 'handled' : err, null));
    const reject = once((err) => {
      beforeExitListener = NOOP;
      postError(err);
    });

    const context = {
      get callbackWaitsForEmptyEventLoop() {
        return waits;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waits = value;
      },
      succeed,
      fail,
      done: once(done),
      functionVersion: FUNCTION_VERSION,
      functionName: FUNCTION_NAME,
      memoryLimitInMB: MEMORY_SIZE,
      logGroupName: LOG_GROUP,
      logStreamName: LOG_STREAM,
      clientContext: undefined,
      identity: undefined,
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: requestId,
      tenantId,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };

    // Nothing called back and the loop drained: a promise that never settled is an error, a
    // sync handler that returned without calling back answers null.
    let returnedPromise = false;
    beforeExitListener = () => {
      beforeExitListener = NOOP;
      finished = true;
      if (isAsync || returnedPromise) postError(new NodeJsExit());
      else postResult(null);
    };

    try {
      context.clientContext = parseJsonHeader(headers['lambda-runtime-client-context']);
      context.identity = parseJsonHeader(headers['lambda-runtime-cognito-identity']);
      const event = JSON.parse(body);
      const result = TRACK ? hooks.runHandler(handler, event, context, callback) : handler(event, context, callback);
      if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
        if (typeof result.then === 'function') {
          returnedPromise = true;
          result.then(succeed, reject);
        }
      }
    } catch (err) {
      reject(err);
    }
  });
}
