// Response streaming, as AWS's Node runtime gives it: `awslambda.streamifyResponse(handler)` marks a handler
// that is called as handler(event, responseStream, context); the stream is a chunked POST .../response in
// streaming mode (its own connection), ended by error trailers on failure; `awslambda.HttpResponseStream.from`
// puts the HTTP integration prelude (JSON, then 8 NUL bytes) before the first byte.

const { request } = process.getBuiltinModule('node:http');
const { Writable } = process.getBuiltinModule('node:stream');

export const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

/** Thrown for a misuse of the stream (content type set after the first write). */
export class InvalidStreamingOperation extends Error {
  name = 'Runtime.InvalidStreamingOperation';
}

/** Is this handler streamified? */
export function isStreaming(handler) {
  return handler[STREAMING] === STREAM_RESPONSE;
}

/**
 * The response stream of one invocation. `done` resolves with the Runtime API's status once the POST is
 * answered (202; 413 past the size limit); a broken connection resolves it with 0, never rejects: the
 * emulator has then recorded the stream's end itself.
 */
export class ResponseStream extends Writable {
  #req;
  #started = false;
  /** The error to end with (formatted), once failed. */
  #failed;
  done;

  constructor(hostPort, requestId, highWaterMark) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    const i = hostPort.lastIndexOf(':');
    this.#req = request({
      host: hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1'),
      port: Number(hostPort.slice(i + 1)),
      method: 'POST',
      path: '/2018-06-01/runtime/invocation/' + encodeURIComponent(requestId) + '/response',
      agent: false,
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        Trailer: `${ERROR_TYPE}, ${ERROR_BODY}`,
        'Content-Type': 'application/octet-stream',
        'Transfer-Encoding': 'chunked',
      },
    });
    this.#req.setNoDelay(true);
    this.done = new Promise((resolve) => {
      this.#req.once('response', (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode));
        res.once('error', () => resolve(res.statusCode));
      });
      this.#req.once('error', () => resolve(0));
    });
  }

  /** Before the first write only (else Runtime.InvalidStreamingOperation). */
  setContentType(contentType) {
    if (this.#started) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.#req.setHeader('Content-Type', contentType);
  }

  /** Chunks that are not strings or bytes are sent as their JSON (as AWS's client does). */
  write(chunk, encoding, callback) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
    return super.write(chunk, encoding, callback);
  }

  /** Set by HttpResponseStream.from: writes the prelude before the first byte. */
  _onBeforeFirstWrite;

  _write(chunk, encoding, callback) {
    if (this.#req.destroyed) return callback(); // the emulator ended it: bytes go nowhere
    if (!this.#started) {
      this.#started = true;
      this._onBeforeFirstWrite?.((bytes) => this.#req.write(bytes));
    }
    this.#req.write(chunk, encoding, () => callback());
  }

  _final(callback) {
    this.#started = true;
    const error = this.#failed;
    if (error) {
      this.#req.addTrailers({
        [ERROR_TYPE]: error.errorType,
        [ERROR_BODY]: Buffer.from(JSON.stringify(error)).toString('base64'),
      });
    }
    this.#req.end();
    callback();
  }

  /** A destroyed stream (the handler's own destroy(err)) ends the response as a failure. */
  _destroy(err, callback) {
    if (!this.#req.writableEnded && !this.#req.destroyed) {
      this.#failed ??= { errorType: err?.name ?? 'Error', errorMessage: err?.message ?? 'the response stream was destroyed', trace: [] };
      this._final(() => {});
    }
    callback(err);
  }

  /**
   * Ends the response with the error in its trailers (a failure mid-stream), after what was written; the
   * Runtime API's answer is `done`. A stream already ended keeps its end.
   */
  fail(formatted) {
    if (!this.writableEnded && !this.#failed) {
      this.#failed = formatted;
      this.end();
    }
    return this.done;
  }
}

/** `awslambda.HttpResponseStream`: status, headers and cookies as the prelude of an HTTP integration. */
export class HttpResponseStream {
  static from(stream, prelude) {
    stream.setContentType(HTTP_INTEGRATION);
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(8));
    };
    return stream;
  }
}

/** `awslambda.streamifyResponse(handler, {highWaterMark})`. */
export function streamifyResponse(handler, options) {
  handler[STREAMING] = STREAM_RESPONSE;
  if (typeof options?.highWaterMark === 'number') handler[HIGH_WATER_MARK] = parseInt(options.highWaterMark, 10);
  return handler;
}

export function highWaterMarkOf(handler) {
  return handler[HIGH_WATER_MARK];
}

/** The `awslambda` global a function's module sees when it loads. */
export const awslambda = { streamifyResponse, HttpResponseStream };
