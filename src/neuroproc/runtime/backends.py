"""Backend choice: ``'python'`` (reference), ``'compiled'`` (fused kernels) or ``'auto'``.

``'auto'`` uses the compiled backend whenever every model of the network provides a kernel and
the python backend otherwise; ``backend.reason`` says why the python backend was used.
``'compiled'`` does the same but warns when it has to fall back.
"""
from __future__ import annotations

import warnings

from neuroproc.exceptions import NeuroprocWarning, ValidationError

__all__ = ["make_backend"]


def make_backend(executable, name: str = "auto"):
    """Build the backend ``name`` for ``executable``."""
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
    return CompiledBackend(executable, plan)
