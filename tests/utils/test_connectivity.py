"""Pooling and convolution as weight matrices, against direct numpy/scipy computations."""
from __future__ import annotations

import doctest

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.lib.stride_tricks import sliding_window_view

from neuroproc import Loihi1SimCfg, RunSteps, ShapeError, ValidationError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.sparse.process import Sparse
from neuroproc.utils import connectivity
from neuroproc.utils.connectivity import (
    average_pooling_weights,
    convolution_output_shape,
    convolution_weights,
    pooling_output_shape,
)

RNG = np.random.default_rng(42)


def correlate2d(*args, **kwargs):
    from scipy.signal import correlate2d as scipy_correlate2d  # not at collection: slow import

    return scipy_correlate2d(*args, **kwargs)


# inputs and kernels are O(1) and a window sums at most 36 products: a few ulps of O(10) values
TOL = 1e-13


def test_docstring_examples():
    result = doctest.testmod(connectivity, verbose=False)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("shape, pool", [((4, 6), 2), ((6, 6), (3, 2)), ((4, 4, 3), 2), ((8, 6, 2), (2, 3))])
def test_pooling_equals_reshaped_block_means(shape, pool):
    x = RNG.normal(size=shape)
    w = average_pooling_weights(shape, pool)
    assert sp.isspmatrix_csr(w) or isinstance(w, sp.csr_array)
    ph, pw = (pool, pool) if isinstance(pool, int) else pool
    h, wd = shape[:2]
    blocks = x.reshape(h // ph, ph, wd // pw, pw, *shape[2:]).mean(axis=(1, 3))
    got = (w @ x.reshape(-1)).reshape(pooling_output_shape(shape, pool))
    np.testing.assert_allclose(got, blocks, rtol=0, atol=TOL)
    assert w.nnz == x.size  # tiling windows: every input is in exactly one window


def test_overlapping_pooling_equals_sliding_window_means():
    x = RNG.normal(size=(7, 5, 2))
    w = average_pooling_weights(x.shape, 3, stride=(2, 1))
    windows = sliding_window_view(x, (3, 3), axis=(0, 1))[::2, ::1]   # (3, 3, 2, 3, 3)
    expected = windows.mean(axis=(-2, -1))
    assert pooling_output_shape(x.shape, 3, (2, 1)) == expected.shape == (3, 3, 2)
    np.testing.assert_allclose((w @ x.reshape(-1)).reshape(expected.shape), expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (1, 1), ((2, 1), (0, 2)), (3, 2)])
def test_single_channel_convolution_equals_correlate2d(stride, padding):
    x = RNG.normal(size=(9, 8))
    k = RNG.normal(size=(3, 2))
    w = convolution_weights(x.shape, k, stride=stride, padding=padding)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    expected = correlate2d(np.pad(x, ((ph, ph), (pw, pw))), k, mode="valid")[::sh, ::sw]
    out_shape = convolution_output_shape(x.shape, k.shape, stride, padding)
    assert out_shape == expected.shape
    np.testing.assert_allclose((w @ x.reshape(-1)).reshape(out_shape), expected, rtol=0, atol=TOL)


def test_multi_channel_convolution_sums_correlations_over_input_channels():
    x = RNG.normal(size=(6, 7, 3))
    k = RNG.normal(size=(3, 3, 3, 4))           # (kh, kw, in, out), TensorFlow's layout
    w = convolution_weights(x.shape, k, stride=1, padding=1)
    expected = np.stack([sum(correlate2d(np.pad(x[:, :, c], 1), k[:, :, c, o], mode="valid") for c in range(3))
                         for o in range(4)], axis=-1)
    assert w.shape == (6 * 7 * 4, 6 * 7 * 3)
    np.testing.assert_allclose((w @ x.reshape(-1)).reshape(6, 7, 4), expected, rtol=0, atol=TOL)


def test_zero_taps_and_padding_are_not_stored():
    k = np.array([[0.0, 1.0], [2.0, 0.0]])
    w = convolution_weights((3, 3), k, padding=1)     # 4 x 4 outputs, 2 taps, some in the padding
    assert w.nnz == np.count_nonzero(w.toarray()) == 18
    assert np.all(w.data != 0)


def test_weights_drive_dense_and_sparse_connections():
    x = RNG.random((4, 4))
    w = average_pooling_weights((4, 4), 2)
    results = []
    for conn in (Dense(w.toarray(), num_message_bits=24), Sparse(w, num_message_bits=24)):
        src = source.RingBuffer(data=np.repeat(x.reshape(-1, 1), 2, axis=1))
        snk = sink.RingBuffer(shape=(4,), buffer=2)
        src.s_out.connect(conn.s_in)
        conn.a_out.connect(snk.a_in)
        src.run(RunSteps(2), Loihi1SimCfg(select_tag="floating_pt"))
        results.append(snk.data.get()[:, 1])   # one step of synaptic delay
        src.stop()
    expected = x.reshape(2, 2, 2, 2).mean(axis=(1, 3)).reshape(-1)
    for got in results:
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


def test_bad_arguments_raise_helpful_errors():
    with pytest.raises(ShapeError, match=r"in_shape must be \(height, width\) or \(height, width, channels\)"):
        average_pooling_weights((4,), 2)
    with pytest.raises(ValidationError, match=r"pool: expected an int >= 1 or a pair of them \(got 0\)"):
        average_pooling_weights((4, 4), 0)
    with pytest.raises(ShapeError, match=r"the window \(5\) is larger than the padded input \(4\)"):
        average_pooling_weights((4, 4), 5)
    with pytest.raises(ShapeError, match=r"kernel's in_channels \(2\) must equal the image's \(3\)"):
        convolution_weights((4, 4, 3), np.ones((2, 2, 2, 1)))
    with pytest.raises(ShapeError, match=r"a \(kh, kw\) kernel needs an image without channels"):
        convolution_weights((4, 4, 3), np.ones((2, 2)))
    with pytest.raises(ValidationError, match=r"padding: expected an int >= 0"):
        convolution_weights((4, 4), np.ones((2, 2)), padding=-1)
    with pytest.raises(ValidationError, match=r"kernel must be finite"):
        convolution_weights((4, 4), np.array([[np.nan]]))
