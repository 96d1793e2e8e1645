"""Fit a weight matrix to Loihi's synapses (Lava's ``lava.utils.weightutils``, same names).

Loihi stores a weight as a signed 8-bit mantissa (MIXED sign mode: 7 bits and a sign) with at
most ``num_weight_bits`` significant bits, times ``2**weight_exp`` shared by the whole matrix.
:func:`optimize_weight_bits` picks the ``weight_exp`` that uses the mantissa's full range and the
fewest ``num_weight_bits`` that lose nothing; :func:`clip_weights` and :func:`truncate_weights`
apply a sign mode and bit width. Every function takes a numpy array or a ``scipy.sparse`` matrix
(whose stored values are changed, the structure kept).

The element-wise rules are those of :mod:`neuroproc.utils.fixed_point`, which these functions
call; this module adds Lava's signatures (sparse matrices, ``max_num_weight_bits``,
``learning_simulation``) and the optimisation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from neuroproc.exceptions import ValidationError
from neuroproc.utils.fixed_point import SignMode, determine_sign_mode

__all__ = [
    "OptimizedWeights",
    "SignMode",
    "clip_weights",
    "determine_sign_mode",
    "optimize_weight_bits",
    "truncate_weights",
]

#: Weights = mantissa * 2**weight_exp; the mantissa has 8 bits (plus sign in MIXED mode).
_MANTISSA_BITS = 8


@dataclass
class OptimizedWeights:
    """Result of :func:`optimize_weight_bits`: mantissas and the parameters that restore them."""

    weights: Any
    num_weight_bits: int
    weight_exp: int


def _values(weights: Any) -> np.ndarray:
    return weights.data if sp.issparse(weights) else np.asarray(weights)


def _with_values(weights: Any, values: np.ndarray) -> Any:
    """``weights`` (array or sparse matrix, copied) holding ``values``."""
    if sp.issparse(weights):
        out = weights.copy()
        out.data = values
        return out
    return values


def _range(sign_mode: SignMode) -> tuple[int, int]:
    """Smallest and largest weight a sign mode can represent (before ``weight_exp``)."""
    full = 2 ** _MANTISSA_BITS
    if sign_mode == SignMode.MIXED:
        return -full, full - 1
    if sign_mode == SignMode.EXCITATORY:
        return 0, full - 1
    if sign_mode == SignMode.INHIBITORY:
        return -(full - 1), 0
    raise ValidationError(f"weightutils: sign_mode must be MIXED, EXCITATORY or INHIBITORY (got "
                          f"{sign_mode!r}). Decide it with determine_sign_mode(weights).")


def _validate_weights(weights: Any, sign_mode: SignMode) -> None:
    low, high = _range(SignMode(sign_mode))
    v = _values(weights)
    if v.size and (v.min() < low or v.max() > high):
        raise ValidationError(f"optimize_weight_bits: weights must lie in [{low}, {high}] for "
                              f"{SignMode(sign_mode)!r} (got [{v.min()}, {v.max()}]). Scale them first.")


def _determine_weight_exp(weights: npt.ArrayLike, sign_mode: SignMode) -> int:
    """The ``weight_exp`` that stretches the weights over the mantissa's range.

    The scale is the largest factor that keeps every weight representable (127/-128 for MIXED,
    255 for the single-sign modes); ``weight_exp`` is minus its floor-log2 (one more bit for
    MIXED, whose mantissa range is one bit smaller). All-zero weights give 0.
    """
    v = _values(weights)
    wmax, wmin = float(np.max(v)), float(np.min(v))
    if wmax == 0 and wmin == 0:
        return 0
    mode = SignMode(sign_mode)
    if mode == SignMode.MIXED:
        scale = min(127 / wmax if wmax > 0 else np.inf, -128 / wmin if wmin < 0 else np.inf)
    elif mode == SignMode.INHIBITORY:
        scale = -255 / wmin
    else:
        scale = 255 / wmax
    bits = int(np.floor(np.log2(scale))) + (1 if mode == SignMode.MIXED else 0)
    return -bits


def _determine_num_weight_bits(weights: npt.ArrayLike, weight_exp: int, sign_mode: SignMode) -> int:
    """Bits the mantissas need: 8 + ``weight_exp`` minus the trailing zero bits all weights share
    (at most 8; one less in MIXED mode, whose sign takes a bit)."""
    v = _values(weights)
    shared = _MANTISSA_BITS
    while shared > 0 and np.any(np.mod(v, 2 ** shared) != 0):
        shared -= 1
    if SignMode(sign_mode) == SignMode.MIXED:
        shared -= 1
    return _MANTISSA_BITS + int(weight_exp) - shared


def optimize_weight_bits(weights: Any, sign_mode: SignMode, loihi2: bool = False) -> OptimizedWeights:
    """Mantissas, ``num_weight_bits`` and ``weight_exp`` that represent ``weights`` exactly.

    ``weights`` (8-bit integers in the range of ``sign_mode``) are shifted left by
    ``-weight_exp`` so that they fill the mantissa range. With ``loihi2`` the mantissas are
    divided by ``2**(8 - num_weight_bits)`` (and by 2 more in MIXED mode), as Loihi 2 stores them.

    Raises
    ------
    ValidationError
        (a ``ValueError``) when a weight lies outside the range of ``sign_mode``.
    """
    _validate_weights(weights, sign_mode)
    weight_exp = _determine_weight_exp(weights, sign_mode)
    num_weight_bits = _determine_num_weight_bits(weights, weight_exp, sign_mode)
    v = _values(weights).astype(np.int32)
    v = v << -weight_exp if weight_exp <= 0 else v >> weight_exp
    if loihi2:
        v = np.trunc(v / (1 << (_MANTISSA_BITS - num_weight_bits))).astype(np.int32)
        if SignMode(sign_mode) == SignMode.MIXED:
            v = np.trunc(v / 2).astype(np.int32)
    return OptimizedWeights(weights=_with_values(weights, v), num_weight_bits=num_weight_bits,
                            weight_exp=weight_exp)


def truncate_weights(weights: Any, sign_mode: SignMode, num_weight_bits: int,
                     max_num_weight_bits: int = _MANTISSA_BITS) -> Any:
    """Zero the low bits a synapse of ``num_weight_bits`` (of ``max_num_weight_bits``) drops.

    As :func:`neuroproc.utils.fixed_point.truncate_weights`: the shift is ``max_num_weight_bits -
    num_weight_bits`` (+1 in MIXED mode); INHIBITORY truncates the magnitude. Returns int32 (a
    sparse matrix loses the entries that become zero).
    """
    mode = SignMode(sign_mode)
    k = int(max_num_weight_bits) - int(num_weight_bits) + (1 if mode == SignMode.MIXED else 0)
    v = _values(weights).astype(np.int32)
    v = -((-v >> k) << k) if mode == SignMode.INHIBITORY else (v >> k) << k
    out = _with_values(weights, v)
    if sp.issparse(out):
        out.eliminate_zeros()
    return out


def clip_weights(weights: Any, sign_mode: SignMode, num_bits: int,
                 learning_simulation: bool = False) -> Any:
    """Clip to what ``num_bits`` magnitude bits hold in ``sign_mode`` (int32).

    MIXED: ``[-2**num_bits, 2**num_bits - 1]`` (one less at the top in a learning simulation,
    where the weight's sign bit is kept apart); EXCITATORY ``[0, 2**num_bits - 1]``; INHIBITORY
    the negated range of EXCITATORY.
    """
    mode = SignMode(sign_mode)
    high = 2 ** int(num_bits) - 1 - (1 if learning_simulation and mode == SignMode.MIXED else 0)
    low = -(2 ** int(num_bits)) if mode == SignMode.MIXED else 0
    v = _values(weights).astype(np.int32)
    v = -np.clip(-v, low, high) if mode == SignMode.INHIBITORY else np.clip(v, low, high)
    return _with_values(weights, v.astype(np.int32))
