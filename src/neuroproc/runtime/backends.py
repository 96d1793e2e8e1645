"""Backend choice: ``'python'`` (reference), ``'compiled'`` (fused kernels) or ``'auto'``.

``'auto'`` uses the compiled backend whenever every model of the network provides a kernel and
the python backend otherwise -- and also when the first run is a short blocking
``RunSteps(n)`` (``n <= SHORT_RUN``) while the network's fused loop is not compiled yet (neither
loaded in this interpreter nor in the disk cache): compiling takes a second or more, the python backend
finishes such a run first. The network then stays on the python backend (a backend is chosen
once per network); ``backend='compiled'`` compiles regardless. ``backend.reason`` says why the
python backend was used. ``'compiled'`` does the same but warns when it has to fall back.
"""
from __future__ import annotations

import warnings

from neuroproc.exceptions import NeuroprocWarning, ValidationError

__all__ = ["SHORT_RUN", "make_backend"]

#: first runs of at most this many steps go to the python backend under ``'auto'`` while the
#: fused loop is not compiled (a first compilation costs 0.5-1 s CPU for a small network, more
#: for many kinds of models; 100 python steps of the E/I network about 5 ms)
SHORT_RUN = 100


def make_backend(executable, name: str = "auto", condition=None):
    """Build the backend ``name`` for ``executable``; ``condition`` is the first run's, if known."""
    from neuroproc.runtime.python_backend import PythonBackend

    if name is None:
        name = "auto"
    if name == "python":
        backend = PythonBackend(executable)
        backend.reason = "requested"
        return backend
    if name not in ("auto", "compiled"):
        raise ValidationError(f"unknown backend {name!r}: use 'python', 'compiled' or 'auto'.")
    from neuroproc.runtime.compiled_backend import CompiledBackend, Unsupported, plan_compiled

    try:
        plan = plan_compiled(executable)
    except Unsupported as why:
        backend = PythonBackend(executable)
        backend.reason = f"compiled backend not used: {why}"
        if name == "compiled":
            warnings.warn(f"backend='compiled' fell back to the python backend: {why}. Give the "
                          "model a kernel() (see neuroproc.runtime.kernels) to fuse it.",
                          NeuroprocWarning, stacklevel=4)
        return backend
    steps = getattr(condition, "num_steps", None)
    if name == "auto" and steps is not None and steps <= SHORT_RUN and getattr(condition, "blocking", False):
        compiled = CompiledBackend(executable, plan, load=False)
        if compiled.cached() is None:
            python = PythonBackend(executable)
            python.reason = (f"auto: the first run is RunSteps({steps}) and this network's fused loop is "
                             "not compiled yet (that takes a second or more): the python backend finishes first. "
                             "The network stays on it; pass backend='compiled' to compile instead")
            return python
        compiled.load()
        return compiled
    return CompiledBackend(executable, plan)
