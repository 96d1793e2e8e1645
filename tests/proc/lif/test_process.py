"""LIF Process: Lava's interface (kwargs, defaults, Vars, ports) and construction-time checks."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import InPort, OutPort, ShapeError, ValidationError
from neuroproc.proc.lif import LIF as LIF_from_package
from neuroproc.proc.lif.process import LIF


def test_package_exports_the_process():
    assert LIF_from_package is LIF


def test_defaults_vars_and_ports_as_in_lava():
    lif = LIF(shape=(3,))
    assert isinstance(lif.a_in, InPort) and lif.a_in.shape == (3,)
    assert isinstance(lif.s_out, OutPort) and lif.s_out.shape == (3,)
    expected = {"u": 0, "v": 0, "du": 0, "dv": 0, "bias_mant": 0, "bias_exp": 0, "vth": 10}
    assert lif.vars.member_names == ["u", "v", "du", "dv", "bias_mant", "bias_exp", "vth"]
    for name, value in expected.items():
        np.testing.assert_array_equal(getattr(lif, name).get(), value)
    for name in ("u", "v", "bias_mant", "bias_exp"):
        assert getattr(lif, name).shape == (3,)
    for name in ("du", "dv", "vth"):
        assert getattr(lif, name).shape == (1,)           # shared value, as in Lava
    assert lif.proc_params["vth"] == 10 and lif.shape == (3,)


def test_shape_may_be_an_int_or_positional():
    assert LIF(4).shape == (4,)
    assert LIF(shape=(2, 3)).u.shape == (2, 3)


def test_per_neuron_decays_and_threshold_get_the_neuron_shape():
    lif = LIF(shape=(2,), du=[0.1, 0.2], vth=np.array([1.0, 2.0]))
    assert lif.du.shape == (2,) and lif.vth.shape == (2,) and lif.dv.shape == (1,)
    np.testing.assert_array_equal(lif.du.get(), [0.1, 0.2])


@pytest.mark.parametrize("key", ["u", "v", "bias_mant", "bias_exp", "du", "dv", "vth"])
def test_per_neuron_values_of_the_wrong_shape_are_refused(key):
    with pytest.raises(ShapeError, match=rf"^lif::LIF\.{key}: expected a scalar or one value per "
                                         r"neuron, shape \(3,\) \(got shape \(2,\)\)\. Pass"):
        LIF(shape=(3,), name="lif", **{key: [1, 2]})


@pytest.mark.parametrize("bad", [0, -2, (3, 0), "3", 2.5])
def test_bad_shapes_are_refused(bad):
    with pytest.raises(ShapeError, match="shape must be a positive int"):
        LIF(shape=bad)


@pytest.mark.parametrize("value, match", [("x", "expected a number"), (np.nan, "values must be finite"),
                                          ([1.0, np.inf], "values must be finite"),
                                          (True, "expected numbers"), (None, "expected a number")])
def test_non_numeric_or_non_finite_values_are_refused(value, match):
    with pytest.raises(ValidationError, match=f"^lif::LIF.vth: {match}"):
        LIF(shape=(2,), name="lif", vth=value)


def test_values_lava_accepts_are_accepted():
    # negative bias_exp, shape-(1,) arrays and numpy scalars are all fine
    lif = LIF(shape=(2,), bias_exp=-2, u=np.array([5]), du=np.int32(7), vth=np.float64(3.0))
    np.testing.assert_array_equal(lif.u.get(), [5, 5])
