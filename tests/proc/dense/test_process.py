"""Dense Process: Lava's interface and construction-time checks."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import InPort, OutPort, ShapeError, ValidationError
from neuroproc.proc.dense import Dense as Dense_from_package
from neuroproc.proc.dense.process import Dense
from neuroproc.utils.fixed_point import SignMode


def test_package_exports_the_process():
    assert Dense_from_package is Dense


def test_vars_ports_and_parameters_as_in_lava():
    w = np.arange(6).reshape(2, 3)
    dense = Dense(weights=w, weight_exp=-1, num_weight_bits=6, sign_mode=SignMode.EXCITATORY)
    assert isinstance(dense.s_in, InPort) and dense.s_in.shape == (3,)
    assert isinstance(dense.a_out, OutPort) and dense.a_out.shape == (2,)
    assert dense.vars.member_names == ["weights", "a_buff", "num_message_bits"]
    np.testing.assert_array_equal(dense.weights.get(), w)
    np.testing.assert_array_equal(dense.a_buff.get(), [0, 0])
    np.testing.assert_array_equal(dense.num_message_bits.get(), [0])
    p = dense.proc_params
    assert (p["weight_exp"], p["num_weight_bits"], p["sign_mode"]) == (-1, 6, SignMode.EXCITATORY)


def test_sign_mode_may_be_given_as_its_int_value():
    assert Dense(np.eye(2), sign_mode=3).proc_params["sign_mode"] is SignMode.INHIBITORY
    assert Dense(np.eye(2)).proc_params["sign_mode"] is None


@pytest.mark.parametrize("w", [np.ones(3), np.ones((2, 2, 2)), np.ones((0, 3)), 5.0])
def test_weights_must_be_a_non_empty_matrix(w):
    with pytest.raises(ShapeError, match=r"^d::Dense\.weights: expected a non-empty 2-D matrix "
                                         r"of shape \(n_out, n_in\) \(got shape"):
        Dense(w, name="d")


@pytest.mark.parametrize("w, match", [(np.array([["a", "b"]]), "expected numbers"),
                                      (np.array([[1.0, np.nan]]), "weights must be finite"),
                                      (np.array([[True, False]]), "expected numbers")])
def test_weights_must_be_finite_numbers(w, match):
    with pytest.raises(ValidationError, match=match):
        Dense(w)


@pytest.mark.parametrize("kw, match", [
    ({"weight_exp": 1.5}, r"weight_exp: expected an int in \[-31, 31\] \(got 1.5\)"),
    ({"weight_exp": 40}, r"weight_exp: expected an int in \[-31, 31\]"),
    ({"num_weight_bits": 0}, r"num_weight_bits: expected an int in \[1, 8\] \(got 0\)\. Loihi"),
    ({"num_weight_bits": 9}, r"num_weight_bits: expected an int in \[1, 8\]"),
    ({"num_message_bits": -1}, r"num_message_bits: expected an int in \[0, 32\]"),
    ({"num_message_bits": 33}, r"num_message_bits: expected an int in \[0, 32\]"),
    ({"num_message_bits": True}, r"num_message_bits: expected an int"),
    ({"sign_mode": "MIXED"}, r"sign_mode: expected a SignMode or None \(got 'MIXED'\)"),
    ({"sign_mode": 7}, r"sign_mode: expected a SignMode or None"),
])
def test_connection_parameters_are_checked(kw, match):
    with pytest.raises(ValidationError, match=match):
        Dense(np.eye(2), **kw)
