"""ephemera's Python runtime client (stdlib only, Python 3.9+), behaving like AWS's
awslambdaric: handler `module.func` (also `pkg/mod.func`, `pkg.mod.func`), the LambdaContext,
AWS's error shapes and Runtime.* faults, and the logging module's root handler in AWS's text or
JSON format. Started as `python -u -B bootstrap.py`, cwd = LAMBDA_TASK_ROOT. This file is the loop
(INIT, then next → handler → answer); its parts are the _ephemera_*.py modules beside it (the Runtime API client, logging,
the context, leak tracking, what they share): prefixed so that no module of a function can clash.

Start-up cost matters (it is most of a cold start), so only what every run needs is imported: the
Runtime API client is a small HTTP/1.1 client over one keep-alive socket; the logging set-up and leak
tracking's patches wait for the first import of their modules (_ephemera_import_hook), and traceback
for an error to format. A blank sandbox
(started before its function is known) imports all of it, and what INIT would import later (preload),
before it waits for its assignment: nothing here reads the environment as it loads (_ephemera_settings).
"""

import importlib
import json
import os
import sys

from _ephemera_common import (
    BASE, FaultException, build_fault_result, current, flush_output, make_error, stderr, to_json, use_encoder,
)
from _ephemera_context import LambdaContext, json_header
from _ephemera_leaks import install_leak_tracking, post_leaks
from _ephemera_import_hook import catch_up
from _ephemera_logs import install_logging, log_error
from _ephemera_rapid_client import RapidClient, RuntimeApiError
from _ephemera_settings import is_blank, load
from managed_runner import max_concurrency, run_concurrent

SCRIPT = os.path.abspath(__file__)
_stderr = stderr  # (snapstart.py reaches the runtime's parts through this module: BASE, RapidClient, ...)
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




# ---- The loop --------------------------------------------------------------------------------


def handle_event(client, handler, headers, body, leaks):
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    current.request_id = request_id
    current.tenant_id = headers.get("lambda-runtime-aws-tenant-id")
    if leaks:
        current.inv = {"rid": request_id, "answered": False, "threads": [], "procs": [], "futures": []}
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
            json_header(headers.get("lambda-runtime-client-context"), "Client Context"),
            json_header(headers.get("lambda-runtime-cognito-identity"), "Cognito Identity"),
            deadline,
            headers.get("lambda-runtime-invoked-function-arn"),
            current.tenant_id,
        )
        content_type = headers.get("content-type", "application/json")
        if content_type == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)
        else:
            event = body
        if leaks:
            current.handler_running = True
            try:
                response = handler(event, context)
            finally:
                current.handler_running = False
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
        if leaks:
            current.inv["answered"] = True
        client.post_error(request_id, error)
    else:
        flush_output()
        if leaks:
            current.inv["answered"] = True
        client.post_result(request_id, result, result_type)


def setup_sys_path(task_root, dependency_dirs):
    """As on AWS: the task root first (with the dependencies built for the function, which a namespace
    sandbox has in /var/task itself), then the layer dirs, then the runtime dir (PYTHONPATH), then
    the standard library. The script's own dir, which Python put first, goes."""
    if sys.path and sys.path[0] == os.path.dirname(SCRIPT):
        del sys.path[0]
    # The layer layout follows the function's runtime (python3.12), whatever Python runs it.
    ver = (os.environ.get("AWS_EXECUTION_ENV") or "").replace("AWS_Lambda_", "")
    if not ver.startswith("python3."):
        ver = "python%d.%d" % sys.version_info[:2]
    for p in ("/opt/python", "/opt/python/lib/%s/site-packages" % ver) + tuple(reversed(dependency_dirs)) + (task_root,):
        if p not in sys.path:
            sys.path.insert(0, p)


def preload():
    """A blank sandbox, waiting for its function: what INIT and the first invocations would import
    later (traceback for an error, logging for the root handler, leak tracking's threading, subprocess
    and concurrent.futures), imported now. None of them reads the environment as it loads."""
    import concurrent.futures  # noqa: F401
    import logging  # noqa: F401 (set up at INIT: install_logging)
    import subprocess  # noqa: F401
    import threading  # noqa: F401
    import traceback  # noqa: F401


def main():
    settings = load()  # (a no-op in a managed instance's processes: loaded before they were started)
    use_encoder(settings.ensure_ascii)
    leaks = settings.leaks
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
    setup_sys_path(task_root, settings.dependency_dirs)
    if leaks:
        install_leak_tracking()

    try:
        install_logging()
        handler = get_handler(handler_name)
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error = build_fault_result(sys.exc_info())
    else:
        error = None
    if error is not None:
        import logging  # (the hook sets the handler up)

        catch_up()
        logging.warning(LAMBDA_WARNING)
        log_error(error)
        flush_output()
        try:
            client.post_init_error(error)
        except RuntimeApiError as e:
            _stderr("[runtime] could not post the init error: %s" % e)
        sys.exit(1)
    catch_up()
    if env.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
        import snapstart

        client = snapstart.on_init_complete(sys.modules[__name__], client, snapstart_control)

    try:
        while True:
            headers, body = client.next()
            handle_event(client, handler, headers, body, leaks)
            if leaks:
                post_leaks(client, current.inv)
    except RuntimeApiError as e:
        _stderr("[runtime] %s" % e)
        sys.exit(1)


if __name__ == "__main__":
    if is_blank():
        preload()
    load()  # a blank sandbox waits here for its assignment; INIT starts with it
    _processes = max_concurrency()
    if _processes is None:
        main()
    else:
        run_concurrent(main, _processes)