"""What every part of ephemera's Python runtime client shares: AWS's log and JSON conventions, the
output helpers, the running invocation's state, the runtime's faults (Runtime.* error types) and AWS's
error shape for an exception. Nothing here reads the environment as it loads (_ephemera_settings)."""

import json
import os
import sys

RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))


def is_runtime_file(name):
    """Is this source file the runtime client's own (bootstrap.py and its _ephemera_* parts, snapstart.py, ...)?"""
    return os.path.dirname(name) == RUNTIME_DIR


BASE = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as AWS indents traceback lines in the log
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


class Current(object):
    """The running invocation, for log lines and leak tracking."""

    __slots__ = ["request_id", "tenant_id", "inv", "handler_running"]

    def __init__(self):
        self.request_id = None
        self.tenant_id = None
        # While tracking leaks: {"rid", "answered", "threads", "procs", "futures"}
        self.inv = None
        self.handler_running = False  # the main thread is inside the handler


current = Current()

# ---- JSON ------------------------------------------------------------------------------------


def _default(obj):
    decimal = sys.modules.get("decimal")  # never imported here: only user code can make one
    if decimal is not None and isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return float("nan")
        return int(obj) if obj.as_tuple().exponent >= 0 else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def _encoder(ensure_ascii):
    """AWS's encoder: Decimal as a number; ensure_ascii=False on python3.12 only (sic)."""
    return json.JSONEncoder(ensure_ascii=ensure_ascii, default=_default).encode


_encode = _encoder(True)


def use_encoder(ensure_ascii):
    """AWS's encoder for the function's runtime (settings.ensure_ascii), once the settings are loaded."""
    global _encode
    _encode = _encoder(ensure_ascii)


def to_json(obj):
    return _encode(obj)


# ---- Output ------------------------------------------------------------------------------------


def stdout(text):
    out = sys.stdout
    out.write(text)
    out.flush()


def stderr(text):
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


# ---- Errors ----------------------------------------------------------------------------------


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


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def safe_str(value):
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
        if not is_runtime_file(frames[i][0]):
            frames = frames[i:]
            break
    return make_error(safe_str(value), etype.__name__, traceback.format_list(frames), request_id)
