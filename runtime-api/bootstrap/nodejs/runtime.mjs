// The invoke loop: GET /next → build the context → run the handler (promise or callback style,
// callbackWaitsForEmptyEventLoop via 'beforeExit') → POST the result or error → loop.

import { formatError, JSONStringifyError, NodeJsExit } from './errors.mjs';
import * as hooks from './invoke-hooks.mjs';
import { logError, setRequestId } from './log-patch.mjs';
import { highWaterMarkOf, isStreaming, ResponseStream } from './response-stream.mjs';

const NOOP = () => {};
const TRACK = hooks.enabled; // leak tracking (the emulator's settings)
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

/**
 * Runs invocations until the Runtime API fails (the promise rejects; it never resolves). The loop
 * is callbacks, not promises: a promise per step would cost a microtask chain per invoke and, with
 * leak tracking on, async_hooks' work for each (Node tracks every promise for it).
 */
export function runLoop(client, handler, isAsync) {
  const streaming = isStreaming(handler);
  return new Promise((_, fatal) => {
    // Each step runs from a socket's callback: what it throws (the runtime's own failure) ends the loop.
    const guarded = (step) => (arg, value) => {
      try {
        step(arg, value);
      } catch (err) {
        fatal(err);
      }
    };
    const loop = guarded(() => client.next(hooks.nextRequestHeaders(), onNext));
    const onNext = guarded((err, next) => {
      if (err !== undefined) return fatal(err);
      if (streaming) invokeStreaming(client, handler, next.headers, next.body).then(finished, fatal);
      else invokeOnce(client, handler, isAsync, next.headers, next.body, finished, fatal);
    });
    const finished = guarded((requestId) => {
      if (!TRACK) return loop();
      // What the invocation left pending, reported before the next GET /next (the emulator
      // freezes the environment after that). A failed report never breaks the loop.
      hooks.invocationFinished(requestId, (leaks) => {
        if (leaks === undefined) loop();
        else client.postLeaks(requestId, leaks, loop);
      });
    });
    loop();
  });
}

/** Posts for the runtime, outside the invocation's async context (not one of its resources). */
function untracked(post) {
  return TRACK ? hooks.untracked(post) : post();
}

function parseJsonHeader(value) {
  return value ? JSON.parse(value) : undefined;
}

/** The invocation's ids from the /next headers, set as the process's current ones. */
function startInvocation(headers) {
  const requestId = headers['lambda-runtime-aws-request-id'];
  const traceId = headers['lambda-runtime-trace-id'];
  if (traceId) env._X_AMZN_TRACE_ID = traceId;
  else delete env._X_AMZN_TRACE_ID;
  setRequestId(requestId, headers['lambda-runtime-aws-tenant-id']);
  if (TRACK) hooks.invocationStarted(requestId);
  return requestId;
}

/** The context's facts about the function and the invocation, as AWS's runtime gives them. */
function setEnvironmentData(context, headers, requestId) {
  const deadline = parseInt(headers['lambda-runtime-deadline-ms'], 10);
  context.functionVersion = FUNCTION_VERSION;
  context.functionName = FUNCTION_NAME;
  context.memoryLimitInMB = MEMORY_SIZE;
  context.logGroupName = LOG_GROUP;
  context.logStreamName = LOG_STREAM;
  context.clientContext = undefined;
  context.identity = undefined;
  context.invokedFunctionArn = headers['lambda-runtime-invoked-function-arn'];
  context.awsRequestId = requestId;
  context.tenantId = headers['lambda-runtime-aws-tenant-id'];
  context.getRemainingTimeInMillis = () => deadline - Date.now();
}

/** The client context and Cognito identity (JSON headers): a bad one fails the invocation. */
function clientData(context, headers) {
  context.clientContext = parseJsonHeader(headers['lambda-runtime-client-context']);
  context.identity = parseJsonHeader(headers['lambda-runtime-cognito-identity']);
}

/**
 * Runs one invocation; calls settled(requestId) once its outcome has been posted, or fatal(err)
 * when the Runtime API failed.
 */
function invokeOnce(client, handler, isAsync, headers, body, settled, fatal) {
  const requestId = startInvocation(headers);

  let reported = false; // an outcome was posted (or claimed by the process error handlers)
  let finished = false; // the first callback/succeed/fail/done/settle call was taken
  let waits = true; // context.callbackWaitsForEmptyEventLoop

  const posted = (err) => (err === undefined ? settled(requestId) : fatal(err));
  const postError = (err) => {
    if (reported) return;
    reported = true;
    failCurrent = undefined;
    logError('Invoke Error', err);
    if (TRACK) hooks.invocationAnswered(requestId);
    untracked(() => client.postError(requestId, formatError(err), posted));
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
    untracked(() => client.postResponse(requestId, json === undefined ? 'null' : json, posted));
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
  };
  setEnvironmentData(context, headers, requestId);

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
    clientData(context, headers);
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
}

/**
 * Runs one invocation of a streamified handler, called as handler(event, responseStream, context); resolves
 * once the stream's POST is answered (and, with callbackWaitsForEmptyEventLoop, the event loop drained).
 */
async function invokeStreaming(client, handler, headers, body) {
  const requestId = startInvocation(headers);
  // The stream's connection is the runtime's, not one of the invocation's resources.
  const stream = untracked(() => new ResponseStream(client.hostPort, requestId, highWaterMarkOf(handler)));
  let waits = true;
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waits;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waits = value;
    },
  };
  setEnvironmentData(context, headers, requestId);
  const fail = (err) => {
    logError('Invoke Error', err);
    return stream.fail(formatError(err));
  };
  // uncaughtException / unhandledRejection: the stream ends with the error, then the process exits.
  failCurrent = (err) => {
    failCurrent = undefined;
    return stream.fail(formatError(err));
  };
  beforeExitListener = NOOP;
  try {
    clientData(context, headers);
    const event = JSON.parse(body);
    const result = TRACK ? hooks.runHandler(handler, event, stream, context) : handler(event, stream, context);
    if (typeof result?.then !== 'function') {
      await fail('Streaming does not support non-async handlers.');
    } else {
      if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
      if (!stream.writableEnded) await fail('Response stream is not finished.');
    }
  } catch (err) {
    await fail(err);
  }
  failCurrent = undefined;
  if (TRACK) hooks.invocationAnswered(requestId);
  await stream.done;
  if (waits) await new Promise((resolve) => (beforeExitListener = () => {
    beforeExitListener = NOOP;
    setImmediate(resolve);
  }));
  return requestId;
}
