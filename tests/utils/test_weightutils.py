"""weightutils: Loihi weight optimisation, clipping and truncation, on arrays and sparse matrices."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc.utils import fixed_point
from neuroproc.utils.weightutils import (
    SignMode,
    _determine_num_weight_bits,
    _determine_weight_exp,
    clip_weights,
    optimize_weight_bits,
    truncate_weights,
)

MODES = [SignMode.MIXED, SignMode.EXCITATORY, SignMode.INHIBITORY]


@pytest.mark.parametrize("weights, mode, exp, bits", [
    ([0, 128, 255], SignMode.EXCITATORY, 0, 8),       # already spans 8 bits
    ([0, 255, 510], SignMode.EXCITATORY, 1, 9),       # too large by 2: weight_exp 1
    ([-255, -128, -1], SignMode.INHIBITORY, 0, 8),
    ([-128, 0, 126], SignMode.MIXED, -1, 7),          # MIXED mantissas reach -256; 126 is even
    ([5, 5, 5], SignMode.EXCITATORY, -5, 3),          # 5 * 32 = 160 fills 8 bits; 160 = 101 << 5
    ([0, 0, 0], SignMode.EXCITATORY, 0, 0),
])
def test_exponent_and_bits_restore_the_weights(weights, mode, exp, bits):
    w = np.array(weights)
    assert _determine_weight_exp(w, mode) == exp
    assert _determine_num_weight_bits(w, exp, mode) == bits


@pytest.mark.parametrize("mode", MODES)
def test_optimized_mantissas_times_exponent_give_the_weights_back(mode):
    rng = np.random.default_rng(3)
    low, high = {SignMode.MIXED: (-256, 255), SignMode.EXCITATORY: (0, 255),
                 SignMode.INHIBITORY: (-255, 0)}[mode]
    w = rng.integers(low, high + 1, size=(5, 7)) // 4 * 4
    opt = optimize_weight_bits(w, mode)
    np.testing.assert_array_equal(opt.weights * 2.0 ** opt.weight_exp, w)
    assert np.max(np.abs(opt.weights)) <= 256


def test_optimize_refuses_weights_outside_the_sign_mode():
    with pytest.raises(ValueError, match=r"must lie in \[0, 255\]"):
        optimize_weight_bits(np.array([256]), SignMode.EXCITATORY)
    with pytest.raises(ValueError, match=r"must lie in \[-255, 0\]"):
        optimize_weight_bits(np.array([1]), SignMode.INHIBITORY)


def test_loihi2_mantissas_drop_the_unused_bits():
    opt = optimize_weight_bits(np.array([4, 8, 12]), SignMode.EXCITATORY, loihi2=True)
    # 255 / 12 -> exp -4 (12 * 16 = 192); all weights share 2 zero bits: 8 - 4 - 2 = 2 bits;
    # Loihi 2 keeps the top 2 of the 8 mantissa bits: shift right by 6
    assert (opt.weight_exp, opt.num_weight_bits) == (-4, 2)
    np.testing.assert_array_equal(opt.weights, np.array([64, 128, 192]) >> 6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("nbits", [3, 7, 8])
def test_array_functions_agree_with_fixed_point(mode, nbits):
    w = np.arange(-300, 301, 7)
    np.testing.assert_array_equal(truncate_weights(w, mode, nbits),
                                  fixed_point.truncate_weights(w, mode, nbits))
    np.testing.assert_array_equal(clip_weights(w, mode, 8), fixed_point.clip_weights(w, mode))


def test_sparse_matrices_keep_their_structure():
    m = sp.csr_matrix(np.array([[0, 300, 3], [-3, 0, 0]]))
    clipped = clip_weights(m, SignMode.MIXED, 8)
    assert sp.issparse(clipped)
    np.testing.assert_array_equal(clipped.toarray(), [[0, 255, 3], [-3, 0, 0]])
    truncated = truncate_weights(m, SignMode.EXCITATORY, 7)
    np.testing.assert_array_equal(truncated.toarray(), [[0, 300, 2], [-4, 0, 0]])
    opt = optimize_weight_bits(sp.csr_matrix(np.array([[0, 64], [128, 0]])), SignMode.EXCITATORY)
    assert sp.issparse(opt.weights) and opt.weight_exp == -0


def test_learning_simulation_keeps_a_bit_for_the_sign():
    np.testing.assert_array_equal(clip_weights(np.array([300]), SignMode.MIXED, 8, learning_simulation=True), [254])
