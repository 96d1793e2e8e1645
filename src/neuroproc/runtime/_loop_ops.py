"""The fused loop's own array operations, as jitted functions with their own disk cache.

Written inline in the generated loop, ``data[t - 1] = v`` (a Monitor's row) and ``buf += src``
(fan-in) make numba type and lower its general array-assignment and ufunc machinery (slicing,
broadcasting, casting) anew for every fused loop: about 2 s of a first compilation. As calls of
these functions they are compiled once per installation and loaded from numba's cache after
that. They do what numpy's assignment and in-place add do for arrays of equal size, item by item
in C order (the same casts, the same additions). Without the JIT they are those numpy
statements (item by item, Python would refuse integers that numpy's array casts wrap).
"""
from __future__ import annotations

import numba
from numba import njit

__all__ = ["add_into", "clear", "record_row"]


@njit(cache=True)
def record_row(data, row, value):
    """``data[row] = value``: ``value`` (an array of any layout) has the size of one row of the
    C-contiguous ``data``."""
    dst = data[row]
    flat = dst.reshape(dst.size)
    if value.size != flat.size:
        raise ValueError("record_row: the recorded value changed its size")
    k = 0
    for x in value.flat:
        flat[k] = x
        k += 1


@njit(cache=True)
def clear(buf):
    """``buf[...] = 0`` for a C-contiguous ``buf``."""
    flat = buf.reshape(buf.size)
    for i in range(flat.size):
        flat[i] = 0


@njit(cache=True)
def add_into(buf, src):
    """``buf += src`` for a C-contiguous ``buf`` and a ``src`` (any layout) of its shape."""
    flat = buf.reshape(buf.size)
    k = 0
    for x in src.flat:
        flat[k] += x
        k += 1


if numba.config.DISABLE_JIT:
    def record_row(data, row, value):  # noqa: F811 - the same operation, by numpy
        """``data[row] = value``."""
        if value.size != data[row].size:
            raise ValueError("record_row: the recorded value changed its size")
        data[row] = value.reshape(data[row].shape)

    def clear(buf):  # noqa: F811
        """``buf[...] = 0``."""
        buf.fill(0)

    def add_into(buf, src):  # noqa: F811
        """``buf += src``."""
        buf += src
