"""Conv: the arithmetic against scipy and against its own sparse matrix, the compiled kernel
against the python models bit for bit (float, fixed with the 24-bit wrap, groups, stride,
padding, dilation), validation, and folding a graded float chain of Conv as a linear map."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from neuroproc import Loihi2SimCfg, Monitor, RunSteps, ShapeError, ValidationError, deployment_report
from neuroproc.proc.conv import utils
from neuroproc.proc.conv.process import Conv
from neuroproc.proc.io import sink, source

CONFIGS = [  # kernel (kx, ky), stride, padding, dilation, groups, in channels, out channels
    ((3, 3), 1, 0, 1, 1, 2, 3),
    ((3, 2), (2, 1), (1, 2), (1, 2), 2, 2, 4),
    ((2, 2), 2, 1, 1, 4, 4, 4),
    ((1, 3), (1, 3), (0, 1), (2, 1), 1, 3, 2),
    ((4, 5), 1, 2, 1, 1, 1, 2),
    ((5, 4), (1, 2), (3, 2), (2, 3), 1, 2, 2),  # wide and dilated: scipy's newer grouping of taps differs
]


def _case(cfg, seed, graded=True, integer=False):
    (kx, ky), stride, padding, dilation, groups, c_in, c_out = cfg
    rng = np.random.default_rng(seed)
    shape = (rng.integers(7, 11), rng.integers(7, 11), c_in)
    w = rng.integers(-100, 100, (c_out, kx, ky, c_in // groups)) if integer else rng.normal(size=(c_out, kx, ky, c_in // groups))
    x = rng.integers(-20, 20, shape) if integer else rng.normal(size=shape)
    if not graded:
        x = rng.random(shape) < 0.3
    return x, w, (kx, ky), stride, padding, dilation, groups


def _scipy_conv(x, w, kernel, stride, padding, dilation, groups):
    """Independent expectation: Lava's definition, per channel pair with scipy's convolve2d."""
    s, p, d = (utils.make_tuple(v) for v in (stride, padding, dilation))
    k = w.shape[0]
    dil = np.zeros((k, d[0] * (kernel[0] - 1) + 1, d[1] * (kernel[1] - 1) + 1, w.shape[3]))
    dil[:, ::d[0], ::d[1], :] = w
    xp = np.pad(x.astype(float), ((p[0], p[0]), (p[1], p[1]), (0, 0)))
    out = np.zeros(utils.output_shape(x.shape, k, kernel, s, p, d))
    k_grp, c_grp = k // groups, x.shape[2] // groups
    for g in range(groups):
        for ko in range(k_grp):
            for c in range(c_grp):
                full = signal.convolve2d(xp[:, :, c + g * c_grp], dil[ko + g * k_grp, :, :, c], mode="valid")
                out[:, :, ko + g * k_grp] += full[::s[0], ::s[1]]
    return out


@pytest.mark.parametrize("cfg", CONFIGS)
def test_conv_is_lavas_convolution(cfg):
    x, w, *rest = _case(cfg, 1)
    got, ref = utils.conv(x, w, *rest), _scipy_conv(x, w, *rest)
    assert got.shape == ref.shape
    narrow = rest[3] if np.isscalar(rest[3]) else rest[3][1]
    if narrow * (cfg[0][1] - 1) + 1 <= 3:
        np.testing.assert_array_equal(got, ref)  # scipy adds the taps one by one, as conv does
    else:
        # scipy 1.17 groups the taps of wider kernels differently (older scipy, which Lava's
        # references used, adds them one by one): equal up to a few ulps of O(10) sums
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
    xi, wi, *rest = _case(cfg, 2, integer=True)
    np.testing.assert_array_equal(utils.conv(xi, wi, *rest), _scipy_conv(xi, wi, *rest).astype(wi.dtype))


def _convolve2d_loop(image, kernel):
    """scipy's C ``convolve2d`` of Lava's version (``pylab_convolve_2d``, mode 'valid'),
    transcribed: per output, ``sum = 0``, then for kernel row j and column k in increasing order
    ``sum += image[m + J - 1 - j, n + K - 1 - k] * kernel[j, k]`` -- zero (dilation) taps
    included. Vectorised over the outputs only, so each output's additions keep this order."""
    nj, nk = kernel.shape
    xo, yo = image.shape[0] - nj + 1, image.shape[1] - nk + 1
    out = np.zeros((xo, yo))
    for j in range(nj):
        for k in range(nk):
            out += image[nj - 1 - j:nj - 1 - j + xo, nk - 1 - k:nk - 1 - k + yo] * kernel[j, k]
    return out


@pytest.mark.parametrize("cfg", CONFIGS)
def test_conv_sums_in_the_order_of_lavas_scipy_whatever_scipy_is_installed(cfg):
    """Lava's conv_scipy, with the convolve2d of the scipy its references were made with: exact,
    for wide dilated kernels too (installed scipy versions may add the taps in another order)."""
    x, w, kernel, stride, padding, dilation, groups = _case(cfg, 6)
    s, p, d = (utils.make_tuple(v) for v in (stride, padding, dilation))
    k = w.shape[0]
    dil = np.zeros((k, d[0] * (kernel[0] - 1) + 1, d[1] * (kernel[1] - 1) + 1, w.shape[3]))
    dil[:, ::d[0], ::d[1], :] = w
    xp = np.pad(x, ((p[0], p[0]), (p[1], p[1]), (0, 0)))
    want = np.zeros(utils.output_shape(x.shape, k, kernel, s, p, d))
    k_grp, c_grp = k // groups, x.shape[2] // groups
    for g in range(groups):
        for ko in range(k_grp):
            for c in range(c_grp):
                full = _convolve2d_loop(xp[:, :, c + g * c_grp], dil[ko + g * k_grp, :, :, c])
                want[:, :, ko + g * k_grp] += full[::s[0], ::s[1]]
    np.testing.assert_array_equal(utils.conv(x, w, kernel, stride, padding, dilation, groups), want)
    # the compiled kernel, fed the same image as a graded message, sends the same sums
    conv = Conv(weight=w, input_shape=x.shape, padding=padding, stride=stride, dilation=dilation, groups=groups,
                num_message_bits=16, name="conv")
    sent, _ = _run(conv, np.repeat(x[..., None], 2, axis=-1), 2, "floating_pt", "compiled")
    np.testing.assert_array_equal(sent[..., 1], want)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_conv_matrix_and_conv_to_sparse_are_the_same_map(cfg):
    x, w, kernel, stride, padding, dilation, groups = _case(cfg, 3)
    out = utils.conv(x, w, kernel, stride, padding, dilation, groups)
    m = utils.conv_matrix(x.shape, w, stride, padding, dilation, groups)
    np.testing.assert_allclose(m @ x.ravel(), out.ravel(), rtol=0, atol=1e-12)
    dst, src, wgt = utils.conv_to_sparse(x.shape, out.shape, w, utils.make_tuple(stride), utils.make_tuple(padding),
                                         utils.make_tuple(dilation), groups)
    np.testing.assert_array_equal(np.sort(dst * m.shape[1] + src), np.sort(m.tocoo().row * m.shape[1] + m.tocoo().col))
    assert np.isclose(np.sort(wgt), np.sort(m.data)).all()


def _run(conv, data, steps, tag, backend):
    src = source.RingBuffer(data=data, name="src")
    snk = sink.RingBuffer(shape=conv.output_shape, buffer=steps, name="snk")
    src.s_out.connect(conv.s_in)
    conv.a_out.connect(snk.a_in)
    mon = Monitor(name="mon")
    mon.probe(conv.a_buf, steps)
    try:
        src.run(RunSteps(steps), Loihi2SimCfg(select_tag=tag, backend=backend))
        assert src.runtime.backend.name == backend
        return snk.data.get(), mon.get_data()[conv.name]["a_buf"]
    finally:
        src.stop()


@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize("graded", [False, True])
@pytest.mark.parametrize("fixed", [False, True])
def test_compiled_kernel_equals_the_python_model_bit_for_bit(cfg, graded, fixed):
    x, w, kernel, stride, padding, dilation, groups = _case(cfg, 4, graded=graded, integer=fixed)
    steps = 6
    rng = np.random.default_rng(5)
    if graded:
        scale = 2**14 if fixed else 1.0  # fixed: large enough that sums wrap at 24 bits
        data = (rng.integers(-40, 40, x.shape + (steps,)) * scale).astype(np.int64 if fixed else float)
    else:
        data = (rng.random(x.shape + (steps,)) < 0.3).astype(int)
    kw = dict(weight=w, input_shape=x.shape, padding=padding, stride=stride, dilation=dilation, groups=groups,
              num_message_bits=16 if graded else 0, name="conv")
    tag = "fixed_pt" if fixed else "floating_pt"
    ref = _run(Conv(**kw), data, steps, tag, "python")
    got = _run(Conv(**kw), data, steps, tag, "compiled")
    assert np.abs(ref[0]).max() > 0
    if fixed and graded:
        assert np.abs(ref[0]).max() <= 2**23 < np.abs(utils.conv(data[..., 0], w, kernel, stride, padding, dilation,
                                                                 groups)).max()  # the wrap happened
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(a, b)


def test_conv_validates_its_arguments():
    w = np.ones((4, 3, 3, 2))
    with pytest.raises(ShapeError, match=r"c::Conv: in_channels \(3\) and out_channels \(4\) must be divisible"):
        Conv(weight=w, input_shape=(8, 8, 3), groups=1, name="c")
    with pytest.raises(ValidationError, match=r"c::Conv.stride: expected an int >= 1 or a pair of them"):
        Conv(weight=w, input_shape=(8, 8, 2), stride=0, name="c")
    with pytest.raises(ShapeError, match="Conv: the output would have x size 0"):
        Conv(weight=w, input_shape=(2, 8, 2), name="c")
    conv = Conv(weight=w, input_shape=(8, 6, 2), padding=(1, 2), stride=(2, 1), dilation=(1, 2))
    assert conv.output_shape == (4, 6, 4) and conv.padding.init == (1, 2) and conv.kernel_size.init == (3, 3)


def test_a_graded_float_conv_chain_folds_as_one_linear_map():
    rng = np.random.default_rng(8)
    data = rng.normal(size=(6, 6, 2, 15))
    w1, w2 = rng.normal(size=(3, 3, 3, 2)), rng.normal(size=(2, 2, 2, 3))
    runs = {}
    for mode in (False, "linear"):
        src = source.RingBuffer(data=data, name="src")
        c1 = Conv(weight=w1, input_shape=(6, 6, 2), padding=1, num_message_bits=8, name="c1")
        c2 = Conv(weight=w2, input_shape=c1.output_shape, stride=2, num_message_bits=8,
                  name="c2")
        snk = sink.RingBuffer(shape=c2.output_shape, buffer=15, name="snk")
        src.s_out.connect(c1.s_in)
        c1.a_out.connect(c2.s_in)
        c2.a_out.connect(snk.a_in)
        cfg = Loihi2SimCfg(select_tag="floating_pt", fold=mode)
        report = deployment_report(src, cfg)
        try:
            src.run(RunSteps(15), cfg)
            runs[mode] = snk.data.get()
        finally:
            src.stop()
    [item] = [f for f in report.fold.folded if f.kind == "linear"]
    assert item.processes == ("c1::Conv", "c2::Conv") and "delay 2 steps" in item.detail
    np.testing.assert_array_equal(runs[False][..., :2], 0)
    assert np.abs(runs[False]).max() > 1
    # (W2 W1) s and W2 (W1 s) round differently: equal up to a few ulps
    np.testing.assert_allclose(runs["linear"], runs[False], rtol=0, atol=1e-12)
