"""SnapStart in ephemera's Python runtime client. After INIT (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start)
the before-snapshot hooks run, then GET /runtime/restore/next marks the snapshot point, as on AWS.
The snapshot is this process itself: it becomes a zygote, idle on a control socket the server gave it
(_EPHEMERA_SNAPSTART_CONTROL), and forks one copy of its memory per restored environment. Each copy
leaves the zygote's session, takes the new environment's output socket, Runtime API and TMPDIR,
calls GET /runtime/restore/next there, runs the after-restore hooks and goes on as the runtime.
The zygote reaps its copies and reports how each ended: `exit <pid> <exit code, -signal>`.
"""

import json
import os
import signal
import socket
import sys

BEFORE_SNAPSHOT_ERROR = "Runtime.BeforeSnapshotError"
AFTER_RESTORE_ERROR = "Runtime.AfterRestoreError"


def run_before_snapshot():
    from snapshot_restore_py import get_before_snapshot

    hooks = get_before_snapshot()
    while hooks:  # the last registered runs first, and each runs once
        func, args, kwargs = hooks.pop()
        func(*args, **kwargs)


def run_after_restore():
    from snapshot_restore_py import get_after_restore

    for func, args, kwargs in get_after_restore():
        func(*args, **kwargs)


def on_init_complete(rt, client, control_path):
    """INIT is done. Returns the Runtime API client the restored runtime goes on with (in a fork),
    or exits (exit 64: a before-snapshot hook failed; 65: an after-restore hook failed)."""
    try:
        run_before_snapshot()
        client.restore_next()
    except Exception:
        _fail(rt, client, "/init/error", BEFORE_SNAPSHOT_ERROR, 64)
    if not control_path:
        # No zygote asked for (a custom launcher): restored in place, as AWS resumes the snapshot.
        return _after_restore(rt, client)
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
        rt._stderr("[runtime] SnapStart: a restored copy is a fork, which keeps only the main thread; not in it: %s" % ", ".join(others))
    request = _zygote(control_path)
    os.environ.update(request["env"])
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None  # gettempdir() caches INIT's TMPDIR: this environment has its own
    try:
        new_client = rt.RapidClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
        new_client.restore_next()
    except rt.RuntimeApiError as e:
        rt._stderr("[runtime] %s" % e)
        os._exit(1)
    return _after_restore(rt, new_client)


def _after_restore(rt, client):
    try:
        run_after_restore()
    except Exception:
        _fail(rt, client, "/restore/error", AFTER_RESTORE_ERROR, 65)
    return client


def _fail(rt, client, path, error_type, code):
    error = rt.build_fault_result(sys.exc_info())
    rt.log_error(error)
    rt.flush_output()
    try:
        client._post(rt.BASE + path, rt.to_json(error).encode("utf-8"), "application/json", error_type)
    except rt.RuntimeApiError as e:
        rt._stderr("[runtime] %s" % e)
    sys.exit(code)


def _parent_death_signal():
    """prctl(PR_SET_PDEATHSIG, SIGKILL) for a fork (a fork does not inherit it); a no-op without ctypes."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return lambda: None
    return lambda: prctl(1, signal.SIGKILL, 0, 0, 0)


def _zygote(control_path):
    """Serve forks until the server closes the control socket; returns only in a fork, with its request."""
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl.connect(control_path)
    reader = ctl.makefile("rb")

    def send(text):
        try:
            ctl.sendall(text.encode("utf-8"))
        except OSError:
            os._exit(0)

    def reap(signum, frame):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            send("exit %d %d\n" % (pid, os.waitstatus_to_exitcode(status)))

    signal.signal(signal.SIGCHLD, reap)
    die_with_zygote = _parent_death_signal()
    zygote = os.getpid()
    send("ready %d\n" % os.getpid())
    while True:
        line = reader.readline()
        if not line:
            os._exit(0)  # the server let the snapshot go
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setsid()  # its own session and process group: frozen, thawed and killed on its own
            die_with_zygote()  # the zygote ends with the emulator: a fork, even a frozen one, goes with it
            if os.getppid() != zygote:
                os._exit(1)  # it ended before the signal was armed
            reader.close()
            ctl.close()
            out = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            out.connect(request["output"])
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            out.close()
            return request
        send("forked %s %d\n" % (request["id"], pid))
