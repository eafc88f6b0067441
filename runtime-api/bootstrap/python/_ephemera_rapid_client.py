"""The Runtime API client: a small HTTP/1.1 client over one keep-alive socket (http.client pulls in
email.* and ssl, about half again Python's own start-up)."""

import socket

from _ephemera_common import BASE, ERROR_TYPE_HEADER, stderr, to_json


class RuntimeApiError(Exception):
    """A failure talking to the Runtime API: the runtime cannot go on."""


_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def quote(s):
    if all(c in _SAFE for c in s):
        return s
    return "".join(c if c in _SAFE else "".join("%%%02X" % b for b in c.encode("utf-8")) for c in s)


def _header_value_ok(v):
    return isinstance(v, str) and v != "" and all(c == "\t" or " " <= c <= "~" or "\x80" <= c <= "\xff" for c in v)


def _ip_family(host):
    """AF_INET or AF_INET6 for an address (the emulator gives 127.0.0.1), None for a name."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
            return family
        except (OSError, ValueError):
            pass
    return None


class RapidClient:
    """HTTP/1.1 over ONE persistent TCP socket (no Nagle); sequential, so one request in flight.
    A request on a reused socket that finds it closed before any byte of the answer is retried
    once on a new connection."""

    def __init__(self, host_port):
        host, sep, port = host_port.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise RuntimeApiError("invalid AWS_LAMBDA_RUNTIME_API '%s'" % host_port)
        self.host_port = host_port
        self.host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        self.port = int(port)
        self.sock = None
        self.rfile = None
        self.reused = False

    def next(self):
        status, headers, body = self.request("GET", BASE + "/invocation/next")
        if status != 200:
            raise RuntimeApiError("GET /invocation/next answered %d: %s" % (status, body[:200]))
        return headers, body

    def restore_next(self):
        """SnapStart: the snapshot point; answered once this environment is restored."""
        status, _, body = self.request("GET", BASE + "/restore/next")
        if status != 200:
            raise RuntimeApiError("GET /restore/next answered %d: %s" % (status, body[:200]))

    def post_result(self, request_id, body, content_type="application/json"):
        path = BASE + "/invocation/" + quote(request_id) + "/response"
        return self._post(path, body, content_type, None)

    def post_error(self, request_id, error):
        path = BASE + "/invocation/" + quote(request_id) + "/error"
        return self._post(path, to_json(error).encode("utf-8"), "application/json", error.get("errorType"))

    def post_init_error(self, error):
        return self._post(BASE + "/init/error", to_json(error).encode("utf-8"), "application/json", error.get("errorType"))

    def _post(self, path, body, content_type, error_type):
        extra = {ERROR_TYPE_HEADER: error_type} if _header_value_ok(error_type) else None
        status, _, res_body = self.request("POST", path, body, content_type, extra)
        if status >= 500:
            raise RuntimeApiError("POST %s answered %d: %s" % (path, status, res_body[:200]))
        if status != 202:
            # 400 stale id, 403 wrong state, 413 too large: the API has recorded the outcome; go on.
            stderr("[runtime] POST %s answered %d: %s" % (path, status, res_body[:200].decode("utf-8", "replace")))
        return status

    def request(self, method, path, body=None, content_type=None, extra=None):
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, self.host_port)
        if body is not None:
            head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (content_type, len(body))
        if extra:
            for name, value in extra.items():
                head += "%s: %s\r\n" % (name, value)
        data = (head + "\r\n").encode("latin-1")
        if body:
            data += body
        retried = False
        while True:
            if self.sock is None:
                self._connect()
            reused = self.reused
            err = None
            line = b""
            try:
                self.sock.sendall(data)
                line = self.rfile.readline(65537)
            except OSError as e:
                err = e
            if not line:
                self._close()
                if reused and not retried:
                    retried = True
                    continue
                raise RuntimeApiError("%s %s: %s" % (method, path, err or "connection closed by the Runtime API"))
            try:
                return self._response(line)
            except OSError as e:
                self._close()
                raise RuntimeApiError("%s %s: %s" % (method, path, e))
            except RuntimeApiError:
                self._close()
                raise

    def _connect(self):
        try:
            family = _ip_family(self.host)
            if family is None:
                sock = socket.create_connection((self.host, self.port))
            else:
                # (create_connection's getaddrinfo imports the idna codec even for an address.)
                sock = socket.socket(family, socket.SOCK_STREAM)
                try:
                    sock.connect((self.host, self.port))
                except OSError:
                    sock.close()
                    raise
        except OSError as e:
            raise RuntimeApiError("cannot connect to the Runtime API at %s: %s" % (self.host_port, e))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.rfile = sock.makefile("rb")
        self.reused = False

    def _close(self):
        for f in (self.rfile, self.sock):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass
        self.sock = None
        self.rfile = None
        self.reused = False

    def _response(self, line):
        """Reads one response whose status line is `line`: (status, headers, body bytes)."""
        rfile = self.rfile
        while True:
            parts = line.split(None, 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
                raise RuntimeApiError("bad status line %r" % line[:60])
            status = int(parts[1])
            headers = {}
            while True:
                h = rfile.readline(65537)
                if not h:
                    raise RuntimeApiError("connection closed mid-response")
                if h in (b"\r\n", b"\n"):
                    break
                name, colon, value = h.decode("latin-1").partition(":")
                if not colon:
                    raise RuntimeApiError("bad header line %r" % h[:60])
                name = name.strip().lower()
                value = value.strip()
                headers[name] = headers[name] + ", " + value if name in headers else value
            if status >= 200:
                break
            line = rfile.readline(65537)  # interim (100 Continue ...): the real answer follows
            if not line:
                raise RuntimeApiError("connection closed mid-response")
        conn = headers.get("connection", "").lower()
        keep_alive = "close" not in conn if parts[0] == b"HTTP/1.1" else "keep-alive" in conn
        te = headers.get("transfer-encoding")
        cl = headers.get("content-length")
        if status in (204, 304):
            body = b""
        elif te is not None and te.lower().rstrip().endswith("chunked"):
            body = self._chunked()
        elif te is None and cl is not None:
            if not cl.isdigit():
                raise RuntimeApiError("bad Content-Length %r" % cl[:40])
            n = int(cl)
            body = rfile.read(n) if n else b""
            if len(body) != n:
                raise RuntimeApiError("connection closed mid-response")
        else:
            body = rfile.read()
            keep_alive = False
        if keep_alive:
            self.reused = True
        else:
            self._close()
        return status, headers, body

    def _chunked(self):
        rfile = self.rfile
        chunks = []
        while True:
            line = rfile.readline(65537)
            size = line.split(b";", 1)[0].strip()
            try:
                n = int(size, 16)
            except ValueError:
                raise RuntimeApiError("bad chunk size line %r" % line[:40])
            if n == 0:
                while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunk = rfile.read(n)
            if len(chunk) != n or rfile.readline(65537) not in (b"\r\n", b"\n"):
                raise RuntimeApiError("connection closed mid-response")
            chunks.append(chunk)
