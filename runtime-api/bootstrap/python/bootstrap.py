"""ephemera's Python runtime client (stdlib only, Python 3.9+), behaving like AWS's
awslambdaric: handler `module.func` (also `pkg/mod.func`, `pkg.mod.func`), the LambdaContext,
AWS's error shapes and Runtime.* faults, and the logging module's root handler in AWS's text or
JSON format. Started as `python -u -B bootstrap.py`, cwd = LAMBDA_TASK_ROOT.

Start-up cost matters (it is most of a cold start), so this file imports only what every run
needs: the Runtime API client is a small HTTP/1.1 client over one keep-alive socket (http.client
pulls in email.* and ssl, about half again Python's own start-up); the logging set-up waits for
the first `import logging` (LoggingSetupHook), and traceback for an error to format.
"""

import json
import os
import socket
import sys
import time

SCRIPT = os.path.abspath(__file__)
BASE = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as AWS indents traceback lines in the log
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
LAMBDA_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

LOG_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
LOG_LEVEL = "DEBUG" if _level == "TRACE" else _level

# AWS's encoder: ensure_ascii=False on python3.12 only (sic), Decimal as a number.
ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"

_request_id = None  # the current invocation's id, for log lines
_tenant_id = None

SETTINGS_FD = 6  # server/environment/worker-process.ts


def _read_settings():
    """The emulator's settings (leak tracking, folders of dependencies built for the function): one
    JSON object on fd 6, read once and closed, so nothing of the emulator's reaches the function's
    environment or its child processes. A runtime started by hand has no fd 6: no settings."""
    try:
        import stat

        mode = os.fstat(SETTINGS_FD).st_mode
        if not (stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode)):
            return {}
        chunks = []
        while True:
            chunk = os.read(SETTINGS_FD, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(SETTINGS_FD)
        value = json.loads(b"".join(chunks).decode("utf-8"))
        return value if isinstance(value, dict) else {}
    except Exception:
        return {}


SETTINGS = _read_settings()


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


# ---- JSON ------------------------------------------------------------------------------------


def _default(obj):
    decimal = sys.modules.get("decimal")  # never imported here: only user code can make one
    if decimal is not None and isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return float("nan")
        return int(obj) if obj.as_tuple().exponent >= 0 else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


_encode = json.JSONEncoder(ensure_ascii=ENSURE_ASCII, default=_default).encode


def to_json(obj):
    return _encode(obj)


# ---- Runtime API client ----------------------------------------------------------------------


class RuntimeApiError(Exception):
    """A failure talking to the Runtime API: the runtime cannot go on."""


_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _quote(s):
    if all(c in _SAFE for c in s):
        return s
    return "".join(c if c in _SAFE else "".join("%%%02X" % b for b in c.encode("utf-8")) for c in s)


def _header_value_ok(v):
    return isinstance(v, str) and v != "" and all(c == "\t" or " " <= c <= "~" or "\x80" <= c <= "\xff" for c in v)


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
        path = BASE + "/invocation/" + _quote(request_id) + "/response"
        return self._post(path, body, content_type, None)

    def post_error(self, request_id, error):
        path = BASE + "/invocation/" + _quote(request_id) + "/error"
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
            _stderr("[runtime] POST %s answered %d: %s" % (path, status, res_body[:200].decode("utf-8", "replace")))
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
            sock = socket.create_connection((self.host, self.port))
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


# ---- Logging ---------------------------------------------------------------------------------


def _stdout(text):
    out = sys.stdout
    out.write(text)
    out.flush()


def _stderr(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def flush_output():
    """Everything the function wrote reaches the pipes before its outcome is posted."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass


_RESERVED_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
    "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
    "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    "leaked_from", "_ephemera_marked",
}


_logging_set_up = False


def setup_logging(logging):
    """The root logger's handler in AWS's format (text, or JSON lines: timestamp, level, message,
    logger, requestId, + exception fields and the record's extra attributes); times in UTC (AWS
    sets the converter globally)."""

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            try:
                msg = self.format(record)
                # The text format ends in "\n" unless exception text follows it: a record is
                # one event (one frame on AWS), so it must not leave its last line open.
                _stdout(msg if msg.endswith("\n") else msg + "\n")
            except Exception:
                self.handleError(record)

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id or ""
            record.tenant_id = _tenant_id
            if LEAKS:
                origin = _leak_origin()
                if origin is not None:
                    record.leaked_from = origin
                    if not LOG_JSON and not getattr(record, "_ephemera_marked", False):
                        record._ephemera_marked = True
                        record.msg = "[leaked from %s] %s" % (origin, record.msg)
            return True

    class JsonFormatter(logging.Formatter):
        def __init__(self):
            super().__init__(datefmt=DATETIME_FORMAT)
            self._encode = json.JSONEncoder(ensure_ascii=False).encode

        def formatTime(self, record, datefmt=None):
            return time.strftime(DATETIME_FORMAT, time.gmtime(record.created)) + ".%03dZ" % int(record.msecs)

        def format(self, record):
            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc = record.exc_info
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
            }
            if exc:
                import traceback

                result["stackTrace"] = traceback.format_tb(exc[2])
                result["errorType"] = exc[0].__name__
                result["errorMessage"] = str(exc[1])
            result["requestId"] = getattr(record, "aws_request_id", None)
            if getattr(record, "leaked_from", None) is not None:
                result["leakedFrom"] = record.leaked_from
            if exc:
                result["location"] = "%s:%s:%s" % (record.pathname, record.funcName, record.lineno)
            if getattr(record, "tenant_id", None) is not None:
                result["tenantId"] = record.tenant_id
            for key, value in record.__dict__.items():
                if key not in _RESERVED_FIELDS and key not in result:
                    result[key] = value
            return self._encode({k: v for k, v in result.items() if v is not None}) + "\n"

    global _logging_set_up
    _logging_set_up = True
    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if LOG_JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                DATETIME_FORMAT,
            )
        )
    root = logging.getLogger()
    if LOG_LEVEL in logging._nameToLevel:
        root.setLevel(LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    root.addHandler(handler)


class LoggingSetupHook(object):
    """A sys.meta_path finder that sets up the root handler right after `logging` is first
    imported, by the function or any library: AWS's runtime imports it at start-up, which costs
    a few ms of every cold start for functions that never log. Seen from the function, the same:
    the handler is in place before any code can use the module."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        self.remove()
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return None  # an unusual import set-up: main() sets the handler up after INIT

        def exec_and_set_up(module):
            exec_module(module)
            setup_logging(module)

        loader.exec_module = exec_and_set_up
        return spec

    def remove(self):
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass

    @classmethod
    def install(cls):
        if "logging" in sys.modules:  # a .pth file or sitecustomize imported it already
            setup_logging(sys.modules["logging"])
        else:
            sys.meta_path.insert(0, cls())

    @staticmethod
    def ensure():
        """For the unusual import set-ups the hook could not wrap: set up once logging exists."""
        if not _logging_set_up and "logging" in sys.modules:
            setup_logging(sys.modules["logging"])


def _indent(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error):
    """The `[ERROR] Type: message\\rTraceback ...` line (JSON object in the JSON format)."""
    if LOG_JSON:
        record = {"timestamp": time.strftime(DATETIME_FORMAT, time.gmtime()), "level": "ERROR"}
        record.update(error)
        _stdout(to_json(record) + "\n")
        return
    desc = "[ERROR]"
    if error.get("errorType"):
        desc += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            desc += ":"
        desc += " " + error["errorMessage"]
    lines = [desc]
    trace = error.get("stackTrace")
    if trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_indent(x) for x in element.splitlines())
    _stdout(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


# ---- Errors ----------------------------------------------------------------------------------


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _safe_str(value):
    try:
        return str(value)
    except Exception:
        return "<exception str() failed>"


def build_fault_result(exc_info, request_id=None):
    """An exception as AWS reports it: str(e), type name, frames below this runtime's own."""
    import traceback

    etype, value, tb = exc_info
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(frames)):
        if frames[i][0] != SCRIPT:
            frames = frames[i:]
            break
    return make_error(_safe_str(value), etype.__name__, traceback.format_list(frames), request_id)


# ---- The handler -----------------------------------------------------------------------------


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '%s': %s" % (handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module %s as a handler module" % modname,
            )
        import importlib

        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '%s': %s%s" % (modname, e, _sdk_hint(e))
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '%s': %s" % (modname, e), trace
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '%s' missing on module '%s'" % (fname, modname)
        )


def _sdk_hint(e):
    """For boto3/botocore, which Lambda's Python runtime includes: where they were looked for and how
    to provide them."""
    name = (getattr(e, "name", None) or "").split(".")[0]
    if name not in ("boto3", "botocore"):
        return ""
    return (
        " (Lambda's Python runtime includes the AWS SDK for Python; ephemera provides the one the interpreter has, "
        "and %s (Python %d.%d.%d) has no %s: install it for that interpreter with `%s -m pip install boto3`, "
        "or add boto3 to the function's requirements.txt)" % ((sys.executable,) + tuple(sys.version_info[:3]) + (name, sys.executable))
    )


# ---- The context -----------------------------------------------------------------------------


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (k, getattr(self, k)) for k in self.__slots__)


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field) if isinstance(d, dict) else None)
    return obj


class LambdaContext(object):
    def __init__(self, request_id, client_context, identity, deadline_ms, invoked_function_arn=None, tenant_id=None):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as in AWS's runtime (it reads the environment variable as is).
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _obj_from_dict(Client, self.client_context.client)
        self.identity = _obj_from_dict(CognitoIdentity, {})
        if isinstance(identity, dict):
            self.identity.cognito_identity_id = identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        _stdout(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,"
            "identity=%s,tenant_id=%s])"
            % (
                self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
                self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
                self.client_context, self.identity, self.tenant_id,
            )
        )


def _json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse %s JSON: %s" % (name, e)
        )


# ---- Leak tracking (design §5; on only when the emulator's settings say so) ------------------------------

LEAKS = SETTINGS.get("leaks") is True
_inv = None  # the running invocation's state, while tracking: {"rid", "answered", "threads", "procs", "futures"}
_handler_running = False  # the main thread is inside the handler


def _leak_origin():
    """The request id output written now is "leaked from": set for a thread started (directly or
    not) by invocation N, when N is not the running invocation or has already answered."""
    import threading

    origin = getattr(threading.current_thread(), "_ephemera_origin", None)
    if origin is None:
        return None
    inv = _inv
    if inv is None or origin is not inv or inv["answered"]:
        return origin["rid"]
    return None


def _creation_origin():
    """The invocation a thread/process being started now belongs to, or None."""
    import threading

    if threading.current_thread() is threading.main_thread():
        return _inv if _handler_running else None
    return getattr(threading.current_thread(), "_ephemera_origin", None)


_STDLIB = None
_HOST_ROOT = None  # (task root, its host path) in a namespace sandbox, else ()


def _host_path(name):
    """A file under the task root by its host path, when the task root is a bind mount (namespace
    isolation), as the Node client names it: what the user's editor opens."""
    global _HOST_ROOT
    if _HOST_ROOT is None:
        import re

        _HOST_ROOT = ()
        root = os.environ.get("LAMBDA_TASK_ROOT", "")
        try:
            with open("/proc/self/mountinfo") as f:
                mounts = [line.split(" ") for line in f.read().splitlines()]
            unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
            target = [m for m in mounts if len(m) > 4 and unesc(m[4]) == root]
            if target and unesc(target[-1][3]) != "/":
                dev, troot = target[-1][2], unesc(target[-1][3])
                best = None
                for m in mounts:
                    if len(m) < 5 or m[2] != dev or unesc(m[4]) == root:
                        continue
                    mroot, at = unesc(m[3]), unesc(m[4])
                    if mroot != "/" and not troot.startswith(mroot + "/"):
                        continue
                    within = troot if mroot == "/" else troot[len(mroot):]
                    if best is None or len(mroot) > best[0]:
                        best = (len(mroot), ("" if at == "/" else at) + within)
                if best is not None:
                    _HOST_ROOT = (root.rstrip("/") + "/", best[1].rstrip("/") + "/")
        except Exception:
            pass
    if _HOST_ROOT and name.startswith(_HOST_ROOT[0]):
        return _HOST_ROOT[1] + name[len(_HOST_ROOT[0]):]
    return name


def _stdlib():
    """The standard library's directories (real paths, with a trailing separator)."""
    global _STDLIB
    if _STDLIB is None:
        import sysconfig

        _STDLIB = tuple(
            os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
        )
    return _STDLIB


def _user_site(depth):
    """`file:line` of the caller's top user frame: not this file, not the standard library, and
    not site-packages when a user frame exists."""
    frame = sys._getframe(depth)
    fallback = None
    while frame is not None:
        name = frame.f_code.co_filename
        if name != SCRIPT and not name.startswith("<") and not os.path.realpath(name).startswith(_stdlib()):
            where = "%s:%d" % (_host_path(name), frame.f_lineno)
            if "site-packages" not in name:
                return where
            fallback = fallback or where
        frame = frame.f_back
    return fallback


class _LeakMarkingStream(object):
    """sys.stdout/sys.stderr: lines written by a thread leaked from invocation N get the
    `[leaked from N] ` prefix (print() writes the text and the newline separately)."""

    def __init__(self, stream):
        self._stream = stream
        self._mid_line = {}  # thread ident → the thread's last write did not end a line

    def write(self, text):
        origin = _leak_origin() if text else None
        if origin is None:
            return self._stream.write(text)
        import threading

        ident = threading.get_ident()
        prefix = "[leaked from %s] " % origin
        lines = text.split("\n")
        out = []
        for i, line in enumerate(lines):
            if i == len(lines) - 1 and line == "":
                break
            starts_line = i > 0 or not self._mid_line.get(ident)
            out.append((prefix if starts_line else "") + line)
        marked = "\n".join(out) + ("\n" if text.endswith("\n") else "")
        self._mid_line[ident] = not text.endswith("\n")
        self._stream.write(marked)
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _made_by_library(depth):
    """Was the caller's caller (the code starting a thread, making a future) the standard library or
    a package, rather than the function's own code?"""
    name = sys._getframe(depth).f_code.co_filename
    return name == SCRIPT or os.path.realpath(name).startswith(_stdlib()) or "site-packages" in name


def install_leak_tracking():
    """Records threads started, subprocesses spawned and futures made by each invocation (from the
    handler, or from a thread it started), and marks their output."""
    import subprocess
    import threading
    from concurrent import futures

    start = threading.Thread.start

    def tracked_start(self, *args, **kwargs):
        origin = _creation_origin()
        if origin is not None:
            self._ephemera_origin = origin
            origin["threads"].append((self, _user_site(2), _made_by_library(2)))
        return start(self, *args, **kwargs)

    threading.Thread.start = tracked_start

    popen_init = subprocess.Popen.__init__

    def tracked_init(self, *args, **kwargs):
        popen_init(self, *args, **kwargs)
        origin = _creation_origin()
        if origin is not None:
            origin["procs"].append((self, _user_site(2)))

    subprocess.Popen.__init__ = tracked_init

    future_init = futures.Future.__init__

    def tracked_future(self, *args, **kwargs):
        future_init(self, *args, **kwargs)
        origin = _creation_origin()
        if origin is not None:
            origin["futures"].append((self, _user_site(2)))

    futures.Future.__init__ = tracked_future
    sys.stdout = _LeakMarkingStream(sys.stdout)
    sys.stderr = _LeakMarkingStream(sys.stderr)


def leak_report(inv):
    """JSON body for POST .../leaks, or None when the invocation left nothing running. The rules are
    the Node client's (leak-rules.mjs): a thread the function started and a subprocess are leaks
    while alive; work handed to a pool (a future) is while not done; a thread a library started for
    its own use (a thread pool's idle worker) is not."""
    leaks = []
    groups = {}

    def add(kind, site, detail):
        key = (kind, site)
        if key in groups:
            groups[key]["count"] += 1
        else:
            groups[key] = {"kind": kind, "count": 1, "createdAt": site, "detail": detail}
            leaks.append(groups[key])

    for thread, site, by_library in inv["threads"]:
        if thread.is_alive() and not by_library:
            target = getattr(thread, "_target", None)
            name = getattr(target, "__qualname__", None) or thread.name
            add("thread", site, "thread %s%s" % (name, " (daemon)" if thread.daemon else ""))
    for proc, site in inv["procs"]:
        try:
            running = proc.poll() is None
        except Exception:
            running = False
        if running:
            args = proc.args if isinstance(proc.args, (list, tuple)) else [proc.args]
            cmd = " ".join(os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args)
            add("subprocess", site, "pid %d: %s" % (proc.pid, cmd[:80]))
    for future, site in inv["futures"]:
        if not future.done():
            add("future", site, "running" if future.running() else "queued")
    # Reported once; the threads keep their origin (for marking their output).
    inv["threads"] = []
    inv["procs"] = []
    inv["futures"] = []
    if not leaks:
        return None
    return to_json({"requestId": inv["rid"], "leaks": leaks}).encode("utf-8")


def post_leaks(client, inv):
    body = leak_report(inv)
    if body is None:
        return
    path = "/_ephemera/runtime/invocation/" + _quote(inv["rid"]) + "/leaks"
    try:
        client.request("POST", path, body, "application/json")
    except Exception:
        pass  # the report is best-effort: never break the loop


# ---- The loop --------------------------------------------------------------------------------


def handle_event(client, handler, headers, body):
    global _request_id, _tenant_id, _inv, _handler_running
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = request_id
    _tenant_id = headers.get("lambda-runtime-aws-tenant-id")
    if LEAKS:
        _inv = {"rid": request_id, "answered": False, "threads": [], "procs": [], "futures": []}
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error = None
    try:
        try:
            deadline = int(headers.get("lambda-runtime-deadline-ms", "0"))
        except ValueError:
            deadline = 0
        context = LambdaContext(
            request_id,
            _json_header(headers.get("lambda-runtime-client-context"), "Client Context"),
            _json_header(headers.get("lambda-runtime-cognito-identity"), "Cognito Identity"),
            deadline,
            headers.get("lambda-runtime-invoked-function-arn"),
            _tenant_id,
        )
        content_type = headers.get("content-type", "application/json")
        if content_type == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)
        else:
            event = body
        if LEAKS:
            _handler_running = True
            try:
                response = handler(event, context)
            finally:
                _handler_running = False
        else:
            response = handler(event, context)
        if isinstance(response, bytes):
            result, result_type = response, "application/unknown"
        else:
            try:
                result, result_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: %s" % e)
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, request_id)
    except Exception:
        error = build_fault_result(sys.exc_info(), request_id)

    if error is not None:
        log_error(error)
        flush_output()
        if LEAKS:
            _inv["answered"] = True
        client.post_error(request_id, error)
    else:
        flush_output()
        if LEAKS:
            _inv["answered"] = True
        client.post_result(request_id, result, result_type)


def setup_sys_path(task_root):
    """As on AWS: the task root first (with the dependencies built for the function, which a namespace
    sandbox has in /var/task itself), then the layer dirs, then the runtime dir (PYTHONPATH), then
    the standard library. The script's own dir, which Python put first, goes."""
    if sys.path and sys.path[0] == os.path.dirname(SCRIPT):
        del sys.path[0]
    # The layer layout follows the function's runtime (python3.12), whatever Python runs it.
    ver = (os.environ.get("AWS_EXECUTION_ENV") or "").replace("AWS_Lambda_", "")
    if not ver.startswith("python3."):
        ver = "python%d.%d" % sys.version_info[:2]
    deps = [d for d in SETTINGS.get("dependencyDirs") or [] if isinstance(d, str)]
    for p in ("/opt/python", "/opt/python/lib/%s/site-packages" % ver) + tuple(reversed(deps)) + (task_root,):
        if p not in sys.path:
            sys.path.insert(0, p)


def main():
    env = os.environ
    snapstart_control = env.pop("_EPHEMERA_SNAPSTART_CONTROL", None)
    api = env.get("AWS_LAMBDA_RUNTIME_API")
    handler_name = env.get("_HANDLER")
    task_root = env.get("LAMBDA_TASK_ROOT")
    for name, value in (("AWS_LAMBDA_RUNTIME_API", api), ("_HANDLER", handler_name), ("LAMBDA_TASK_ROOT", task_root)):
        if not value:
            _stderr("[runtime] Runtime.PlatformError: %s environment variable is not set" % name)
            sys.exit(1)
    try:
        client = RapidClient(api)
    except RuntimeApiError as e:
        _stderr("[runtime] %s" % e)
        sys.exit(1)
    setup_sys_path(task_root)
    if LEAKS:
        install_leak_tracking()

    try:
        LoggingSetupHook.install()
        handler = get_handler(handler_name)
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error = build_fault_result(sys.exc_info())
    else:
        error = None
    if error is not None:
        import logging  # (the hook sets the handler up)

        LoggingSetupHook.ensure()
        logging.warning(LAMBDA_WARNING)
        log_error(error)
        flush_output()
        try:
            client.post_init_error(error)
        except RuntimeApiError as e:
            _stderr("[runtime] could not post the init error: %s" % e)
        sys.exit(1)
    LoggingSetupHook.ensure()
    if env.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
        import snapstart

        client = snapstart.on_init_complete(sys.modules[__name__], client, snapstart_control)

    try:
        while True:
            headers, body = client.next()
            handle_event(client, handler, headers, body)
            if LEAKS:
                post_leaks(client, _inv)
    except RuntimeApiError as e:
        _stderr("[runtime] %s" % e)
        sys.exit(1)


if __name__ == "__main__":
    from managed_runner import max_concurrency, run_concurrent

    _processes = max_concurrency()
    if _processes is None:
        main()
    else:
        run_concurrent(main, _processes)
