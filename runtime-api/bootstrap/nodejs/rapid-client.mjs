// The Runtime API client: GET /next, POST response/error/init-error over node:http with ONE
// keep-alive agent (maxSockets 1). Idle sockets are unref'd by the agent, so they never hold the loop.

// process.getBuiltinModule, not `import`: the ESM namespace of node:http evaluates its lazy
// WebSocket/undici getters, which costs ~15 ms of start-up.
const { Agent, request } = process.getBuiltinModule('node:http');

const BASE = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
// A header value Node accepts: no control characters other than tab, Latin-1 only.
const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A failure talking to the Runtime API: the runtime cannot go on and exits non-zero. */
export class RuntimeApiError extends Error {}

export class RapidClient {
  /** @param {string} hostPort AWS_LAMBDA_RUNTIME_API, `host:port` or `[v6]:port`. */
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    if (i <= 0) throw new RuntimeApiError(`invalid AWS_LAMBDA_RUNTIME_API '${hostPort}'`);
    this.host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(hostPort.slice(i + 1));
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** Long-polls for the next event; resolves {headers, body} (body: utf-8 string). Never times out. */
  next(extraHeaders) {
    return this.#send('GET', BASE + '/invocation/next', extraHeaders, undefined).then((res) => {
      if (res.status !== 200) {
        throw new RuntimeApiError(`GET /invocation/next answered ${res.status}: ${res.body}`);
      }
      return res;
    });
  }

  /** Posts a handler result (already JSON text). */
  postResponse(requestId, bodyJson) {
    const path = BASE + '/invocation/' + encodeURIComponent(requestId) + '/response';
    return this.#post(path, bodyJson, undefined);
  }

  /** Posts {errorType, errorMessage, trace} with the error-type header. */
  postError(requestId, payload) {
    const path = BASE + '/invocation/' + encodeURIComponent(requestId) + '/error';
    return this.#post(path, JSON.stringify(payload), errorTypeHeader(payload.errorType));
  }

  /** Posts an init failure; must come before any /next. */
  postInitError(payload) {
    return this.#post(BASE + '/init/error', JSON.stringify(payload), errorTypeHeader(payload.errorType));
  }

  async #post(path, body, extra) {
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    if (extra) Object.assign(headers, extra);
    const res = await this.#send('POST', path, headers, body);
    if (res.status >= 500) {
      throw new RuntimeApiError(`POST ${path} answered ${res.status}: ${res.body}`);
    }
    if (res.status !== 202) {
      // 400 stale id, 403 wrong state, 413 too large: the API has recorded the outcome; carry on.
      process.stderr.write(`[runtime] POST ${path} answered ${res.status}: ${res.body}\n`);
    }
    return res.status;
  }

  /** One request; retried once when a reused keep-alive socket turns out to be closed. */
  #send(method, path, headers, body, retried = false) {
    return new Promise((resolve, reject) => {
      const req = request(
        { agent: this.agent, host: this.host, port: this.port, method, path, headers },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', (err) => reject(new RuntimeApiError(`${method} ${path}: ${err.message}`)));
          res.on('end', () => {
            if (!res.complete) {
              reject(new RuntimeApiError(`${method} ${path}: connection closed mid-response`));
              return;
            }
            const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
            resolve({ status: res.statusCode, headers: res.headers, body: buf.toString('utf8') });
          });
        },
      );
      req.on('error', (err) => {
        if (!retried && req.reusedSocket && err.code === 'ECONNRESET') {
          this.#send(method, path, headers, body, true).then(resolve, reject);
        } else {
          reject(new RuntimeApiError(`${method} ${path}: ${err.message}`));
        }
      });
      req.end(body);
    });
  }
}

function errorTypeHeader(errorType) {
  return typeof errorType === 'string' && errorType && VALID_HEADER_VALUE.test(errorType)
    ? { [ERROR_TYPE_HEADER]: errorType }
    : undefined;
}
