"""numba kernel of the Conv models (see neuroproc.runtime.kernels).

The step computes :func:`neuroproc.proc.conv.utils.conv` in the very same order of additions:
for each output pixel and channel, per input channel of its group a partial sum over the kernel
taps (x, then y) from 0, and the partial sums added in increasing input channel order. Taps in
the padding and zero inputs are skipped: they would add a zero, which changes no sum that starts
from +0. The fixed model sums int64 and wraps the int32 result to signed 24 bits.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["conv_spec"]


@njit(cache=True)
def conv_early(t, a_buf, weight, geom, a_out):
    flat_in = a_buf.reshape(a_buf.size)
    flat_out = a_out.reshape(a_out.size)
    for i in range(flat_out.size):
        flat_out[i] = flat_in[i]


@njit(cache=True)
def _value(s, x, y, c, graded):
    v = s[x, y, c]
    if graded:
        return v
    return 1 if v != 0 else 0


@njit(cache=True)
def conv_step(t, a_buf, weight, geom, s_in):
    """geom: [sx, sy, px, py, dx, dy, groups, graded, bits] (bits = 0: float, else wrap to bits)."""
    sx, sy, px, py, dx, dy = geom[0], geom[1], geom[2], geom[3], geom[4], geom[5]
    groups, graded, bits = geom[6], geom[7] != 0, geom[8]
    xo, yo, k = a_buf.shape
    x_in, y_in = s_in.shape[0], s_in.shape[1]
    _, kx, ky, cg = weight.shape
    nx, ny = dx * (kx - 1) + 1, dy * (ky - 1) + 1
    k_grp = k // groups
    for m in range(xo):
        for n in range(yo):
            for ko in range(k):
                g = ko // k_grp
                if bits == 0:
                    acc = 0.0
                    for cl in range(cg):
                        part = 0.0
                        for a in range(kx):
                            xi = m * sx + nx - 1 - a * dx - px
                            if xi < 0 or xi >= x_in:
                                continue
                            for b in range(ky):
                                yi = n * sy + ny - 1 - b * dy - py
                                if yi < 0 or yi >= y_in:
                                    continue
                                part += np.float64(_value(s_in, xi, yi, g * cg + cl, graded)) * weight[ko, a, b, cl]
                        acc += part
                    a_buf[m, n, ko] = acc
                else:
                    iacc = np.int64(0)
                    for cl in range(cg):
                        for a in range(kx):
                            xi = m * sx + nx - 1 - a * dx - px
                            if xi < 0 or xi >= x_in:
                                continue
                            for b in range(ky):
                                yi = n * sy + ny - 1 - b * dy - py
                                if yi < 0 or yi >= y_in:
                                    continue
                                iacc += np.int64(_value(s_in, xi, yi, g * cg + cl, graded)) * np.int64(weight[ko, a, b, cl])
                    v = ((iacc + 2147483648) & 4294967295) - 2147483648   # the int32 cast
                    half = np.int64(1) << (bits - 1)
                    a_buf[m, n, ko] = ((v + half) & ((half << 1) - 1)) - half


def conv_spec(model, bits: int) -> KernelSpec | None:
    if model.a_buf.ndim != 3 or model.weight.ndim != 4:
        return None

    def params(m):
        (sx, sy), (px, py), (dx, dy) = (tuple(int(v) for v in np.ravel(a)) for a in (m.stride, m.padding, m.dilation))
        graded = int(int(np.asarray(m.num_message_bits).ravel()[0]) > 0)
        return (np.array([sx, sy, px, py, dx, dy, int(np.ravel(m.groups)[0]), graded, bits], np.int64),)

    kind = "iub" if bits else ""
    return KernelSpec(step=conv_step, early=conv_early, arrays=("a_buf", "weight"), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, in_kinds=(kind,), label="conv",
                      early_copies=(("a_out", "a_buf"),))
