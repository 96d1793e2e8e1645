"""Passthrough and LinearChain models: the compliance check, then behaviour against hand-made
expectations, run unfolded (``fold=False``) so the models themselves run."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps, ShapeError, ValidationError
from neuroproc.proc.io import sink, source
from neuroproc.proc.passthrough import (
    LinearChain,
    Passthrough,
    PyLinearChainModelFloat,
    PyPassthroughModelFixed,
    PyPassthroughModelFloat,
)
from neuroproc.utils.testing import check_process_model
from tests.proc import VARIANTS, variant  # noqa: F401 (fixture)
from tests.proc.dense.graded_order import fixed_order_dot

BACKENDS = ["python", "compiled"]


@pytest.mark.parametrize("model", [PyPassthroughModelFloat, PyPassthroughModelFixed, PyLinearChainModelFloat])
def test_models_comply(model):
    # check_process_model compiles with the default fold='exact', which removes a Passthrough
    # fed by one source: its declarations are checked there, its behaviour by the tests below
    if model is PyLinearChainModelFloat:
        check_process_model(lambda: LinearChain(np.arange(6.0).reshape(3, 2), delay=2), model)
    else:
        check_process_model(lambda: Passthrough((2, 3)), model)


def test_models_carry_their_tags_and_the_fold_marker():
    assert PyPassthroughModelFloat.tags == ["floating_pt"]
    assert PyPassthroughModelFixed.tags == ["fixed_pt"]
    for m in (PyPassthroughModelFloat, PyPassthroughModelFixed):
        assert m.fold_identity == ("s_in", "s_out")
    assert not hasattr(PyLinearChainModelFloat, "fold_identity")


def _run(variant, data, backend, fold=False, extra=None):
    """source(data) -> pt -> sink; optional second source into pt; returns sink data and probe."""
    steps = np.shape(data)[-1]
    src = source.RingBuffer(data=variant.spikes(data))
    pt = Passthrough(np.shape(data)[:-1])
    snk = sink.RingBuffer(shape=np.shape(data)[:-1], buffer=steps)
    src.s_out.connect(pt.s_in)
    pt.s_out.connect(snk.a_in)
    if extra is not None:
        source.RingBuffer(data=variant.spikes(extra)).s_out.connect(pt.s_in)
    mon = Monitor()
    mon.probe(pt.s_out, steps)
    cfg = Loihi1SimCfg(select_tag=variant.tag, backend=backend, fold=fold)
    try:
        src.run(RunSteps(steps), cfg)
        assert src.runtime.backend.name == backend
        return snk.data.get(), mon.get_data()[pt.name]["s_out"], pt.model_class
    finally:
        src.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_passthrough_sends_its_input_in_the_same_step(variant, backend):
    data = np.array([[[3, 0, -2, 7], [1, 1, 0, 5]]])          # shape (1, 2) x 4 steps
    got, probed, model = _run(variant, data, backend)
    assert model is (PyPassthroughModelFixed if variant.fixed else PyPassthroughModelFloat)
    np.testing.assert_array_equal(got, data)                  # column t is step t: no delay
    np.testing.assert_array_equal(probed, np.moveaxis(data, -1, 0))


@pytest.mark.parametrize("backend", BACKENDS)
def test_passthrough_sums_fan_in(variant, backend):
    a = np.array([[1, 2, 3], [0, 0, 4]])
    b = np.array([[10, 0, -3], [5, 6, 0]])
    got, _, _ = _run(variant, a, backend, extra=b)
    np.testing.assert_array_equal(got, a + b)


@pytest.mark.parametrize("backend", BACKENDS)
def test_float_passthrough_keeps_fractions(backend):
    data = np.array([[0.25, -1.5, 3.0]])
    got, _, _ = _run(VARIANTS["floating_pt"], data, backend)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, data)


def test_fixed_passthrough_kernel_leaves_float_input_to_python():
    # int32 out from a float64 sum is numpy's cast; the kernel declines it
    from neuroproc.proc.passthrough._kernels import passthrough_spec

    assert PyPassthroughModelFixed.kernel_in_kinds == "iub"
    assert passthrough_spec("iub").in_kinds == ("iub",)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("delay", [1, 2, 3])
def test_linear_chain_delays_the_product_by_delay_steps(delay, binary, backend):
    rng = np.random.default_rng(1)
    w = rng.normal(size=(3, 7))
    s = rng.normal(size=(7, 8)) * (rng.random((7, 8)) < 0.7)
    pipeline = rng.normal(size=(delay, 3))
    lc = LinearChain(w, delay=delay, pipeline=pipeline, binary_input=binary)
    src = source.RingBuffer(data=s)
    snk = sink.RingBuffer(shape=(3,), buffer=8)
    src.s_out.connect(lc.s_in)
    lc.a_out.connect(snk.a_in)
    try:
        lc.run(RunSteps(8), Loihi1SimCfg(backend=backend))
        assert lc.runtime.backend.name == backend
        got = snk.data.get()
    finally:
        lc.stop()
    for t in range(1, 9):
        x = s[:, t - delay - 1]
        # the graded float Dense's product, in its fixed order (an interpreted second implementation)
        want = pipeline[t % delay] if t <= delay else fixed_order_dot(w, x != 0 if binary else x)
        assert got[:, t - 1].tobytes() == want.tobytes()


def test_construction_checks():
    with pytest.raises(ShapeError, match=r"Passthrough.shape: shape must be a positive int"):
        Passthrough(0)
    with pytest.raises(ShapeError, match=r"LinearChain.weights: expected a non-empty 2-D matrix"):
        LinearChain(np.ones(3), delay=1)
    with pytest.raises(ValidationError, match=r"LinearChain.delay must be an int >= 1 \(got 0\)"):
        LinearChain(np.ones((2, 2)), delay=0)
    with pytest.raises(ValidationError, match=r"expected shape \(2, 2\) = \(delay, n_out\) \(got \(1, 2\)\)"):
        LinearChain(np.ones((2, 3)), delay=2, pipeline=np.zeros((1, 2)))
    assert Passthrough((2, 3)).shape == (2, 3)
