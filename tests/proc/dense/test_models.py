"""Dense behaviour: one test body for float and bit-accurate, then the bit-accurate conversion."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Monitor, RunSteps, ValidationError
from neuroproc.exceptions import PrecisionWarning, RuntimeStateError
from neuroproc.proc import io
from neuroproc.proc.dense.models import PyDenseModelBitAcc, PyDenseModelFloat
from neuroproc.proc.dense.process import Dense
from neuroproc.utils.fixed_point import SignMode
from tests.proc import VARIANTS, run_chain, variant  # noqa: F401 (fixture)

BITACC = VARIANTS["fixed_pt"]
FLOAT = VARIANTS["floating_pt"]


def a_buff_trace(variant, dense, data, steps=None) -> np.ndarray:
    steps = steps or np.shape(data)[1]
    return run_chain(variant, dense, data, steps, probes=[dense.a_buff])[f"{dense.name}.a_buff"]


def test_variant_selects_the_expected_model(variant):
    dense = Dense(np.eye(2))
    a_buff_trace(variant, dense, np.zeros((2, 1)))
    assert dense.model_class is (PyDenseModelBitAcc if variant.fixed else PyDenseModelFloat)


def test_binary_spikes_add_the_columns_of_active_inputs(variant):
    rng = np.random.default_rng(3)
    w = 2 * rng.integers(-60, 60, size=(7, 9))                 # even: unchanged by conversion
    data = (rng.random((9, 12)) < 0.4).astype(int)
    got = a_buff_trace(variant, Dense(w), data)
    np.testing.assert_array_equal(got, (w @ data).T)         # row k: after step k + 1


def test_a_out_is_the_accumulation_of_the_previous_step(variant):
    dense = Dense(np.array([[3.0, 5.0]]))
    data = np.array([[0, 1, 0, 1], [0, 1, 1, 0]])
    src = io.source.RingBuffer(data=variant.spikes(data))
    src.s_out.connect(dense.s_in)
    mon = Monitor()
    mon.probe(dense.a_out, 4)
    try:
        src.run(RunSteps(4), variant.run_cfg())
        sent = mon.get_data()[dense.name]["a_out"][:, 0]
    finally:
        src.stop()
    np.testing.assert_array_equal(sent, [0, 0, 8, 5])       # W s(t-1); 0 at t = 1


def test_graded_spikes_use_the_matrix_product(variant):
    w = np.array([[2, -4, 6], [0, 8, -10]])
    data = np.array([[3, 0, 7], [1, 2, 0], [0, 5, 1]])
    got = a_buff_trace(variant, Dense(w, num_message_bits=8), data)
    np.testing.assert_array_equal(got, (w @ data).T)


def test_binary_mode_treats_any_nonzero_payload_as_one_spike(variant):
    got = a_buff_trace(variant, Dense(np.array([[2, 4]])), np.array([[3], [-1]]))
    np.testing.assert_array_equal(got[:, 0], [6])


def test_weights_set_while_paused_are_used_from_the_next_step(variant):
    dense = Dense(np.array([[2, 2]]))
    src = io.source.RingBuffer(data=variant.spikes(np.ones((2, 1))))
    src.s_out.connect(dense.s_in)
    try:
        src.run(RunSteps(1), variant.run_cfg())
        dense.weights.set(np.array([[3, 7]]))                # odd: NOT re-truncated (Lava quirk)
        src.run(RunSteps(1), variant.run_cfg())
        assert dense.a_buff.get()[0] == 10
        np.testing.assert_array_equal(dense.weights.get(), [[3, 7]])
    finally:
        src.stop()


# -- bit-accurate conversion -----------------------------------------------------------------------

def weights_after_one_step(w, **kw) -> np.ndarray:
    dense = Dense(np.array(w), **kw)
    src = io.source.RingBuffer(data=np.zeros((np.shape(w)[1], 1), dtype=np.int32))
    src.s_out.connect(dense.s_in)
    try:
        src.run(RunSteps(1), BITACC.run_cfg())
        return dense.weights.get()
    finally:
        src.stop()


@pytest.mark.parametrize("w, kw, expected", [
    ([[3, -3, 300, -300]], {}, [[2, -4, 254, -256]]),                         # auto: MIXED
    ([[3, 0, 300]], {}, [[3, 0, 255]]),                                       # auto: EXCITATORY
    ([[-3, 0, -300]], {}, [[-3, 0, -255]]),                                   # auto: INHIBITORY
    ([[3, -3, 300]], {"sign_mode": SignMode.EXCITATORY}, [[3, 0, 255]]),      # negatives clipped
    ([[-13, 7, -7]], {"sign_mode": SignMode.INHIBITORY, "num_weight_bits": 5}, [[-8, 0, 0]]),
    ([[100, 37]], {"sign_mode": SignMode.EXCITATORY, "num_weight_bits": 3}, [[96, 32]]),
    ([[7.0, -2.0]], {"num_weight_bits": 7}, [[4, -4]]),                       # MIXED: k = 2
])
def test_bitacc_converts_weights_once_on_the_first_step(w, kw, expected):
    if np.max(w) > 255 or np.min(w) < -256:  # beyond 8 bits plus sign: clipped, with a warning
        with pytest.warns(PrecisionWarning, match=r"exceed Loihi's 8 bits plus sign and are clipped"):
            got = weights_after_one_step(w, **kw)
    else:
        got = weights_after_one_step(w, **kw)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, expected)


def test_bitacc_weight_exp_shifts_the_sum_not_each_weight():
    # sum = -2 - 2 + 2 = -2; -2 >> 2 = -1 (floor). Shifting each weight would give -1 - 1 + 0 = -2.
    dense = Dense(np.array([[-2, -2, 2]]), weight_exp=-2)
    np.testing.assert_array_equal(a_buff_trace(BITACC, dense, np.ones((3, 1)))[:, 0], [-1])
    dense = Dense(np.array([[6, 2]]), weight_exp=3)
    np.testing.assert_array_equal(a_buff_trace(BITACC, dense, np.ones((2, 1)))[:, 0], [64])


def test_bitacc_a_buff_is_not_saturated_to_16_bits():
    dense = Dense(np.full((1, 40), 254), weight_exp=6, sign_mode=SignMode.EXCITATORY)
    np.testing.assert_array_equal(a_buff_trace(BITACC, dense, np.ones((40, 1)))[:, 0], [254 * 40 * 64])


def test_float_model_ignores_the_fixed_point_parameters():
    w = np.array([[0.3, -1.7, 0.05]])
    dense = Dense(w, weight_exp=3, num_weight_bits=2, sign_mode=SignMode.EXCITATORY)
    got = a_buff_trace(FLOAT, dense, np.ones((3, 1)))
    np.testing.assert_array_equal(got[:, 0], w[:, [True, True, True]].sum(axis=1))
    np.testing.assert_array_equal(dense.weights.get(), w)


@pytest.mark.parametrize("n_out", [1, 5])
def test_float_sum_equals_lavas_expression_bit_for_bit(n_out):
    # Lava's W[:, s].sum(axis=1): sequential over the active columns (pairwise for one row);
    # the same order is what makes float results equal Lava's to the last bit
    rng = np.random.default_rng(5)
    w = rng.normal(size=(n_out, 300)) * rng.choice([1e-3, 1.0, 1e3], size=(n_out, 300))
    s = rng.random((300, 4)) < 0.6
    got = a_buff_trace(FLOAT, Dense(w), s.astype(float))
    for k in range(4):
        np.testing.assert_array_equal(got[k], w[:, s[:, k]].sum(axis=1))


def test_bitacc_model_refuses_fractional_weights_at_build_and_set():
    dense = Dense(np.array([[0.5, 1.0]]), name="d")
    with pytest.raises(ValidationError, match=r"^d::Dense\.weights: PyDenseModelBitAcc needs "
                                              r"whole-number weights"):
        a_buff_trace(BITACC, dense, np.zeros((2, 1)))
    dense = Dense(np.array([[1.0, 2.0]]), name="d2")           # whole-number floats are fine
    np.testing.assert_array_equal(weights_after_one_step([[1.0, 2.0]]), [[1, 2]])
    src = io.source.RingBuffer(data=np.zeros((2, 1), dtype=np.int32))
    src.s_out.connect(dense.s_in)
    try:
        src.run(RunSteps(1), BITACC.run_cfg())
        with pytest.raises(ValidationError, match="whole-number weights"):
            dense.weights.set(np.array([[0.25, 1.0]]))
    finally:
        src.stop()


def test_weights_beyond_int32_are_refused_by_the_bitacc_model():
    dense = Dense(np.array([[2**40, 0]]))
    with pytest.raises(ValidationError, match="do not fit int32"):
        a_buff_trace(BITACC, dense, np.zeros((2, 1)))


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_num_message_bits_cannot_change_between_runs(variant, backend):
    """Both backends refuse the set (the compiled kernel is built for binary or graded spikes)."""
    data = np.array([[3, 0, 2, 1]])
    dense = Dense(np.array([[2]]), name="d")
    src = io.source.RingBuffer(data=data)
    src.s_out.connect(dense.s_in)
    mon = Monitor()
    mon.probe(dense.a_buff, 4)
    cfg = variant.run_cfg()
    cfg.backend = backend
    try:
        src.run(RunSteps(2), cfg)
        assert src.runtime.backend.name == backend
        with pytest.raises(RuntimeStateError, match=r"^d::Dense\.num_message_bits\.set: "
                                                    r"num_message_bits is fixed once the network is "
                                                    r"compiled.*before the first run"):
            dense.num_message_bits.set(np.array([8]))
        assert dense.num_message_bits.get()[0] == 0
        src.run(RunSteps(2), cfg)
        # binary spikes all the way: a_buff = 2 * (s != 0)
        np.testing.assert_array_equal(mon.get_data()[dense.a_buff][:, 0], [2, 0, 2, 2])
    finally:
        src.stop()
