"""Logging as AWS's runtime does it: the root logger's handler in AWS's text or JSON format, set up when
`logging` is first imported (install_logging), and the `[ERROR] Type: message` line of a failure."""

import json
import time

from _ephemera_common import DATETIME_FORMAT, ERROR_LOG_IDENT, ERROR_LOG_LINE_TERMINATE, current, stdout, to_json
from _ephemera_import_hook import after_import
from _ephemera_leaks import leak_origin
from _ephemera_settings import settings

_RESERVED_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
    "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
    "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    "leaked_from", "_ephemera_marked",
}


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
                stdout(msg if msg.endswith("\n") else msg + "\n")
            except Exception:
                self.handleError(record)

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = current.request_id or ""
            record.tenant_id = current.tenant_id
            if settings.leaks:
                origin = leak_origin()
                if origin is not None:
                    record.leaked_from = origin
                    if not settings.log_json and not getattr(record, "_ephemera_marked", False):
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

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if settings.log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                DATETIME_FORMAT,
            )
        )
    root = logging.getLogger()
    if settings.log_level in logging._nameToLevel:
        root.setLevel(settings.log_level)
    handler.addFilter(LambdaLoggerFilter())
    root.addHandler(handler)


def install_logging():
    """The root handler, set up right after `logging` is first imported (by the function or any
    library), or now when it is already."""
    after_import("logging", setup_logging)


def _indent(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error):
    """The `[ERROR] Type: message\\rTraceback ...` line (JSON object in the JSON format)."""
    if settings.log_json:
        record = {"timestamp": time.strftime(DATETIME_FORMAT, time.gmtime()), "level": "ERROR"}
        record.update(error)
        stdout(to_json(record) + "\n")
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
    stdout(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")
