"""Lambda SnapStart runtime hooks for Python: the `snapshot_restore_py` module that Lambda's Python
runtimes (3.12 and later) provide, with the same API. Functions register callables to run just
before the snapshot is taken (at publish) and just after an environment is restored from it.
Registration works as a call (`register_after_restore(f, *args, **kwargs)`) or as a decorator.
ephemera's runtime client (snapstart.py) runs them: before-snapshot hooks last-registered first,
after-restore hooks in the order they were registered."""

_before_snapshot_registry = []
_after_restore_registry = []


def register_before_snapshot(func, *args, **kwargs):
    """Run `func(*args, **kwargs)` before the snapshot is taken. Returns `func` (a decorator too)."""
    _before_snapshot_registry.append((func, args, kwargs))
    return func


def register_after_restore(func, *args, **kwargs):
    """Run `func(*args, **kwargs)` in each environment restored from the snapshot. Returns `func`."""
    _after_restore_registry.append((func, args, kwargs))
    return func


def get_before_snapshot():
    return _before_snapshot_registry


def get_after_restore():
    return _after_restore_registry
