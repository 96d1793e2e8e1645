"""Connection weight matrices for pooling and convolution, so they need no neurons.

A convolution or an average pooling is a linear map of its input: it can live in the weights of a
``Dense`` or ``Sparse`` connection (Nengo's ``Convolution`` transform on a connection), not in a
population of its own. These helpers build that map as a ``scipy.sparse`` CSR matrix of shape
``(n_out, n_in)``: ``y = W @ x`` with ``x`` and ``y`` the flattened input and output. They are
front ends of :class:`~neuroproc.proc.conv.process.Conv`'s own map
(:func:`neuroproc.proc.conv.utils.conv_matrix`, one path for both): a kernel in TensorFlow's
layout and correlation here is Conv's flipped kernel, and a pooling is a Conv with one group per
channel.

Layout and flattening order: images are ``(height, width)`` or ``(height, width, channels)``
(channels last, as in TensorFlow/Keras), flattened in C order, so pixel ``(i, j, c)`` is entry
``(i * width + j) * channels + c``. That is what ``x.reshape(-1)`` and neuroproc's port
``.flatten()`` / ``.reshape()`` do. ``convolution_weights`` computes a cross-correlation (the
kernel is not flipped), as TensorFlow's ``Conv2D`` and ``scipy.signal.correlate2d`` do.

Examples
--------
>>> import numpy as np
>>> w = average_pooling_weights((4, 4), 2)
>>> w.shape, pooling_output_shape((4, 4), 2)
((4, 16), (2, 2))
>>> x = np.arange(16.0)
>>> (w @ x).reshape(2, 2)
array([[ 2.5,  4.5],
       [10.5, 12.5]])
>>> convolution_weights((3, 3), np.ones((2, 2))).toarray()[0]
array([1., 1., 0., 1., 1., 0., 0., 0., 0.])
"""
from __future__ import annotations

import numbers

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from neuroproc._validation import short_repr
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.proc.conv.utils import conv_matrix

__all__ = ["average_pooling_weights", "convolution_output_shape", "convolution_weights",
           "pooling_output_shape"]


def _pair(value, what: str, minimum: int) -> tuple[int, int]:
    items = None
    if isinstance(value, numbers.Integral):
        items = (value, value)
    elif isinstance(value, (tuple, list)):
        items = tuple(value)
    if items is None or len(items) != 2 or any(
            isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum for v in items):
        raise ValidationError(f"{what}: expected an int >= {minimum} or a pair of them "
                              f"(got {short_repr(value)}). Pass e.g. 2 or (2, 3).")
    return int(items[0]), int(items[1])


def _image_shape(in_shape, what: str) -> tuple[int, int, int, bool]:
    """(height, width, channels, has_channel_axis)."""
    shape = tuple(in_shape) if isinstance(in_shape, (tuple, list)) else None
    if shape is None or len(shape) not in (2, 3) or any(
            isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in shape):
        raise ShapeError(f"{what}: in_shape must be (height, width) or (height, width, channels) of "
                         f"positive ints (got {short_repr(in_shape)}). Pass e.g. (28, 28) or (28, 28, 3).")
    h, w = int(shape[0]), int(shape[1])
    return h, w, int(shape[2]) if len(shape) == 3 else 1, len(shape) == 3


def _out_size(size: int, window: int, stride: int, pad: int, what: str) -> int:
    span = size + 2 * pad - window
    if span < 0:
        raise ShapeError(f"{what}: the window ({window}) is larger than the padded input ({size + 2 * pad}) "
                         f"(got in size {size}, padding {pad}). Use a smaller window or more padding.")
    return span // stride + 1


def pooling_output_shape(in_shape, pool, stride=None) -> tuple[int, ...]:
    """Shape of the output of :func:`average_pooling_weights` (channels kept, if any)."""
    h, w, c, has_c = _image_shape(in_shape, "pooling_output_shape")
    ph, pw = _pair(pool, "pooling_output_shape: pool", 1)
    sh, sw = (ph, pw) if stride is None else _pair(stride, "pooling_output_shape: stride", 1)
    out = (_out_size(h, ph, sh, 0, "pooling_output_shape"), _out_size(w, pw, sw, 0, "pooling_output_shape"))
    return out + ((c,) if has_c else ())


def convolution_output_shape(in_shape, kernel_shape, stride=1, padding=0) -> tuple[int, ...]:
    """Shape of the output of :func:`convolution_weights` for a kernel of ``kernel_shape``."""
    h, w, c, has_c = _image_shape(in_shape, "convolution_output_shape")
    kernel_shape = tuple(kernel_shape)
    sh, sw = _pair(stride, "convolution_output_shape: stride", 1)
    ph, pw = _pair(padding, "convolution_output_shape: padding", 0)
    out = (_out_size(h, kernel_shape[0], sh, ph, "convolution_output_shape"),
           _out_size(w, kernel_shape[1], sw, pw, "convolution_output_shape"))
    return out + ((kernel_shape[3],) if len(kernel_shape) == 4 else ())


def _window_matrix(h, w, c_in, kernel4, stride, padding, groups: int = 1) -> sp.csr_matrix:
    """CSR of the map x (h, w, c_in) -> y (ho, wo, c_out), y = correlation of x with kernel4
    (kh, kw, c_in / groups, c_out), zero padding, both flattened in C order: Conv's map
    (:func:`neuroproc.proc.conv.utils.conv_matrix`, a true convolution) with the kernel flipped."""
    lava_kernel = np.ascontiguousarray(kernel4[::-1, ::-1].transpose(3, 0, 1, 2))
    return conv_matrix((h, w, c_in), lava_kernel, stride, padding, 1, groups)


def average_pooling_weights(in_shape, pool, stride=None) -> sp.csr_matrix:
    """Weights of an average pooling: each output is the mean of a ``pool`` window.

    Parameters
    ----------
    in_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)``; channels are pooled separately.
    pool : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``pool`` (windows that tile the image). Windows do not
        run past the edge ('valid' pooling): see :func:`pooling_output_shape`.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n_out, n_in)
        ``1 / (pool_h * pool_w)`` where an input lies in an output's window, in the flattening
        order of the module docstring.
    """
    h, w, c, _ = _image_shape(in_shape, "average_pooling_weights")
    ph, pw = _pair(pool, "average_pooling_weights: pool", 1)
    strides = (ph, pw) if stride is None else _pair(stride, "average_pooling_weights: stride", 1)
    pooling_output_shape(in_shape, (ph, pw), strides)  # window must fit
    # one group per channel: every channel is pooled on its own
    return _window_matrix(h, w, c, np.full((ph, pw, 1, c), 1.0 / (ph * pw)), strides, (0, 0), groups=c)


def convolution_weights(in_shape, kernel: npt.ArrayLike, stride=1, padding=0) -> sp.csr_matrix:
    """Weights of a 2-D convolution (cross-correlation, as TensorFlow's ``Conv2D``).

    Parameters
    ----------
    in_shape : tuple of int
        ``(height, width)`` or ``(height, width, in_channels)``.
    kernel : array_like
        ``(kh, kw)`` for a single-channel image and output, or ``(kh, kw, in_channels,
        out_channels)`` (TensorFlow's layout) for channels; then the output is
        ``(ho, wo, out_channels)`` and ``y[i, j, o] = sum x[i*s + di - p, j*s + dj - p, c] *
        kernel[di, dj, c, o]`` over ``di, dj, c``.
    stride : int or (int, int)
        Step between output positions.
    padding : int or (int, int)
        Zeros added on each side ('same' for an odd kernel ``k`` and stride 1 is ``(k - 1) // 2``).

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n_out, n_in)
        Zero kernel entries and taps in the padding are left out.
    """
    h, w, c, has_c = _image_shape(in_shape, "convolution_weights")
    k = np.asarray(kernel)
    if k.dtype.kind not in "iuf" or k.ndim not in (2, 4) or 0 in k.shape:
        raise ShapeError(f"convolution_weights: kernel must be a numeric (kh, kw) or (kh, kw, in_channels, "
                         f"out_channels) array (got {short_repr(kernel)}, shape {k.shape}). Pass e.g. np.ones((3, 3)).")
    if k.dtype.kind == "f" and not np.all(np.isfinite(k)):
        raise ValidationError(f"convolution_weights: kernel must be finite (got {short_repr(kernel)}). "
                              "Pass finite numbers.")
    if k.ndim == 2:
        if has_c:
            raise ShapeError(f"convolution_weights: a (kh, kw) kernel needs an image without channels "
                             f"(got in_shape {tuple(in_shape)}). Pass a (kh, kw, in_channels, out_channels) kernel.")
        k = k[:, :, np.newaxis, np.newaxis]
    elif k.shape[2] != c:
        raise ShapeError(f"convolution_weights: the kernel's in_channels ({k.shape[2]}) must equal the image's "
                         f"({c}) (got kernel shape {k.shape}, in_shape {tuple(in_shape)}). Match them.")
    strides = _pair(stride, "convolution_weights: stride", 1)
    pads = _pair(padding, "convolution_weights: padding", 0)
    convolution_output_shape(in_shape, k.shape, strides, pads)  # window must fit
    return _window_matrix(h, w, c, k, strides, pads)
