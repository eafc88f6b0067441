// Runtime.* error classes and the two renderings AWS's Node client uses for errors: the Runtime API
// payload {errorType, errorMessage, trace} and the log form ("\t" + JSON with own props, stack[]).

/** An Error subclass whose `name` lives on the prototype (so it is not an own, logged property). */
function errorClass(name) {
  const C = class extends Error {};
  Object.defineProperty(C.prototype, 'name', { value: name, writable: true, configurable: true });
  return C;
}

export const MalformedHandlerName = errorClass('Runtime.MalformedHandlerName');
export const HandlerNotFound = errorClass('Runtime.HandlerNotFound');
export const CallbackHandlerDeprecated = errorClass('Runtime.CallbackHandlerDeprecated');
export const PlatformError = errorClass('Runtime.PlatformError');

/** Wraps a module-not-found error: message is `String(original)` ("Error: Cannot find module ..."). */
export class ImportModuleError extends errorClass('Runtime.ImportModuleError') {
  constructor(original) {
    super(String(original));
  }
}

/** Wraps a SyntaxError: message `SyntaxError: <detail>`, the original stack. */
export class UserCodeSyntaxError extends errorClass('Runtime.UserCodeSyntaxError') {
  constructor(original) {
    super(String(original));
    this.stack = original.stack;
  }
}

export class JSONStringifyError extends errorClass('Runtime.JSONStringifyError') {
  constructor() {
    super('Unable to stringify response body');
  }
}

export class NodeJsExit extends errorClass('Runtime.NodeJsExit') {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
        'caused by a Promise that was never settled. For more information, see ' +
        'https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}

export class UnhandledPromiseRejection extends errorClass('Runtime.UnhandledPromiseRejection') {
  constructor(reason, promise) {
    let message;
    try {
      message = reason === undefined ? '' : String(reason);
    } catch {
      message = 'unhandled promise rejection';
    }
    super(message);
    this.reason = reason;
    this.promise = promise;
  }
}

/** The body posted to /invocation/{id}/error and /init/error. */
export function formatError(error) {
  try {
    if (error instanceof Error) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

export function intoError(err) {
  return err instanceof Error ? err : new Error(String(err));
}

/** The log form: "\t" + JSON of errorType, errorMessage, code, own enumerable props, stack[]. */
export function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(formatError(error));
  }
}

function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const ret = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value,
  );
  if (typeof value.stack === 'string') ret.stack = value.stack.split('\n');
  return ret;
}
