"""The fused loop's array operations equal numpy's assignment and in-place add, cast for cast."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.runtime._loop_ops import add_into, clear, record_row

DTYPES = [np.float64, np.float32, np.int32, np.int64, np.int16, np.bool_]


def _values(dtype, shape, rng):
    if dtype is np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    return (rng.normal(0, 1e3, shape)).astype(dtype)


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", [np.float64, np.float32, np.int32, np.int64])
@pytest.mark.parametrize("layout", ["c", "transposed", "strided"])
def test_record_row_is_numpy_row_assignment(src, dst, layout):
    rng = np.random.default_rng(7)
    full = _values(src, (6, 8), rng)
    value = {"c": full[:3, :4].copy(), "transposed": full[:4, :3].T, "strided": full[::2, ::2]}[layout]
    data = np.zeros((5, *value.shape), dst)
    expected = data.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        expected[3] = value.astype(dst) if src is not np.bool_ else value
        record_row(data, 3, value)
    np.testing.assert_array_equal(data, expected)


def test_record_row_refuses_a_value_of_another_size():
    with pytest.raises(ValueError, match="size"):
        record_row(np.zeros((2, 3)), 0, np.zeros(4))


# numpy refuses float into int in place ('same_kind'); fan-in buffers take their senders' dtype
@pytest.mark.parametrize("src, dst", [(s, d) for s in (np.float64, np.float32, np.int32, np.int64, np.bool_)
                                      for d in (np.float64, np.int32, np.int64) if np.can_cast(s, d, "same_kind")])
def test_clear_and_add_into_are_numpy_fill_and_inplace_add(src, dst):
    rng = np.random.default_rng(3)
    a, b = _values(src, (4, 5), rng), _values(src, (5, 4), rng).T  # b: not C-contiguous
    buf = _values(dst, (4, 5), rng)
    expected = np.zeros_like(buf)
    with np.errstate(over="ignore"):
        expected += a
        expected += b
    clear(buf)
    assert not buf.any()
    with np.errstate(over="ignore"):
        add_into(buf, a)
        add_into(buf, b)
    np.testing.assert_array_equal(buf, expected)


def test_monitors_and_summed_fan_in_in_a_fused_loop_equal_the_python_backend():
    """Two Dense into one LIF (fan-in summed in the loop) and Monitors on v, u and a port."""
    def run(backend):
        rng = np.random.default_rng(11)
        lif = LIF(shape=(12,), du=0.2, dv=0.1, vth=1.0, bias_mant=rng.uniform(0, 0.3, 12))
        d1 = Dense(weights=rng.normal(0, 0.6, (12, 12)))
        d2 = Dense(weights=rng.normal(0.1, 0.4, (12, 12)))
        lif.s_out.connect(d1.s_in)
        lif.s_out.connect(d2.s_in)
        d1.a_out.connect(lif.a_in)
        d2.a_out.connect(lif.a_in)
        mon = Monitor()
        for target in (lif.v, lif.u, lif.s_out):
            mon.probe(target=target, num_steps=40)
        lif.run(condition=RunSteps(40), run_cfg=Loihi1SimCfg(select_tag="floating_pt", backend=backend))
        data = mon.get_data()[lif.name]
        name = lif.runtime.backend.name
        lif.stop()
        return data, name

    fused, name = run("compiled")
    assert name == "compiled"
    reference, _ = run("python")
    assert reference.keys() == fused.keys() and len(fused) == 3
    for key in reference:
        np.testing.assert_array_equal(fused[key], reference[key])
    assert fused["s_out"].any()
