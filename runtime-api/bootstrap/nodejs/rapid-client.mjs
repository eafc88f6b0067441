// The Runtime API client: GET /next, POST response/error/init-error as HTTP/1.1 over ONE
// persistent TCP socket (no Nagle). The client is sequential, so at most one request is in flight;
// a small incremental parser reads the answers. node:http's per-request machinery (agent, outgoing
// message, llhttp callbacks, streams) was most of the runtime's per-invoke CPU; AWS's own client
// uses a native HTTP client for the same reason. Reads land in one shared buffer, answers come to
// callbacks (or promises, off the hot loop). The idle socket is unref'd, so it never holds the
// event loop (callbackWaitsForEmptyEventLoop relies on 'beforeExit').

// process.getBuiltinModule, not `import`: cheaper at start-up than an ESM namespace import.
const { connect } = process.getBuiltinModule('node:net');

const BASE = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
// A header value Node accepts: no control characters other than tab, Latin-1 only.
const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A failure talking to the Runtime API: the runtime cannot go on and exits non-zero. */
export class RuntimeApiError extends Error {}

/**
 * The read buffer every client of this thread shares: a read is consumed before the next can come
 * (the parser copies what it keeps), so no 64 KiB buffer is allocated per read as a stream would.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** `start(done)` as a promise: the methods' promise form, for callers off the hot loop. */
function promised(start) {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * Each method takes an optional last argument `done(err, value)`: given, the call makes no promise
 * (the invoke loop's way: a promise per request costs a microtask chain, and with leak tracking
 * on, async_hooks' work for every promise); omitted, the method returns a promise.
 */
export class RapidClient {
  /** The connection; undefined until the first request and after it closed. */
  #socket;
  /** Did #socket already carry a request (so a close before any answer means "stale", retry once)? */
  #reused = false;
  /** The request in flight: {method, path, extra, body, retried, done}. */
  #req;
  #parser = new ResponseParser();

  /** @param {string} hostPort AWS_LAMBDA_RUNTIME_API, `host:port` or `[v6]:port`. */
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    if (i <= 0) throw new RuntimeApiError(`invalid AWS_LAMBDA_RUNTIME_API '${hostPort}'`);
    this.hostPort = hostPort;
    this.host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(hostPort.slice(i + 1));
  }

  /** Long-polls for the next event: {headers, body} (body: utf-8 string). Never times out. */
  next(extraHeaders, done) {
    if (!done) return promised((cb) => this.next(extraHeaders, cb));
    this.#send('GET', BASE + '/invocation/next', extraHeaders, undefined, false, (err, res) => {
      if (err === undefined && res.status !== 200) {
        err = new RuntimeApiError(`GET /invocation/next answered ${res.status}: ${res.body}`);
      }
      if (err === undefined) done(undefined, res);
      else done(err);
    });
  }

  /** Posts a handler result (already JSON text); the answer's status. */
  postResponse(requestId, bodyJson, done) {
    const path = BASE + '/invocation/' + encodeURIComponent(requestId) + '/response';
    return this.#post(path, bodyJson, undefined, done);
  }

  /** Posts {errorType, errorMessage, trace} with the error-type header. */
  postError(requestId, payload, done) {
    const path = BASE + '/invocation/' + encodeURIComponent(requestId) + '/error';
    return this.#post(path, JSON.stringify(payload), errorTypeHeader(payload.errorType), done);
  }

  /** Posts an init failure; must come before any /next. */
  postInitError(payload, done) {
    return this.#post(BASE + '/init/error', JSON.stringify(payload), errorTypeHeader(payload.errorType), done);
  }

  /**
   * ephemera's private side channel: what the invocation left pending (leak report JSON). The
   * answer's status is not checked: a report the emulator does not take is simply dropped.
   */
  postLeaks(requestId, bodyJson, done) {
    if (!done) return promised((cb) => this.postLeaks(requestId, bodyJson, cb));
    const path = '/_ephemera/runtime/invocation/' + encodeURIComponent(requestId) + '/leaks';
    this.#send('POST', path, undefined, bodyJson, false, (err, res) => (err === undefined ? done(undefined, res.status) : done(err)));
  }

  #post(path, body, extra, done) {
    if (!done) return promised((cb) => this.#post(path, body, extra, cb));
    this.#send('POST', path, extra, body, false, (err, res) => {
      if (err !== undefined) return done(err);
      if (res.status >= 500) return done(new RuntimeApiError(`POST ${path} answered ${res.status}: ${res.body}`));
      if (res.status !== 202) {
        // 400 stale id, 403 wrong state, 413 too large: the API has recorded the outcome; carry on.
        process.stderr.write(`[runtime] POST ${path} answered ${res.status}: ${res.body}\n`);
      }
      done(undefined, res.status);
    });
  }

  /**
   * One request: done(err) or done(undefined, {status, headers (lower-case names), body (utf-8
   * string)}). Retried once when a reused keep-alive socket turns out to be closed before any byte
   * of the answer came.
   */
  #send(method, path, extra, body, retried, done) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostPort}\r\n`;
    if (body !== undefined) {
      head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    }
    if (extra) for (const name in extra) head += `${name}: ${extra[name]}\r\n`;
    this.#req = { method, path, extra, body, retried, done };
    const socket = this.#socket ?? this.#connect();
    socket.ref(); // a request in flight keeps the process alive
    // One write (one segment for small requests), as node:http does for a string body: utf-8.
    socket.write(body === undefined ? head + '\r\n' : head + '\r\n' + body);
  }

  #connect() {
    // Reads land in READ_BUFFER (net's `onread`): no stream buffering, no Buffer per read.
    const socket = connect({
      host: this.host,
      port: this.port,
      onread: { buffer: READ_BUFFER, callback: (n, buf) => {
        // Bytes of a socket we have dropped are ignored (#socket is then another one, or none).
        if (socket === this.#socket) this.#onData(buf, n);
      } },
    });
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#reused = false;
    this.#parser.reset();
    socket.on('end', () => this.#onClose(socket, undefined));
    socket.on('error', (err) => this.#onClose(socket, err));
    socket.on('close', () => this.#onClose(socket, undefined));
    return socket;
  }

  #onData(buf, n) {
    let res;
    try {
      if (!this.#req) throw new RuntimeApiError('unsolicited bytes from the Runtime API');
      res = this.#parser.push(buf, n);
    } catch (err) {
      // Malformed or unexpected answer: this connection is unusable; fail the request (no retry).
      this.#drop();
      this.#settle(err);
      return;
    }
    // Outside the try: the caller's callback runs the next invocation from here.
    if (res !== undefined) this.#onResponse(res);
  }

  /** The parser completed a response. */
  #onResponse(res) {
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
    const res = this.#parser.end(); // completes a read-until-close body
    if (res !== undefined) return this.#settle(undefined, res);
    const req = this.#req;
    if (reused && !req.retried && !this.#parser.started) {
      this.#req = undefined;
      this.#send(req.method, req.path, req.extra, req.body, true, req.done);
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
    if (err) req.done(err instanceof RuntimeApiError ? err : new RuntimeApiError(`${req.method} ${req.path}: ${err.message}`));
    else req.done(undefined, res);
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

/** text[from, to) without leading and trailing spaces and tabs (HTTP's optional whitespace). */
function trimmed(text, from, to) {
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
  return text.slice(from, to);
}

/**
 * Incremental HTTP/1.x response parser: feed it the bytes of each read in any split; push() returns
 * {status, headers, body, keepAlive} once the response is complete. The caller reuses its read
 * buffer: what is kept across reads is copied, a body that came in one read is decoded in place.
 * Bytes after a complete response are unsolicited (at most one request is in flight): the response
 * stands, the connection is not reused.
 * Throws RuntimeApiError on malformed input.
 */
class ResponseParser {
  /** Has any byte of the current response arrived? */
  started = false;
  #state = HEAD;
  #carry; // unparsed tail of the previous read (an incomplete head or line), copied
  #res;
  #chunks = [];
  #size = 0;
  #left = 0;

  reset() {
    this.started = false;
    this.#state = HEAD;
    this.#carry = undefined;
    this.#res = undefined;
    this.#chunks = [];
    this.#size = 0;
  }

  /** Bytes [0, n) of buf; returns the response once complete, else undefined. */
  push(buf, n) {
    let end = n;
    if (this.#carry) {
      buf = Buffer.concat([this.#carry, buf.subarray(0, n)]);
      end = buf.length;
      this.#carry = undefined;
    }
    let pos = 0;
    let done;
    while (pos < end) {
      if (done !== undefined) {
        done.keepAlive = false;
        break;
      }
      this.started = true;
      const state = this.#state;
      if (state === FIXED || state === CHUNK_DATA || state === TO_EOF) {
        const k = state === TO_EOF ? end - pos : Math.min(this.#left, end - pos);
        if (state === FIXED && k === this.#left && this.#chunks.length === 0) {
          // The whole body in this read (the common case): decoded here, no copy kept.
          this.#res.body = buf.toString('utf8', pos, pos + k);
          pos += k;
          done = this.#finish();
          continue;
        }
        this.#chunks.push(Buffer.from(buf.subarray(pos, pos + k)));
        this.#size += k;
        pos += k;
        this.#left -= k;
        if (this.#left === 0 && state === FIXED) done = this.#finish();
        else if (this.#left === 0 && state === CHUNK_DATA) this.#state = CHUNK_END;
        continue;
      }
      const eol = buf.indexOf(state === HEAD ? '\r\n\r\n' : '\r\n', pos);
      if (eol < 0 || eol >= end) {
        if (end - pos > MAX_HEAD) throw new RuntimeApiError('Runtime API response head too large');
        this.#carry = Buffer.from(buf.subarray(pos, end));
        return undefined;
      }
      const text = buf.toString('latin1', pos, eol);
      pos = eol + (state === HEAD ? 4 : 2);
      if (state === HEAD) {
        if (this.#head(text)) done = this.#finish();
      } else if (state === CHUNK_SIZE) {
        const m = /^([0-9a-fA-F]{1,12})[\t ]*(?:;.*)?$/.exec(text);
        if (!m) throw new RuntimeApiError(`bad chunk size line '${text.slice(0, 40)}'`);
        this.#left = parseInt(m[1], 16);
        this.#state = this.#left === 0 ? TRAILERS : CHUNK_DATA;
      } else if (state === CHUNK_END) {
        if (text !== '') throw new RuntimeApiError('missing CRLF after chunk data');
        this.#state = CHUNK_SIZE;
      } else if (text === '') {
        done = this.#finish(); // TRAILERS: the blank line ends the message; trailer fields are ignored
      }
    }
    return done;
  }

  /** The connection closed: a read-until-close body is complete now (returned); anything else is cut off. */
  end() {
    return this.#state === TO_EOF ? this.#finish() : undefined;
  }

  /** Parses a head; true when the response has no body (complete now). */
  #head(text) {
    // One pass with indexOf, no split, regex or trim per line: this runs twice per invoke.
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |\r|$)/.exec(text);
    if (!m) throw new RuntimeApiError(`bad status line '${text.slice(0, Math.min(eol, 60))}'`);
    const status = Number(m[2]);
    if (status < 200) return false; // interim response (100 Continue …): the real one follows
    const headers = { __proto__: null }; // names are the server's: none may reach Object.prototype
    for (let pos = eol + 2; pos < text.length; pos = eol + 2) {
      eol = text.indexOf('\r\n', pos);
      if (eol < 0) eol = text.length;
      const colon = text.indexOf(':', pos);
      if (colon <= pos || colon > eol) throw new RuntimeApiError(`bad header line '${text.slice(pos, Math.min(eol, pos + 60))}'`);
      const name = trimmed(text, pos, colon).toLowerCase();
      const value = trimmed(text, colon + 1, eol);
      headers[name] = name in headers ? headers[name] + ', ' + value : value;
    }
    const conn = headers.connection;
    const keepAlive = m[1] === '1' ? conn === undefined || !/close/i.test(conn) : conn !== undefined && /keep-alive/i.test(conn);
    this.#res = { status, headers, body: '', keepAlive };
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (status === 204 || status === 304) return true;
    if (te !== undefined) {
      this.#state = /(?:^|,)\s*chunked\s*$/i.test(te) ? CHUNK_SIZE : TO_EOF;
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new RuntimeApiError(`bad Content-Length '${cl.slice(0, 40)}'`);
      this.#left = Number(cl);
      this.#state = FIXED;
      if (this.#left === 0) return true;
    } else {
      this.#state = TO_EOF;
    }
    if (this.#state === TO_EOF) this.#res.keepAlive = false;
    return false;
  }

  /** The complete response (the parser is ready for the next one). */
  #finish() {
    const res = this.#res;
    const chunks = this.#chunks;
    if (chunks.length) res.body = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#size)).toString('utf8');
    this.reset();
    return res;
  }
}
