"""Sparse Process: interface, the stored-values ``weights`` Var, and construction-time checks."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import RunSteps, ShapeError, ValidationError
from neuroproc.proc import io
from neuroproc.proc.sparse import Sparse as Sparse_from_package
from neuroproc.proc.sparse.process import Sparse
from neuroproc.utils.fixed_point import SignMode
from tests.proc import VARIANTS


def test_package_exports_the_process():
    assert Sparse_from_package is Sparse


def test_ports_vars_and_parameters():
    w = sp.csr_matrix(np.array([[0, 2, 0], [4, 0, 6]]))
    conn = Sparse(w, weight_exp=2, num_weight_bits=7, sign_mode=SignMode.MIXED, num_message_bits=4)
    assert conn.s_in.shape == (3,) and conn.a_out.shape == (2,) and conn.shape == (2, 3)
    assert conn.vars.member_names == ["weights", "a_buff", "num_message_bits"]
    np.testing.assert_array_equal(conn.weights.get(), [4, 2, 6])        # stored values, CSC order
    np.testing.assert_array_equal(conn.proc_params["rows"], [1, 0, 1])
    np.testing.assert_array_equal(conn.proc_params["col_ptr"], [0, 1, 2, 3])
    np.testing.assert_array_equal(conn.weights_csr().toarray(), w.toarray())
    p = conn.proc_params
    assert (p["weight_exp"], p["num_weight_bits"], p["sign_mode"]) == (2, 7, SignMode.MIXED)
    np.testing.assert_array_equal(conn.num_message_bits.get(), [4])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok"])
def test_any_scipy_format_and_dense_arrays_are_accepted(fmt):
    dense = np.array([[1.5, 0, 0], [0, 0, -2.0]])
    for w in (sp.csr_matrix(dense).asformat(fmt), dense):
        np.testing.assert_array_equal(Sparse(w).weights_csr().toarray(), dense)


def test_structure_is_canonical_and_explicit_zeros_stay_synapses():
    # duplicates are summed, indices sorted; an explicit zero is kept as a (zero) synapse
    w = sp.coo_matrix((np.array([1.0, 2.0, 0.0, 5.0]), (np.array([0, 0, 1, 1]), np.array([2, 2, 0, 1]))),
                      shape=(2, 3))
    conn = Sparse(w)
    np.testing.assert_array_equal(conn.weights.get(), [0.0, 5.0, 3.0])  # by input, then output
    np.testing.assert_array_equal(conn.proc_params["rows"], [1, 1, 0])
    np.testing.assert_array_equal(conn.proc_params["col_ptr"], [0, 1, 2, 3])


@pytest.mark.parametrize("n_out, dtype", [(1, np.uint16), (2**16, np.uint16), (2**16 + 1, np.uint32)])
def test_row_indices_use_the_narrowest_unsigned_dtype(n_out, dtype):
    conn = Sparse(sp.csr_matrix(([1.0], ([n_out - 1], [0])), shape=(n_out, 2)))
    assert conn.proc_params["rows"].dtype == dtype
    assert conn.proc_params["rows"][0] == n_out - 1
    assert conn.proc_params["col_ptr"].dtype == np.int64


def test_weights_are_copied_from_the_callers_matrix():
    for w in (sp.csc_matrix(np.array([[1.0, 0.0], [0.0, 2.0]])),
              sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0]]))):
        conn = Sparse(w)
        w.data[:] = 9.0
        np.testing.assert_array_equal(conn.weights.get(), [1.0, 2.0])


def test_matrix_without_entries_gets_one_explicit_zero():
    conn = Sparse(sp.csr_matrix((3, 4)))
    assert conn.weights.shape == (1,)
    assert not conn.weights_csr().toarray().any()


def test_weights_csr_reflects_the_bitacc_conversion_and_sets():
    conn = Sparse(sp.csr_matrix(np.array([[3, 0], [0, -3]])))
    src = io.source.RingBuffer(data=np.zeros((2, 1), dtype=np.int32))
    src.s_out.connect(conn.s_in)
    try:
        src.run(RunSteps(1), VARIANTS["fixed_pt"].run_cfg())
        np.testing.assert_array_equal(conn.weights_csr().toarray(), [[2, 0], [0, -4]])  # MIXED
        conn.weights.set(np.array([7, 9]))
        np.testing.assert_array_equal(conn.weights_csr().toarray(), [[7, 0], [0, 9]])
    finally:
        src.stop()


@pytest.mark.parametrize("w", [np.ones(3), np.ones((2, 2, 2)), sp.csr_matrix((0, 3))])
def test_weights_must_be_a_non_empty_matrix(w):
    with pytest.raises(ShapeError, match=r"^s::Sparse\.weights: expected a .*2-D matrix"):
        Sparse(w, name="s")


@pytest.mark.parametrize("w, match", [
    (sp.csr_matrix(np.array([[1.0, np.nan]])), "weights must be finite"),
    (np.array([["a"]]), "expected numbers"),
    (sp.csr_matrix(np.array([[True, False]])), "expected numbers"),
])
def test_weights_must_be_finite_numbers(w, match):
    with pytest.raises(ValidationError, match=match):
        Sparse(w)


@pytest.mark.parametrize("kw, match", [({"num_weight_bits": 9}, r"num_weight_bits: expected an int in \[1, 8\]"),
                                       ({"sign_mode": "x"}, "sign_mode: expected a SignMode"),
                                       ({"num_message_bits": 99}, r"num_message_bits: expected an int")])
def test_connection_parameters_are_checked_as_for_dense(kw, match):
    with pytest.raises(ValidationError, match=match):
        Sparse(sp.eye(2, format="csr"), **kw)
