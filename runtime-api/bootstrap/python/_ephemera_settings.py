"""The emulator's settings for this runtime client and the function's configuration (its log format and
level, the JSON encoder of its runtime), read once by load() at the start of INIT, after a blank
sandbox's assignment (server/environment/blank-plan.ts): a blank was started before its function was
known, so no part of this client reads the environment as it is imported. They read `settings`, which
holds the neutral defaults below until load() fills it."""

import json
import os
import sys
import time

SETTINGS_FD = 6  # server/environment/worker-process.ts


class Settings(object):
    """The function's configuration as this client uses it. Only load() writes it."""

    __slots__ = ["loaded", "leaks", "dependency_dirs", "log_json", "log_level", "ensure_ascii"]

    def __init__(self):
        self.loaded = False
        self.leaks = False  # leak tracking (the emulator's setting)
        self.dependency_dirs = ()  # folders of dependencies built for the function
        self.log_json = False  # AWS_LAMBDA_LOG_FORMAT=JSON
        self.log_level = ""  # AWS_LAMBDA_LOG_LEVEL, TRACE as DEBUG
        self.ensure_ascii = True  # AWS's encoder: ensure_ascii=False on python3.12 only (sic)


settings = Settings()


def is_blank():
    """Started before its function was known? A spawned runtime's environment is its function's from
    the start (AWS_LAMBDA_RUNTIME_API included); a blank's has only PATH, LANG, TZ, LD_LIBRARY_PATH."""
    return "AWS_LAMBDA_RUNTIME_API" not in os.environ


def load():
    """Reads the emulator's settings from fd 6 (a blank sandbox waits there for its assignment and
    applies it), then the function's configuration from its environment. Once per process: a
    managed instance's processes forked after it inherit it."""
    if settings.loaded:
        return settings
    raw = _read_settings()
    env = os.environ
    level = (env.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    settings.leaks = raw.get("leaks") is True
    settings.dependency_dirs = tuple(d for d in raw.get("dependencyDirs") or () if isinstance(d, str))
    settings.log_json = (env.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
    settings.log_level = "DEBUG" if level == "TRACE" else level
    settings.ensure_ascii = env.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
    settings.loaded = True
    return settings


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
