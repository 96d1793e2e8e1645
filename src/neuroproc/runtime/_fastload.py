"""Loading a fused loop's machine code from numba's disk cache without numba's full start-up.

On its first cache lookup in an interpreter numba "refreshes" its CPU target: it imports and
registers every typing and lowering implementation it has (arrays, unicode, random, typed
containers, linear algebra -- which imports ``scipy.linalg`` and starts scipy's BLAS threads).
That takes about a quarter of a second of CPU, and none of it is needed to *run* machine code
that is already compiled: the cached library is linked against numba's runtime (NRT) and C
helpers only. :class:`FastLoadCache` is numba's own per-function cache with that one step
replaced by the runtime's initialisation. On a miss nothing changes: numba's compiler refreshes
the target itself before it compiles, so a later compilation in the same interpreter (another
fused loop, a user's ``@njit`` function) sees every implementation as usual.

Only neuroproc's own loops use it: the fused loops, and the jitted sums the python backend's
Dense and Sparse models call; numba's behaviour for any other function is untouched.
"""
from __future__ import annotations

from numba.core.caching import FunctionCache

__all__ = ["FastLoadCache", "fast_loaded", "use_fast_load"]

_state = {"loaded": False}


class FastLoadCache(FunctionCache):
    """numba's :class:`~numba.core.caching.FunctionCache` without the target refresh on a load."""

    def load_overload(self, sig, target_context):
        try:
            from numba.core.runtime import rtsys

            rtsys.initialize(target_context)  # the cached code allocates through the NRT
        except (ImportError, AttributeError):  # a numba whose internals differ: its own way
            return super().load_overload(sig, target_context)
        with self._guard_against_spurious_io_errors():
            loaded = self._load_overload(sig, target_context)
        if loaded is not None:
            _state["loaded"] = True
        return loaded


def fast_loaded() -> bool:
    """Whether machine code was loaded this way in this process (numba's runtime is up: loading
    more costs little)."""
    return _state["loaded"]


def use_fast_load(dispatcher) -> None:
    """Make ``dispatcher`` (an ``@njit(cache=True)`` function) load through :class:`FastLoadCache`.

    A plain Python function (``NUMBA_DISABLE_JIT``) or a dispatcher without a disk cache is left
    as it is."""
    cache = getattr(dispatcher, "_cache", None)
    if type(cache) is FunctionCache and hasattr(cache, "_load_overload") \
            and hasattr(cache, "_guard_against_spurious_io_errors"):
        dispatcher._cache = FastLoadCache(dispatcher.py_func)
