"""Run Lava programs unchanged: ``import lava…`` resolves to neuroproc, module path for module path.

::

    import neuroproc.compat.lava; neuroproc.compat.lava.install()
    from lava.proc.lif.process import LIF            # neuroproc.proc.lif.process.LIF

or, without touching the script, ``python -m neuroproc.compat.lava script.py [args]``; in a
notebook ``%load_ext neuroproc.compat.lava`` (or ``import neuroproc.compat.lava.auto``).

The mapping (see :mod:`neuroproc.compat.lava._table`): ``lava.proc.<x>.<mod>`` ->
``neuroproc.proc.<x>.<mod>``, ``lava.magma.core.learning.<mod>`` -> ``neuroproc.learning.<mod>``,
``lava.networks.<mod>`` -> ``neuroproc.networks.<mod>``, ``lava.utils.<mod>`` ->
``neuroproc.utils.<mod>``, Lava's core modules (``lava.magma.…``) through an explicit table, and
shims for what Lava has and neuroproc keeps elsewhere. A name neuroproc lacks fails at import
time with :class:`NoCounterpartError` ("neuroproc has no counterpart of lava.x.y.Name").
"""
from __future__ import annotations

import sys

from neuroproc.compat.lava._finder import LavaFinder, LavaModule, NoCounterpartError
from neuroproc.exceptions import RuntimeStateError

__all__ = ["NoCounterpartError", "install", "installed", "load_ipython_extension", "uninstall"]

_finder: LavaFinder | None = None


def installed() -> bool:
    """True while the ``lava`` import hook is active."""
    return _finder is not None and _finder in sys.meta_path


def install() -> None:
    """Make ``import lava…`` resolve to neuroproc (idempotent).

    Raises
    ------
    RuntimeStateError
        When a real ``lava`` package is already imported: its classes and neuroproc's cannot be
        mixed in one program.
    """
    global _finder
    if installed():
        return
    real = [name for name, mod in list(sys.modules.items())
            if (name == "lava" or name.startswith("lava.")) and not isinstance(mod, LavaModule)]
    if real:
        raise RuntimeStateError(
            f"neuroproc.compat.lava.install: a real Lava package is already imported (got "
            f"{sorted(real)[0]!r} from {getattr(sys.modules[sorted(real)[0]], '__file__', '?')}). "
            "Install the layer before anything imports lava, in a fresh interpreter.")
    _finder = LavaFinder()
    sys.meta_path.insert(0, _finder)
    from neuroproc.compat.lava import _behaviour

    _behaviour.enable()


def uninstall() -> None:
    """Remove the hook and forget every ``lava…`` module it made (for tests and notebooks)."""
    global _finder
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = None
    for name in [n for n, m in sys.modules.items() if isinstance(m, LavaModule)]:
        del sys.modules[name]
    from neuroproc.compat.lava import _behaviour

    _behaviour.disable()


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext neuroproc.compat.lava`` in IPython / Jupyter installs the layer."""
    install()
