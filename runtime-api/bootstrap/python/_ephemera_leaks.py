"""Leak tracking (design §5; on only when the emulator's settings say so): the threads, subprocesses and
futures each invocation starts, the `[leaked from N]` mark on their output, and the report posted after
the invocation has answered. The rules are the Node client's (leak-rules.mjs)."""

import os
import sys

from _ephemera_common import current, is_runtime_file, to_json
from _ephemera_import_hook import after_import
from _ephemera_rapid_client import quote


def leak_origin():
    """The request id output written now is "leaked from": set for a thread started (directly or
    not) by invocation N, when N is not the running invocation or has already answered."""
    threading = sys.modules.get("threading")
    if threading is None:
        return None  # (nothing has started a thread: no import of threading just to know it)
    origin = getattr(threading.current_thread(), "_ephemera_origin", None)
    if origin is None:
        return None
    inv = current.inv
    if inv is None or origin is not inv or inv["answered"]:
        return origin["rid"]
    return None


def _creation_origin():
    """The invocation a thread/process being started now belongs to, or None."""
    import threading

    if threading.current_thread() is threading.main_thread():
        return current.inv if current.handler_running else None
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
        if not is_runtime_file(name) and not name.startswith("<") and not os.path.realpath(name).startswith(_stdlib()):
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
        origin = leak_origin() if text else None
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
    return is_runtime_file(name) or os.path.realpath(name).startswith(_stdlib()) or "site-packages" in name


def install_leak_tracking():
    """Records threads started, subprocesses spawned and futures made by each invocation (from the
    handler, or from a thread it started), and marks their output. Each module is patched once it is
    imported (now, when it is already): a function that starts nothing does not import them."""
    after_import("threading", _track_threads)
    after_import("subprocess", _track_subprocesses)
    after_import("concurrent.futures", _track_futures)
    sys.stdout = _LeakMarkingStream(sys.stdout)
    sys.stderr = _LeakMarkingStream(sys.stderr)


def _track_threads(threading):
    start = threading.Thread.start

    def tracked_start(self, *args, **kwargs):
        origin = _creation_origin()
        if origin is not None:
            self._ephemera_origin = origin
            origin["threads"].append((self, _user_site(2), _made_by_library(2)))
        return start(self, *args, **kwargs)

    threading.Thread.start = tracked_start


def _track_subprocesses(subprocess):
    popen_init = subprocess.Popen.__init__

    def tracked_init(self, *args, **kwargs):
        popen_init(self, *args, **kwargs)
        origin = _creation_origin()
        if origin is not None:
            origin["procs"].append((self, _user_site(2)))

    subprocess.Popen.__init__ = tracked_init


def _track_futures(futures):
    future_init = futures.Future.__init__

    def tracked_future(self, *args, **kwargs):
        future_init(self, *args, **kwargs)
        origin = _creation_origin()
        if origin is not None:
            origin["futures"].append((self, _user_site(2)))

    futures.Future.__init__ = tracked_future


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
    path = "/_ephemera/runtime/invocation/" + quote(inv["rid"]) + "/leaks"
    try:
        client.request("POST", path, body, "application/json")
    except Exception:
        pass  # the report is best-effort: never break the loop
