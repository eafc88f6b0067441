// Loads the user's handler from `_HANDLER` (`dir/module.export.path`) under LAMBDA_TASK_ROOT, as
// AWS's Node runtime does: .js/.mjs/.cjs via import(), Runtime.* init errors, callback-handler rules.

import {
  CallbackHandlerDeprecated,
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  UserCodeSyntaxError,
} from './errors.mjs';
import { log } from './log-patch.mjs';

const { statSync } = process.getBuiltinModule('node:fs');
const { basename, join, resolve } = process.getBuiltinModule('node:path');
const { pathToFileURL } = process.getBuiltinModule('node:url');

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const EXTENSIONS = ['', '.js', '.mjs', '.cjs'];
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

const CALLBACK_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';
const CALLBACK_WARNING =
  'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. ' +
  'You will need to update this function to use an async handler to use Node.js 24 or later. ' +
  'For more information and to provide feedback on this change, see ' +
  'https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. ' +
  'To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';

/** Resolves the handler function; throws the Runtime.* error AWS would post to /init/error. */
export async function loadHandler(appRoot, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(FUNCTION_EXPR);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;

  const mod = await loadModule(appRoot, moduleRoot, moduleName);
  let handler = findIn(handlerPath, mod);
  if (!handler && mod && typeof mod === 'object' && 'default' in mod) {
    handler = findIn(handlerPath, mod.default); // CJS: module.exports arrives as `default`
  }
  if (!handler) throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  return handler;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = resolve(appRoot, moduleRoot, moduleName);
  try {
    for (const ext of EXTENSIONS) {
      const file = base + ext;
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) return await import(pathToFileURL(file).href);
    }
    // Node-style lookup (a package under node_modules, a directory with index.js); also gives
    // the "Cannot find module 'x'\nRequire stack:..." message AWS reports for a missing file.
    const { createRequire } = process.getBuiltinModule('node:module');
    const require = createRequire(new URL('./index.mjs', import.meta.url));
    const resolved = require.resolve(moduleName, { paths: [appRoot, join(appRoot, moduleRoot)] });
    return await import(pathToFileURL(resolved).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    if (err?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(err);
    throw err; // a top-level throw, or ESM's ERR_MODULE_NOT_FOUND: reported as the error itself
  }
}

function findIn(handlerPath, mod) {
  return handlerPath
    .split('.')
    .reduce((nested, key) => (nested && typeof nested === 'object') || typeof nested === 'function'
      ? nested[key]
      : undefined, mod);
}

/** Node major of the Lambda runtime: from AWS_EXECUTION_ENV (AWS_Lambda_nodejs22.x), else this Node. */
function runtimeMajor() {
  const m = /nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  return m ? Number(m[1]) : Number(process.versions.node.split('.')[0]);
}

export function isAsyncFunction(fn) {
  return fn?.constructor?.name === 'AsyncFunction';
}

/**
 * Callback-style handlers (>= 3 declared params, not streaming): an init error on nodejs24+,
 * a deprecation warning (logged at init) before that.
 */
export function checkCallbackHandler(handler) {
  if (handler.length < 3 || handler[STREAMING]) return;
  if (runtimeMajor() >= 24) throw new CallbackHandlerDeprecated(CALLBACK_REMOVED);
  if (
    handler.length === 3 &&
    !isAsyncFunction(handler) &&
    process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined
  ) {
    log('WARN', CALLBACK_WARNING);
  }
}
