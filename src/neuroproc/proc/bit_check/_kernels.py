"""numba kernel of BitCheck (see neuroproc.runtime.kernels): the post-management check of the
watched Var, reached through the ``state`` ref-port."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["bit_check_spec"]


@njit(cache=True)
def bit_check_step(t, overflowed, bits, value):
    """``overflowed[0] = 1`` once an entry of ``value`` (cast to int32, as numpy's ``astype``
    does) falls outside ``bits`` signed bits -- the range ``(x << (32 - bits)) >> (32 - bits)``
    keeps in int32."""
    b = np.int64(bits)
    lo = -(np.int64(1) << (b - 1))
    hi = (np.int64(1) << (b - 1)) - 1
    flat = value.reshape(value.size)
    for i in range(flat.size):
        x = np.int64(np.int32(flat[i]))
        if x < lo or x > hi:
            overflowed[0] = 1
            return


def _prepare(model) -> None:
    """``_overflowed`` as a one-entry int64 array the kernel writes (``get`` reads it the same)."""
    if not isinstance(model._overflowed, np.ndarray) or model._overflowed.dtype != np.int64:
        model._overflowed = np.array(model._overflowed, np.int64).reshape(1)


def bit_check_spec() -> KernelSpec:
    return KernelSpec(step=bit_check_step, arrays=("_overflowed",), params=lambda m: (int(np.ravel(m.bits)[0]),),
                      prepare=_prepare, setup=_prepare, ref_ports=("state",), label="bit_check")
