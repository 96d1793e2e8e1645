"""numpy's PCG64 bit generator in numba: the random streams of the bit-approximate learning models.

Lava's bit-approximate learning draws from ``np.random.default_rng(seed)`` generators one number
at a time (see :mod:`neuroproc.learning.random`). To draw the very same numbers inside a fused
numba loop, the generator's state is exported into a ``uint64[6]`` array -- LCG state (high,
low 64 bits), increment (high, low), ``has_uint32``, ``uinteger`` -- and stepped here exactly as
numpy steps it: ``state = state * MULT + inc (mod 2**128)``, output the XSL-RR permutation;
``random()`` is ``(next64 >> 11) * 2**-53``; ``integers(0, 2**k)`` (k < 32) is
``(next32 * 2**k) >> 32`` (Lemire's method never rejects for a power of two), where ``next32``
uses the generator's buffered upper half. The 128-bit product is computed on 32-bit limbs, so no
intermediate exceeds 64 bits (also when numba is disabled).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["export_state", "import_state", "next_double", "next_int_pow2"]

_M = 0x2360ED051FC65DA44385DF649FCCF645
#: the multiplier's 32-bit limbs, least significant first
MULT = np.array([(_M >> (32 * k)) & 0xFFFFFFFF for k in range(4)], np.uint64)
_MASK64 = (1 << 64) - 1


def export_state(gen: np.random.Generator) -> np.ndarray:
    """The state of a numpy PCG64 generator as ``uint64[6]``."""
    st = gen.bit_generator.state
    if st["bit_generator"] != "PCG64":
        raise TypeError(f"expected a PCG64 generator (got {st['bit_generator']}).")
    s, inc = st["state"]["state"], st["state"]["inc"]
    return np.array([s >> 64, s & _MASK64, inc >> 64, inc & _MASK64, st["has_uint32"], st["uinteger"]],
                    np.uint64)


def import_state(gen: np.random.Generator, arr: np.ndarray) -> None:
    """Write ``uint64[6]`` state back into a numpy PCG64 generator."""
    a = [int(v) for v in arr]
    gen.bit_generator.state = {"bit_generator": "PCG64",
                               "state": {"state": (a[0] << 64) | a[1], "inc": (a[2] << 64) | a[3]},
                               "has_uint32": a[4], "uinteger": a[5]}


@njit(cache=True)
def _next64(st):
    m32 = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    s = np.empty(4, np.uint64)
    s[0] = st[1] & m32
    s[1] = st[1] >> s32
    s[2] = st[0] & m32
    s[3] = st[0] >> s32
    col = np.zeros(5, np.uint64)
    for i in range(4):
        for j in range(4 - i):
            p = s[i] * MULT[j]  # < 2**64
            col[i + j] += p & m32
            col[i + j + 1] += p >> s32
    inc = np.empty(4, np.uint64)
    inc[0] = st[3] & m32
    inc[1] = st[3] >> s32
    inc[2] = st[2] & m32
    inc[3] = st[2] >> s32
    carry = np.uint64(0)
    out = np.empty(4, np.uint64)
    for k in range(4):
        v = col[k] + inc[k] + carry
        out[k] = v & m32
        carry = v >> s32
    hi = (out[3] << s32) | out[2]
    lo = (out[1] << s32) | out[0]
    st[0] = hi
    st[1] = lo
    x = hi ^ lo
    rot = hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True)
def next_double(st):
    """``Generator.random()``: a float in [0, 1)."""
    return np.float64(_next64(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def next_int_pow2(st, bits):
    """``Generator.integers(0, 2**bits)`` for 0 < bits < 32."""
    if st[4] != 0:
        st[4] = np.uint64(0)
        u = st[5]
    else:
        n = _next64(st)
        st[4] = np.uint64(1)
        st[5] = n >> np.uint64(32)
        u = n & np.uint64(0xFFFFFFFF)
    return np.int64((u << np.uint64(bits)) >> np.uint64(32))
