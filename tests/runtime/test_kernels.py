"""Helpers for kernel authors: per-item parameters that may be scalars, and active views."""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from neuroproc.runtime.kernels import active_view, bit_patterns, item, scalar_if_uniform


@pytest.mark.parametrize("value, shape, expected", [
    (np.full(5, 0.25), (5,), 0.25),
    (0.25, (2, 3), 0.25),
    (np.array([3]), (4,), 3.0),
    (np.full((2, 2), np.nan), (2, 2), np.nan),
])
def test_uniform_values_become_one_scalar_of_the_dtype(value, shape, expected):
    got = scalar_if_uniform(value, shape, np.float64)
    assert np.ndim(got) == 0 and isinstance(got, np.float64)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("value, shape", [
    (np.array([1.0, 2.0, 1.0]), (3,)),
    (np.array([1.0, 2.0]), (3, 2)),      # broadcast along the first axis, then flattened
    (np.array([0.0, -0.0]), (2,)),       # same value, other bits: x + 0.0 != x + -0.0 for x = -0.0
])
def test_other_values_stay_a_flat_array(value, shape):
    got = scalar_if_uniform(value, shape, np.float64)
    assert got.ndim == 1 and got.flags.c_contiguous and got.dtype == np.float64
    np.testing.assert_array_equal(got.view(np.uint64),
                                  np.broadcast_to(value, shape).astype(np.float64).ravel().view(np.uint64))


@njit(cache=True)
def _scaled_sum(x, w):
    acc = 0.0
    for i in range(x.size):
        acc += x[i] * item(w, i)
    return acc


def test_item_reads_an_array_per_item_and_a_scalar_once():
    x = np.arange(4.0)
    assert _scaled_sum(x, 2.0) == 12.0
    assert _scaled_sum(x, np.array([1.0, 0.0, 1.0, 0.0])) == 2.0


@pytest.mark.parametrize("buf, expected", [
    (np.array([0.0, 2.0, 0.0, -1.0, np.nan, -0.0]), [1, 3, 4]),  # what s != 0 selects
    (np.array([True, False, True]), [0, 2]),
    (np.array([[0, 5], [7, 0]], np.int32), [1, 2]),              # indices into the flattened buffer
    (np.zeros(9), []),
])
def test_active_view_lists_the_non_zero_entries_in_order(buf, expected):
    idx, count = np.full(buf.size, -1, np.int64), np.full(1, -1, np.int64)
    active_view(buf, idx, count)
    assert count[0] == len(expected)
    np.testing.assert_array_equal(idx[:count[0]], expected)


def test_bit_patterns_tell_the_signs_of_zero_apart_and_match_a_nan_with_itself():
    x = np.array([0.0, -0.0, np.nan, np.nan, 1.5])
    bits = bit_patterns(x)
    assert bits.dtype == np.uint64 and np.shares_memory(bits, x)
    assert bits[0] != bits[1] and bits[2] == bits[3]
    assert bit_patterns(np.zeros(3, np.int16)).dtype == np.uint16
    assert bit_patterns(np.zeros(3, np.complex128)) is None  # 16-byte items: no unsigned type
