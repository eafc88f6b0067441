"""Code that must run once a standard module exists (the root logger's handler once `logging` does, leak
tracking's patches once `threading`, `subprocess` or `concurrent.futures` do), without importing the
module ahead: AWS's runtime imports them at start-up, which costs every cold start of a function that
never uses them several ms. Seen from the function, the same: the set-up is in place before any code
can use the module. after_import() runs it now when the module is loaded already (a blank sandbox
preloads them), else right after its first import, by the function or any library."""

import sys


class _AfterImportFinder(object):
    """A sys.meta_path finder that wraps the loader of the modules waited for: their set-up runs right
    after the module's code has. A spec found without being loaded (importlib.util.find_spec, to probe
    for a module) changes nothing. It leaves sys.meta_path once nothing is waited for."""

    def __init__(self):
        self.waiting = {}  # module name → [callback(module)]

    def find_spec(self, name, path=None, target=None):
        if name not in self.waiting:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return None  # an unusual import set-up: another finder loads it (see catch_up)

        def exec_and_set_up(module):
            exec_module(module)
            _run(name, module)

        loader.exec_module = exec_and_set_up
        return spec


_finder = _AfterImportFinder()


def _run(name, module):
    callbacks = _finder.waiting.pop(name, ())
    if not _finder.waiting:
        try:
            sys.meta_path.remove(_finder)
        except ValueError:
            pass
    for callback in callbacks:
        callback(module)


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
    """For the unusual import set-ups the finder could not wrap (after INIT): the set-ups of modules
    another finder has loaded run now."""
    for name in list(_finder.waiting):
        module = sys.modules.get(name)
        if module is not None:
            _run(name, module)
