// Console patching as AWS's Node runtime does it: one synchronous stdout write per line, text
// (`time\trequestId\tLEVEL\tmessage`, "\n" → "\r") or JSON (AWS_LAMBDA_LOG_FORMAT=JSON) lines.

import { intoError, toFormatted } from './errors.mjs';

// Builtins via process.getBuiltinModule (see rapid-client.mjs): cheaper at start-up than `import`.
const { writeSync } = process.getBuiltinModule('node:fs');
const { format } = process.getBuiltinModule('node:util');

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const NL = /\n/g;
const NOP = () => {};

let requestId; // printed as 'undefined' until the first invocation, then the latest one's id
let tenantId;
let json = false;
let minLevel = 1;

export function setRequestId(id, tenant) {
  requestId = id;
  tenantId = tenant;
}

/**
 * Lambda Managed Instances: several invocations run at once on a thread, so the request id of a line is
 * the one of the invocation whose async context writes it: `fn()` returns {requestId, tenantId} or undefined.
 */
let requestContext = null;
export function setRequestContext(fn) {
  requestContext = fn;
}

function currentIds() {
  const ctx = requestContext === null ? undefined : requestContext();
  return ctx ?? { requestId, tenantId };
}

/**
 * Leak attribution (invoke-hooks.mjs, only while tracking): returns the request id a line
 * written now is "leaked from" (the invocation whose async context wrote it, when that is not the
 * running invocation or it has already answered), else undefined. Null when tracking is off.
 */
let leakOrigin = null;
export function setLeakOrigin(fn) {
  leakOrigin = fn;
}

/** Writes a whole line to fd 1, synchronously (keeps order with the runtime's own writes). */
export function writeLine(line) {
  const buf = Buffer.from(line + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (err) {
      if (err.code === 'EAGAIN') {
        // A non-blocking stdout pipe is full: wait a little for the reader.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      return; // EPIPE / EBADF: nobody is reading; drop the line rather than crash the function
    }
  }
}

function textLog(level, args) {
  const from = leakOrigin === null ? undefined : leakOrigin();
  const message = from === undefined ? format(...args) : `[leaked from ${from}] ${format(...args)}`;
  const line = `${new Date().toISOString()}\t${currentIds().requestId}\t${level}\t${message}`;
  writeLine(line.replace(NL, '\r'));
}

function jsonErrorReplacer(_key, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function jsonLog(level, args) {
  const ids = currentIds();
  const result = { timestamp: new Date().toISOString(), level, requestId: ids.requestId };
  if (ids.tenantId) result.tenantId = ids.tenantId;
  if (leakOrigin !== null) {
    const from = leakOrigin();
    if (from !== undefined) result.leakedFrom = from;
  }
  let line;
  if (args.length === 1) {
    result.message = args[0];
    try {
      line = JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result.message = format(result.message);
      line = JSON.stringify(result);
    }
  } else {
    result.message = format(...args);
    for (const param of args) {
      if (param instanceof Error) {
        result.errorType = param?.constructor?.name ?? 'UnknownError';
        result.errorMessage = param.message;
        result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
        break;
      }
    }
    line = JSON.stringify(result);
  }
  writeLine(line.replace(NL, '\r'));
}

let emit = textLog;

/** Replaces console.{trace,debug,info,log,warn,error,fatal}. Call once, before user code loads. */
export function patchConsole() {
  json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  emit = json ? jsonLog : textLog;
  // Level filtering applies to the JSON format only (Lambda sets the level only with JSON logs).
  minLevel = json ? (LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? 1) : 1;
  const make = (level) => (LEVELS[level] >= minLevel ? (...args) => emit(level, args) : NOP);
  console.trace = make('TRACE');
  console.debug = make('DEBUG');
  console.info = make('INFO');
  console.log = console.info;
  console.warn = make('WARN');
  console.error = make('ERROR');
  console.fatal = make('FATAL');
}

/** A runtime message at a level, as console would print it (used for the runtime's own lines). */
export function log(level, ...args) {
  emit(level, args);
}

/** `Invoke Error`, `Init Error`, `Uncaught Exception` ... lines, in AWS's shape for each format. */
export function logError(message, err) {
  if (LEVELS.ERROR < minLevel) return;
  if (json) emit('ERROR', [intoError(err)]);
  else emit('ERROR', [message, toFormatted(intoError(err))]);
}
