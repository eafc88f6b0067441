// The Runtime API client: GET /next, POST response/error/init-error as HTTP/1.1 over ONE
// persistent TCP socket (no Nagle). The client is sequential, so at most one request is in flight;
// a small incremental parser reads the answers. node:http's per-request machinery (agent, outgoing
// message, llhttp callbacks, streams) was most of the runtime's per-invoke CPU; AWS's own client
// uses a native HTTP client for the same reason. The idle socket is unref'd, so it never holds
// the event loop (callbackWaitsForEmptyEventLoop relies on 'beforeExit').

// process.getBuiltinModule, not `import`: cheaper at start-up than an ESM namespace import.
const { connect } = process.getBuiltinModule('node:net');

const BASE = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
// A header value Node accepts: no control characters other than tab, Latin-1 only.
const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A failure talking to the Runtime API: the runtime cannot go on and exits non-zero. */
export class RuntimeApiError extends Error {}

export class RapidClient {
  /** The connection; undefined until the first request and after it closed. */
  #socket;
  /** Did #socket already carry a request (so a close before any answer means "stale", retry once)? */
  #reused = false;
  /** The request in flight: {method, path, extra, body, retried, resolve, reject}. */
  #req;
  #parser = new ResponseParser((res) => this.#onResponse(res));

  /** @param {string} hostPort AWS_LAMBDA_RUNTIME_API, `host:port` or `[v6]:port`. */
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    if (i <= 0) throw new RuntimeApiError(`invalid AWS_LAMBDA_RUNTIME_API '${hostPort}'`);
    this.hostPort = hostPort;
    this.host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(hostPort.slice(i + 1));
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

  /**
   * ephemera's private side channel: what the invocation left pending (leak report JSON). The
   * answer's status is not checked: a report the emulator does not take is simply dropped.
   */
  postLeaks(requestId, bodyJson) {
    const path = '/_ephemera/runtime/invocation/' + encodeURIComponent(requestId) + '/leaks';
    return this.#send('POST', path, undefined, bodyJson).then((res) => res.status);
  }

  async #post(path, body, extra) {
    const res = await this.#send('POST', path, extra, body);
    if (res.status >= 500) {
      throw new RuntimeApiError(`POST ${path} answered ${res.status}: ${res.body}`);
    }
    if (res.status !== 202) {
      // 400 stale id, 403 wrong state, 413 too large: the API has recorded the outcome; carry on.
      process.stderr.write(`[runtime] POST ${path} answered ${res.status}: ${res.body}\n`);
    }
    return res.status;
  }

  /**
   * One request: resolves {status, headers (lower-case names), body (utf-8 string)}. Retried once
   * when a reused keep-alive socket turns out to be closed before any byte of the answer came.
   */
  #send(method, path, extra, body, retried = false) {
    return new Promise((resolve, reject) => {
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostPort}\r\n`;
      if (body !== undefined) {
        head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      }
      if (extra) for (const name in extra) head += `${name}: ${extra[name]}\r\n`;
      this.#req = { method, path, extra, body, retried, resolve, reject };
      const socket = this.#socket ?? this.#connect();
      socket.ref(); // a request in flight keeps the process alive
      // One write (one segment for small requests), as node:http does for a string body: utf-8.
      socket.write(body === undefined ? head + '\r\n' : head + '\r\n' + body);
    });
  }

  #connect() {
    const socket = connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#reused = false;
    this.#parser.reset();
    // Events of a socket we have dropped are ignored (#socket is then another one, or none).
    socket.on('data', (chunk) => {
      if (socket === this.#socket) this.#onData(chunk);
    });
    socket.on('end', () => this.#onClose(socket, undefined));
    socket.on('error', (err) => this.#onClose(socket, err));
    socket.on('close', () => this.#onClose(socket, undefined));
    return socket;
  }

  #onData(chunk) {
    try {
      if (!this.#req) throw new RuntimeApiError('unsolicited bytes from the Runtime API');
      this.#parser.push(chunk);
    } catch (err) {
      // Malformed or unexpected answer: this connection is unusable; fail the request (no retry).
      this.#drop();
      this.#settle(err);
    }
  }

  /** The parser completed a response. */
  #onResponse(res) {
    if (!this.#req) throw new RuntimeApiError('unsolicited response from the Runtime API');
    if (res.keepAlive) {
      this.#socket.unref(); // idle: must not hold the event loop
      this.#reused = true;
    } else {
      this.#drop();
    }
    this.#settle(undefined, res);
  }

  /** The server closed the connection (FIN, reset or error). */
  #onClose(socket, err) {
    if (socket !== this.#socket) return;
    const reused = this.#reused;
    this.#drop();
    if (!this.#req) return; // idle keep-alive socket closed: the next request connects again
    this.#parser.end(); // completes a read-until-close body (→ #onResponse)
    const req = this.#req;
    if (!req) return;
    if (reused && !req.retried && !this.#parser.started) {
      this.#req = undefined;
      this.#send(req.method, req.path, req.extra, req.body, true).then(req.resolve, req.reject);
      return;
    }
    const why = err?.message ?? (this.#parser.started ? 'connection closed mid-response' : 'socket hang up');
    this.#settle(new RuntimeApiError(`${req.method} ${req.path}: ${why}`));
  }

  #drop() {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #settle(err, res) {
    const req = this.#req;
    if (!req) return;
    this.#req = undefined;
    if (err) req.reject(err instanceof RuntimeApiError ? err : new RuntimeApiError(`${req.method} ${req.path}: ${err.message}`));
    else req.resolve(res);
  }
}

function errorTypeHeader(errorType) {
  return typeof errorType === 'string' && errorType && VALID_HEADER_VALUE.test(errorType)
    ? { [ERROR_TYPE_HEADER]: errorType }
    : undefined;
}

// ---- HTTP/1.1 response parser ----------------------------------------------------------------------

// Parser states. Line states (CHUNK_SIZE, CHUNK_END, TRAILERS) read one CRLF-terminated line.
const HEAD = 0; // status line + headers, up to the blank line
const FIXED = 1; // Content-Length body: #left bytes to go
const CHUNK_SIZE = 2; // chunked: the hex size line
const CHUNK_DATA = 3; // chunked: #left bytes of chunk data
const CHUNK_END = 4; // chunked: the CRLF after the chunk data
const TRAILERS = 5; // chunked: trailer lines up to the blank line
const TO_EOF = 6; // no framing: the body runs until the server closes
const MAX_HEAD = 64 * 1024; // a head (or a chunk-size line) larger than this is an error

/**
 * Incremental HTTP/1.x response parser: feed it TCP chunks in any split; it calls
 * onResponse({status, headers, body, keepAlive}) per complete response. Body chunks are collected
 * and concatenated once. Throws RuntimeApiError on malformed input.
 */
class ResponseParser {
  /** Has any byte of the current response arrived? */
  started = false;
  #onResponse;
  #state = HEAD;
  #carry; // unparsed tail of the previous chunk (an incomplete head or line)
  #res;
  #chunks = [];
  #size = 0;
  #left = 0;

  constructor(onResponse) {
    this.#onResponse = onResponse;
  }

  reset() {
    this.started = false;
    this.#state = HEAD;
    this.#carry = undefined;
    this.#res = undefined;
    this.#chunks = [];
    this.#size = 0;
  }

  push(chunk) {
    const buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    let pos = 0;
    while (pos < buf.length) {
      this.started = true;
      const state = this.#state;
      if (state === FIXED || state === CHUNK_DATA || state === TO_EOF) {
        const n = state === TO_EOF ? buf.length - pos : Math.min(this.#left, buf.length - pos);
        this.#chunks.push(buf.subarray(pos, pos + n));
        this.#size += n;
        pos += n;
        this.#left -= n;
        if (this.#left === 0 && state === FIXED) this.#finish();
        else if (this.#left === 0 && state === CHUNK_DATA) this.#state = CHUNK_END;
        continue;
      }
      const eol = buf.indexOf(state === HEAD ? '\r\n\r\n' : '\r\n', pos);
      if (eol < 0) {
        if (buf.length - pos > MAX_HEAD) throw new RuntimeApiError('Runtime API response head too large');
        this.#carry = buf.subarray(pos);
        return;
      }
      const text = buf.toString('latin1', pos, eol);
      pos = eol + (state === HEAD ? 4 : 2);
      if (state === HEAD) this.#head(text);
      else if (state === CHUNK_SIZE) {
        const m = /^([0-9a-fA-F]{1,12})[\t ]*(?:;.*)?$/.exec(text);
        if (!m) throw new RuntimeApiError(`bad chunk size line '${text.slice(0, 40)}'`);
        this.#left = parseInt(m[1], 16);
        this.#state = this.#left === 0 ? TRAILERS : CHUNK_DATA;
      } else if (state === CHUNK_END) {
        if (text !== '') throw new RuntimeApiError('missing CRLF after chunk data');
        this.#state = CHUNK_SIZE;
      } else if (text === '') {
        this.#finish(); // TRAILERS: the blank line ends the message; trailer fields are ignored
      }
    }
  }

  /** The connection closed: a read-until-close body is complete now; anything else is cut off. */
  end() {
    if (this.#state === TO_EOF) this.#finish();
  }

  #head(text) {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
    if (!m) throw new RuntimeApiError(`bad status line '${lines[0].slice(0, 60)}'`);
    const status = Number(m[2]);
    if (status < 200) return; // interim response (100 Continue …): the real one follows
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw new RuntimeApiError(`bad header line '${lines[i].slice(0, 60)}'`);
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      headers[name] = name in headers ? headers[name] + ', ' + value : value;
    }
    const conn = (headers.connection ?? '').toLowerCase();
    this.#res = { status, headers, body: '', keepAlive: m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive') };
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (status === 204 || status === 304) {
      this.#finish();
    } else if (te !== undefined) {
      this.#state = /(?:^|,)\s*chunked\s*$/i.test(te) ? CHUNK_SIZE : TO_EOF;
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new RuntimeApiError(`bad Content-Length '${cl.slice(0, 40)}'`);
      this.#left = Number(cl);
      this.#state = FIXED;
      if (this.#left === 0) this.#finish();
    } else {
      this.#state = TO_EOF;
    }
    if (this.#state === TO_EOF) this.#res.keepAlive = false;
  }

  #finish() {
    const res = this.#res;
    const chunks = this.#chunks;
    if (chunks.length) res.body = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#size)).toString('utf8');
    this.reset();
    this.#onResponse(res);
  }
}
