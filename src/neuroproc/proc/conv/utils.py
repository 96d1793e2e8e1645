"""Convolution arithmetic of :class:`~neuroproc.proc.conv.process.Conv` (Lava's ``lava.proc.conv.utils``).

Layout (Lava's): images are ``(X, Y, C)`` = (width, height, channels), flattened in C order, so
pixel ``(x, y, c)`` is entry ``(x * Y + y) * C + c``; kernels are ``(out_channels, kx, ky,
in_channels / groups)``. The operation is a true convolution (the kernel is flipped in x and y),
as scipy's ``convolve2d`` computes it for Lava's CPU models, with zero padding, stride, dilation
and channel groups (output channel ``k + g * K/groups`` sums input channels ``c + g * C/groups``).

Two forms of the same map, one path:

* :func:`conv` -- what the Conv models compute each step, in a fixed order of additions: per
  output and input channel, one running sum over the kernel taps row by row (x, then y) from 0 --
  the loop of scipy's C ``convolve2d`` (``pylab_convolve_2d``) that Lava's reference outputs
  follow (scipy 1.17 groups the taps of kernels wider than 3 differently, which changes the
  last bits) -- and then the input channels in increasing order.
* :func:`conv_matrix` -- the same map as a ``scipy.sparse`` matrix ``(n_out, n_in)`` over the
  flattened images: Conv's linear map for the fold stage, and the builder behind
  :mod:`neuroproc.utils.connectivity` (``convolution_weights``, ``average_pooling_weights``).
"""
from __future__ import annotations

import numbers
from enum import IntEnum, unique

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import short_repr
from neuroproc.exceptions import ShapeError, ValidationError

__all__ = ["TORCH_IS_AVAILABLE", "TensorOrder", "conv", "conv_matrix", "conv_scipy", "conv_to_sparse", "make_tuple", "output_shape",
           "signed_clamp"]


#: Lava's switch to compute with torch; neuroproc always uses its own arithmetic (as Lava 0.10's
#: CPU models do, which disable torch)
TORCH_IS_AVAILABLE = False


@unique
class TensorOrder(IntEnum):
    """How images are laid out in tensors (N images, C channels, H height, W width)."""

    NCHW = 1
    CHWN = 2
    HWCN = 3
    NWHC = 4


def make_tuple(value) -> tuple:
    """``(v, v)`` for a scalar or a 1-tuple, ``(a, b)`` for a pair."""
    if np.isscalar(value):
        return value, value
    items = tuple(value)
    if len(items) == 1:
        return items[0], items[0]
    if len(items) == 2:
        return items[0], items[1]
    raise ValidationError(f"make_tuple: expected a scalar or one or two values (got {short_repr(value)}). "
                          "Pass e.g. 2 or (2, 3).")


def signed_clamp(x, bits: int):
    """Wrap ``x`` into a signed ``bits``-bit range: ``((x + 2**(bits-1)) mod 2**bits) - 2**(bits-1)``
    (Lava's fixed Conv wraps at 24 bits; it does not saturate)."""
    base = 1 << bits
    return (x + base // 2) % base - base // 2


def output_shape(input_shape, out_channels: int, kernel_size, stride, padding, dilation) -> tuple[int, int, int]:
    """``(X', Y', out_channels)`` with ``X' = floor((X + 2 p - d (k - 1) - 1) / s + 1)``."""
    sizes = []
    for axis in (0, 1):
        span = input_shape[axis] + 2 * padding[axis] - dilation[axis] * (kernel_size[axis] - 1) - 1
        size = int(np.floor(span / stride[axis] + 1))
        if size < 1:
            raise ShapeError(f"Conv: the output would have {'xy'[axis]} size {size} (got input_shape "
                             f"{tuple(input_shape)}, kernel_size {tuple(kernel_size)}, stride {tuple(stride)}, "
                             f"padding {tuple(padding)}, dilation {tuple(dilation)}). Use a smaller kernel or "
                             "dilation, or more padding.")
        sizes.append(size)
    return sizes[0], sizes[1], int(out_channels)


def _geometry(input_shape, weight_shape, stride, padding, dilation, groups):
    x, y, c = (int(v) for v in input_shape)
    k, kx, ky, cg = (int(v) for v in weight_shape)
    groups = int(groups)
    if groups < 1 or c % groups or k % groups or cg != c // groups:
        raise ShapeError(f"Conv: in_channels ({c}) and out_channels ({k}) must be divisible by groups ({groups}) "
                         f"and the kernel must have in_channels / groups = {c // max(groups, 1)} channels (got "
                         f"kernel shape {tuple(weight_shape)}). Match the kernel to the input and groups.")
    s, p, d = (tuple(int(v) for v in make_tuple(a)) for a in (stride, padding, dilation))
    out = output_shape((x, y, c), k, (kx, ky), s, p, d)
    return (x, y, c), (k, kx, ky, cg), s, p, d, groups, out


def conv(input_: np.ndarray, weight: np.ndarray, kernel_size, stride, padding, dilation, groups) -> np.ndarray:
    """The convolution of ``input_`` (X, Y, C) with ``weight``, cast to the weight's dtype.

    Integer weights and inputs are summed in int64 (Lava sums them exactly in float64; the two
    agree wherever the sum fits int32, which the int32 cast requires anyway).
    """
    (x, y, c), (k, kx, ky, cg), s, p, d, groups, out_shape = _geometry(
        input_.shape, weight.shape, stride, padding, dilation, groups)
    integer = weight.dtype.kind in "iub" and input_.dtype.kind in "iub"
    acc_t = np.int64 if integer else np.float64
    xo, yo, _ = out_shape
    nx, ny = d[0] * (kx - 1) + 1, d[1] * (ky - 1) + 1   # size of the dilated kernel
    padded = np.pad(input_.astype(acc_t), ((p[0], p[0]), (p[1], p[1]), (0, 0)))
    out = np.zeros(out_shape, acc_t)
    k_grp = k // groups
    for ko in range(k):
        g = ko // k_grp
        for cl in range(cg):
            image = padded[:, :, g * cg + cl]
            part = np.zeros((xo, yo), acc_t)
            for a in range(kx):
                ox = nx - 1 - a * d[0]
                for b in range(ky):
                    oy = ny - 1 - b * d[1]
                    part += image[ox:ox + s[0] * (xo - 1) + 1:s[0], oy:oy + s[1] * (yo - 1) + 1:s[1]] * weight[ko, a, b, cl]
            out[:, :, ko] += part
    return out.astype(weight.dtype)


def conv_scipy(input_, weight, kernel_size, stride, padding, dilation, groups) -> np.ndarray:
    """Lava's name for its scipy-based convolution; the same map as :func:`conv`, in float64."""
    return conv(np.asarray(input_, dtype=np.float64), np.asarray(weight, dtype=np.float64), kernel_size, stride,
                padding, dilation, groups)


def conv_matrix(input_shape, weight, stride=1, padding=0, dilation=1, groups: int = 1) -> sp.csr_matrix:
    """The convolution as a CSR matrix ``(X' Y' K, X Y C)``: ``conv(x).ravel() == M @ x.ravel()``.

    Zero kernel entries and taps in the padding are left out; float64 values.
    """
    w = np.asarray(weight)
    if w.ndim != 4 or w.dtype.kind not in "iuf":
        raise ShapeError(f"conv_matrix: weight must be a numeric (out_channels, kx, ky, in_channels / groups) "
                         f"array (got {short_repr(weight)}). Pass a 4-D kernel.")
    (x, y, c), (k, kx, ky, cg), s, p, d, groups, (xo, yo, _) = _geometry(
        tuple(input_shape), w.shape, stride, padding, dilation, groups)
    nx, ny = d[0] * (kx - 1) + 1, d[1] * (ky - 1) + 1
    mo, no, a, b, cl, ko = np.meshgrid(np.arange(xo), np.arange(yo), np.arange(kx), np.arange(ky), np.arange(cg),
                                       np.arange(k), indexing="ij", sparse=True)
    xi = mo * s[0] + (nx - 1 - a * d[0]) - p[0]
    yi = no * s[1] + (ny - 1 - b * d[1]) - p[1]
    ci = (ko // (k // groups)) * cg + cl
    shape = np.broadcast_shapes(xi.shape, yi.shape, ci.shape)
    vals = np.broadcast_to(w[ko, a, b, cl], shape)
    keep = np.broadcast_to((xi >= 0) & (xi < x) & (yi >= 0) & (yi < y), shape) & (vals != 0)
    rows = np.broadcast_to((mo * yo + no) * k + ko, shape)[keep]
    cols = np.broadcast_to((xi * y + yi) * c + ci, shape)[keep]
    return sp.coo_matrix((vals[keep].astype(np.float64), (rows, cols)), shape=(xo * yo * k, x * y * c)).tocsr()


def conv_to_sparse(input_shape, output_shape, kernel, stride, padding, dilation, group: int = 1,
                   order: TensorOrder = TensorOrder.NWHC) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Destination indices, source indices and weights of the convolution's synapses (Lava's
    format), for images in Lava's order (``TensorOrder.NWHC``: input (X, Y, C), kernel (out, kx,
    ky, in / groups))."""
    if order != TensorOrder.NWHC:
        raise ValidationError(f"conv_to_sparse: only TensorOrder.NWHC, Lava's own order, is supported (got "
                              f"{TensorOrder(order).name}). Transpose the images and kernel to (X, Y, C) and "
                              "(out, kx, ky, in).")
    mat = conv_matrix(input_shape, np.asarray(kernel), stride, padding, dilation, group).tocoo()
    if mat.shape[0] != int(np.prod(output_shape)):
        raise ShapeError(f"conv_to_sparse: output_shape {tuple(output_shape)} does not match the convolution's "
                         f"{mat.shape[0]} outputs. Pass utils.output_shape(...).")
    return mat.row.astype(int), mat.col.astype(int), mat.data


def check_pair(value, what: str, minimum: int) -> tuple[int, int]:
    """An int >= ``minimum`` or a pair of them, as a pair (for Conv's stride, padding, dilation)."""
    items = (value, value) if isinstance(value, numbers.Integral) else tuple(np.ravel(value))
    if len(items) == 1:
        items = (items[0], items[0])
    if len(items) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum
                              for v in items):
        raise ValidationError(f"{what}: expected an int >= {minimum} or a pair of them (got {short_repr(value)}). "
                              "Pass e.g. 1 or (1, 2).")
    return int(items[0]), int(items[1])
