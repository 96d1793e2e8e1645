"""The Dense kernels' summation order equals numpy's, so compiled and python backends agree."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.proc.dense._kernels import active_inputs, pairwise_sum


@pytest.mark.parametrize("k", [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 300, 1000, 2049])
def test_pairwise_sum_equals_numpy_single_row_sum(k):
    rng = np.random.default_rng(k)
    w = rng.normal(size=3000) * 10.0 ** rng.integers(-8, 8, size=3000)
    idx = np.sort(rng.choice(3000, size=k, replace=False)).astype(np.int64)
    s = np.zeros(3000, bool)
    s[idx] = True
    expected = w[np.newaxis, :][:, s].sum(axis=1)[0]  # a single output row: numpy sums pairwise
    assert pairwise_sum(w, idx, k) == expected


def test_multi_row_gather_is_summed_sequentially_by_numpy():
    # the property the float Dense kernel relies on: W[:, s] is Fortran-ordered, so numpy adds
    # its columns one after the other
    rng = np.random.default_rng(1)
    w = rng.normal(size=(5, 400)) * 10.0 ** rng.integers(-8, 8, size=(5, 400))
    s = rng.random(400) < 0.5
    seq = np.zeros(5)
    for j in np.flatnonzero(s):
        seq = seq + w[:, j]
    np.testing.assert_array_equal(w[:, s].sum(axis=1), seq)


def test_active_inputs():
    idx = np.zeros(5, np.int64)
    assert active_inputs(np.array([0.0, 2.0, 0.0, -1.0, 0.0]), idx) == 2
    np.testing.assert_array_equal(idx[:2], [1, 3])
