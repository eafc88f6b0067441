// ephemera's Node.js runtime client (dependency-free), behaving like AWS's
// aws-lambda-nodejs-runtime-interface-client. Started as `node index.mjs`, cwd = LAMBDA_TASK_ROOT.

import { settings } from './runtime-settings.mjs'; // first: the emulator's settings (fd 6)
import { formatError, PlatformError, UnhandledPromiseRejection } from './errors.mjs';
import { logError, patchConsole } from './log-patch.mjs';
import { RapidClient } from './rapid-client.mjs';
import { awslambda } from './response-stream.mjs';
import { failCurrentInvocation, onBeforeExit, runLoop } from './runtime.mjs';
import { checkCallbackHandler, isAsyncFunction, loadHandler } from './user-function.mjs';

const { AWS_LAMBDA_RUNTIME_API: runtimeApi, _HANDLER: handlerString, LAMBDA_TASK_ROOT: taskRoot } =
  process.env;

patchConsole();
globalThis.awslambda = awslambda; // streamifyResponse, HttpResponseStream: for the handler's module

/** A fatal runtime problem (bad start-up contract, lost Runtime API): stderr, exit non-zero. */
function die(err) {
  process.stderr.write(`[runtime] ${err?.name ?? 'Error'}: ${err?.message ?? err}\n`);
  process.exit(1);
}

if (!runtimeApi) die(new PlatformError('AWS_LAMBDA_RUNTIME_API environment variable is not set'));
if (!handlerString) die(new PlatformError('_HANDLER environment variable is not set'));
if (!taskRoot) die(new PlatformError('LAMBDA_TASK_ROOT environment variable is not set'));

let client;
try {
  client = new RapidClient(runtimeApi);
} catch (err) {
  die(err);
}

let initDone = false;

/** Reports err (init error during INIT, else for the open invocation), then exits with code. */
function failAndExit(err, code) {
  const exit = () => process.exit(code);
  const posting = initDone
    ? failCurrentInvocation(err)
    : client.postInitError(formatError(err));
  if (posting) posting.then(exit, exit);
  else exit();
}

process.on('uncaughtException', (err) => {
  logError('Uncaught Exception', err);
  failAndExit(err, 129);
});

process.on('unhandledRejection', (reason, promise) => {
  const err = new UnhandledPromiseRejection(reason, promise);
  logError('Unhandled Promise Rejection', err);
  failAndExit(err, 128);
});

process.on('beforeExit', () => {
  if (initDone) {
    onBeforeExit();
  } else {
    // The user module's top-level await can never settle: exit as Node would (code 13).
    process.stderr.write('Warning: Detected unsettled top-level await in the handler module\n');
    process.exit(13);
  }
});

async function init() {
  try {
    // Packages the function does not carry (@aws-sdk/*, dependencies built for it); loaded only when there are places to look.
    if (settings.sdkDirs?.length || settings.dependencyDirs?.length) (await import('./module-fallback.mjs')).installModuleFallback(settings);
    // Only a namespace sandbox runs the code from /var/task (loaded only there: a cold start's module less).
    if (taskRoot === '/var/task') (await import('./source-names.mjs')).installSourceNames(taskRoot);
    const handler = await loadHandler(taskRoot, handlerString);
    checkCallbackHandler(handler);
    return handler;
  } catch (err) {
    logError('Init Error', err);
    try {
      await client.postInitError(formatError(err));
    } catch (postErr) {
      process.stderr.write(`[runtime] could not post the init error: ${postErr.message}\n`);
    }
    process.exit(1);
  }
}

if (process.env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined) {
  // Lambda Managed Instances: worker threads serve concurrent requests (managed-runtime.mjs).
  initDone = true;
  import('./managed-runtime.mjs').then((m) => m.startManaged(settings)).catch(die);
} else init()
  .then((handler) => {
    initDone = true;
    return runLoop(client, handler, isAsyncFunction(handler));
  })
  .catch(die);
