"""Backend choice: ``'python'`` (reference), ``'compiled'`` (fused kernels) or ``'auto'``."""
from __future__ import annotations

from neuroproc.exceptions import ValidationError

__all__ = ["make_backend"]


def make_backend(executable, name: str = "auto"):
    """Build the backend ``name`` for ``executable``."""
    from neuroproc.runtime.python_backend import PythonBackend

    if name in ("auto", "python", None):
        return PythonBackend(executable)
    if name == "compiled":
        try:
            from neuroproc.runtime.compiled_backend import CompiledBackend
        except ImportError as exc:
            raise ValidationError("backend='compiled' is not available in this build.") from exc
        return CompiledBackend(executable)
    raise ValidationError(f"unknown backend {name!r}: use 'python', 'compiled' or 'auto'.")
