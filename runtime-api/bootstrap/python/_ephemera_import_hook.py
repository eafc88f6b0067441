"""Code that must run once a standard module exists (the root logger's handler once `logging` does, leak
tracking's patches once `threading`, `subprocess` or `concurrent.futures` do), without importing the
module ahead: AWS's runtime imports them at start-up, which costs every cold start of a function that
never uses them several ms. Seen from the function, the same: the set-up is in place before any code
can use the module. after_import() runs it now when the module is loaded already (a blank sandbox
preloads them), else right after its first import, by the function or any library."""

import sys


class _AfterImportFinder(object):
    """A sys.meta_path finder that wraps the loader of the modules waited for: their set-up runs right
    after the module's code. It leaves sys.meta_path once nothing is waited for."""

    def __init__(self):
        self.waiting = {}  # module name → [callback(module)]

    def find_spec(self, name, path=None, target=None):
        if name not in self.waiting:
            return None
        callbacks = self.waiting.pop(name)
        if not self.waiting:
            _remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            _unwrapped.extend((name, c) for c in callbacks)  # an unusual import set-up: see catch_up()
            return None

        def exec_and_set_up(module):
            exec_module(module)
            for callback in callbacks:
                callback(module)

        loader.exec_module = exec_and_set_up
        return spec


_finder = _AfterImportFinder()
_unwrapped = []  # (name, callback) whose module another finder loads


def _remove(finder):
    try:
        sys.meta_path.remove(finder)
    except ValueError:
        pass


def after_import(name, callback):
    """callback(module) once the module `name` is imported: now if it is already."""
    module = sys.modules.get(name)
    if module is not None:
        callback(module)
        return
    if not _finder.waiting:
        sys.meta_path.insert(0, _finder)
    _finder.waiting.setdefault(name, []).append(callback)


def catch_up():
    """For the unusual import set-ups the finder could not wrap (after INIT): the set-ups whose module
    has been loaded by another finder run now."""
    for item in list(_unwrapped):
        module = sys.modules.get(item[0])
        if module is not None:
            _unwrapped.remove(item)
            item[1](module)
