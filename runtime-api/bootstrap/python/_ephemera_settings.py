"""The emulator's settings for this runtime client, read once from fd 6 before any other part reads the
environment; and a blank sandbox's assignment, which comes with them (server/environment/blank-plan.ts):
the runtime was started before its function was known, and becomes that function's here."""

import importlib  # noqa: F401 (loads the handler)
import json
import os
import socket  # noqa: F401 (the Runtime API client's: loaded before a blank sandbox waits, not in the function's INIT)
import sys
import time

SETTINGS_FD = 6  # server/environment/worker-process.ts


def _read_settings():
    """The emulator's settings (leak tracking, folders of dependencies built for the function): one
    JSON object on fd 6, read once and closed, so nothing of the emulator's reaches the function's
    environment or its child processes. A runtime started by hand has no fd 6: no settings. A blank
    sandbox waits here, blocked in the read, until it is assigned a function."""
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
        if not isinstance(value, dict):
            return {}
        if isinstance(value.get("assignment"), dict):
            _apply_assignment(value.pop("assignment"))
        return value
    except Exception:
        # (A blank sandbox closed without an assignment gets {} and exits: no AWS_LAMBDA_RUNTIME_API.)
        return {}


def _apply_assignment(assignment):
    """The function's environment replaces the blank's entirely, its working directory is entered,
    PYTHONPATH's entries go where Python puts them as it starts (after the script's dir), TZ applies."""
    env = assignment.get("env") or {}
    # Python's C locale coercion (PEP 538) set LC_CTYPE as it started, as it does for a spawned runtime
    # with the same LANG (a function setting LANG or LC_* is never given a blank): it stays.
    coerced = os.environ.get("LC_CTYPE")
    os.environ.clear()
    os.environ.update(env)
    if coerced is not None and "LC_CTYPE" not in env:
        os.environ["LC_CTYPE"] = coerced
    os.chdir(assignment["cwd"])
    sys.path[1:1] = [p for p in (env.get("PYTHONPATH") or "").split(os.pathsep) if p]
    time.tzset()


SETTINGS = _read_settings()
