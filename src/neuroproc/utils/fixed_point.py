"""Loihi fixed-point helpers shared by the bit-accurate Dense and LIF models (Lava 0.10 semantics).

The once-only weight conversion of the bit-accurate Dense; the integer arithmetic of the
bit-accurate LIF (in int64, so that ``u * 4095``, 24 + 12 bits, cannot overflow before it is
shifted back); and the float -> fixed parameter mapping of Lava's E/I tutorial.
"""
from __future__ import annotations

import enum
import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from neuroproc.exceptions import ValidationError

__all__ = [
    "SignMode", "clip_weights", "decay_toward_zero", "determine_sign_mode",
    "find_scaling_function", "float2fixed_lif_parameter", "lif_params_to_fixed",
    "loihi_weights", "saturate", "scale_decay", "shift_by_exp", "truncate_weights", "wrap_lava",
]

#: Loihi synapses store at most 8 weight bits (plus a sign bit in MIXED mode).
MAX_WEIGHT_BITS = 8
#: du and dv are 12-bit fractions of 4096.
DECAY_SHIFT = 12


class SignMode(enum.IntEnum):
    """How a Loihi synapse interprets the sign of its weights (values as in Lava).

    Examples
    --------
    >>> SignMode(1)
    <SignMode.MIXED: 1>
    """

    NULL = 0
    MIXED = 1
    EXCITATORY = 2
    INHIBITORY = 3


def _sign_mode(sign_mode: Any, who: str) -> SignMode:
    # Plain ints 0..3 are accepted because SignMode is an IntEnum (Lava stores the value).
    if isinstance(sign_mode, numbers.Integral) and not isinstance(sign_mode, bool) \
            and int(sign_mode) in SignMode._value2member_map_:
        return SignMode(int(sign_mode))
    raise TypeError(f"{who}: sign_mode must be a SignMode (got {sign_mode!r}). "
                    "Use e.g. SignMode.MIXED or SignMode['MIXED'].")


def _num_weight_bits(num_weight_bits: Any, who: str) -> int:
    if (isinstance(num_weight_bits, bool) or not isinstance(num_weight_bits, numbers.Integral)
            or not 1 <= int(num_weight_bits) <= MAX_WEIGHT_BITS):
        raise ValidationError(f"{who}: num_weight_bits must be an int in 1..{MAX_WEIGHT_BITS} "
                         f"(got {num_weight_bits!r}). Loihi weights have at most 8 bits.")
    return int(num_weight_bits)


def _as_int64(x: npt.ArrayLike, who: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{who}: expects integers (got dtype {arr.dtype}). Cast first, e.g. "
                        f"np.asarray(x).astype(np.int32), which truncates toward zero like Lava.")
    return arr.astype(np.int64)


def determine_sign_mode(weights: npt.ArrayLike) -> SignMode:
    """Decide the sign mode that describes a weight matrix, as Lava does.

    EXCITATORY if every weight is >= 0 (so all zeros count as excitatory), INHIBITORY if every
    weight is <= 0, MIXED otherwise. ``weights`` may have any shape but must not be empty.

    Examples
    --------
    >>> determine_sign_mode([[0, 3], [1, 0]]), determine_sign_mode([-1, 0])
    (<SignMode.EXCITATORY: 2>, <SignMode.INHIBITORY: 3>)
    >>> determine_sign_mode([-1, 2])
    <SignMode.MIXED: 1>
    """
    w = np.asarray(weights)
    if w.size == 0:
        raise ValidationError("determine_sign_mode: weights is empty (got shape "
                         f"{w.shape}). Pass at least one weight.")
    if np.min(w) >= 0:
        return SignMode.EXCITATORY
    if np.max(w) <= 0:
        return SignMode.INHIBITORY
    return SignMode.MIXED


def clip_weights(weights: npt.ArrayLike, sign_mode: SignMode, num_bits: int = 8) -> np.ndarray:
    """Clip weights (cast toward zero to int32) to what a Loihi synapse holds in ``sign_mode``.

    ``num_bits`` magnitude bits (8 on Loihi). MIXED spends one extra bit on the sign:
    ``[-2**num_bits, 2**num_bits - 1]``. EXCITATORY keeps ``[0, 2**num_bits - 1]``. INHIBITORY
    stores the magnitude of a negative weight, so it is clipped on the negated values and ends
    up in ``[-(2**num_bits - 1), 0]``. Returns int32.

    Examples
    --------
    >>> clip_weights([-300, -3, 300], SignMode.MIXED)
    array([-256,   -3,  255], dtype=int32)
    >>> clip_weights([-300, 7], SignMode.INHIBITORY)
    array([-255,    0], dtype=int32)
    """
    mode = _sign_mode(sign_mode, "clip_weights")
    if mode is SignMode.NULL:
        raise ValidationError("clip_weights: sign_mode is SignMode.NULL (got NULL). Decide it first "
                         "with determine_sign_mode(weights).")
    w = np.asarray(weights).astype(np.int32)
    high = 2 ** num_bits - 1
    low = -(2 ** num_bits) if mode is SignMode.MIXED else 0
    if mode is SignMode.INHIBITORY:
        return -np.clip(-w, low, high)
    return np.clip(w, low, high)


def truncate_weights(weights: npt.ArrayLike, sign_mode: SignMode,
                     num_weight_bits: int) -> np.ndarray:
    """Zero the least significant bits that a synapse with ``num_weight_bits`` cannot store.

    The shift is ``k = 8 - num_weight_bits + (1 if MIXED)``: Loihi keeps the top bits of an
    8-bit magnitude, and MIXED loses one more bit to the sign. ``(w >> k) << k`` is an arithmetic
    shift, so MIXED negatives round toward -inf (-3 becomes -4). INHIBITORY works on the
    magnitude, so its weights round toward zero.

    ``weights`` are cast to int32 first; the result is int32, multiples of ``2**k``.
    ``sign_mode`` is MIXED, EXCITATORY or INHIBITORY; ``num_weight_bits`` is 1..8.

    Examples
    --------
    >>> truncate_weights([-3, 3], SignMode.MIXED, 8)
    array([-4,  2], dtype=int32)
    >>> truncate_weights([-13, -7], SignMode.INHIBITORY, 5)
    array([-8,  0], dtype=int32)
    """
    mode = _sign_mode(sign_mode, "truncate_weights")
    nbits = _num_weight_bits(num_weight_bits, "truncate_weights")
    # The synapse keeps the top ``nbits`` of an 8-bit magnitude; MIXED needs one more for sign.
    k = MAX_WEIGHT_BITS - nbits + (1 if mode is SignMode.MIXED else 0)
    w = np.asarray(weights).astype(np.int32)
    if mode is SignMode.INHIBITORY:  # the hardware stores |w|, so truncate the magnitude
        return -((-w >> k) << k)
    return (w >> k) << k


def loihi_weights(weights: npt.ArrayLike, sign_mode: SignMode | None = None,
                  num_weight_bits: int = 8) -> tuple[np.ndarray, SignMode]:
    """Convert Dense weights once, as Lava's bit-accurate Dense does on its first step.

    Cast to int32 toward zero (the ``weights`` Var is int32), let the weights decide the sign
    mode if ``sign_mode`` is None or NULL, clip to 8 bits (:func:`clip_weights`), truncate to
    ``num_weight_bits`` (1..8, :func:`truncate_weights`). ``weight_exp`` is *not* applied: Lava
    shifts the summed input, not the weights.

    Returns the int32 weights the model uses (what ``dense.weights.get()`` returns after a run)
    and the sign mode used.

    Examples
    --------
    >>> w, mode = loihi_weights([[-3.7, 3.0], [0.0, 300.0]])
    >>> w, mode
    (array([[ -4,   2],
           [  0, 254]], dtype=int32), <SignMode.MIXED: 1>)
    """
    nbits = _num_weight_bits(num_weight_bits, "loihi_weights")
    mode = SignMode.NULL if sign_mode is None else _sign_mode(sign_mode, "loihi_weights")
    arr = np.asarray(weights)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValidationError("loihi_weights: weights contain NaN or inf (got "
                         f"{int(np.sum(~np.isfinite(arr)))} such values). Pass finite weights.")
    w = arr.astype(np.int32)
    if mode is SignMode.NULL:
        mode = determine_sign_mode(w)
    return truncate_weights(clip_weights(w, mode), mode, nbits), mode


def shift_by_exp(x: npt.ArrayLike, exp: npt.ArrayLike) -> np.ndarray:
    """Scale integers by ``2**exp`` with shifts: ``x << exp`` if exp >= 0, else ``x >> -exp``.

    The right shift is arithmetic (floor), as in Lava's bias (``bias_mant``, ``bias_exp``) and
    Dense ``weight_exp``. ``exp`` may be a per-element array; it broadcasts against ``x``.

    Examples
    --------
    >>> shift_by_exp([-7, -7, 3, 5], [-1, 0, 2, -3])
    array([-4, -7, 12,  0])
    """
    v = _as_int64(x, "shift_by_exp(x)")
    e = _as_int64(exp, "shift_by_exp(exp)")
    # np.where evaluates both branches, so keep both shift counts non-negative.
    return np.where(e >= 0, v << np.maximum(e, 0), v >> np.maximum(-e, 0))


def decay_toward_zero(x: npt.ArrayLike, factor: npt.ArrayLike,
                      shift: int = DECAY_SHIFT) -> np.ndarray:
    """Multiply by ``factor / 2**shift`` and round toward zero, as Loihi's decays do.

    ``p = int64(x) * factor`` cannot overflow (24-bit state times a 12-bit factor); the result
    is ``sign(p) * (|p| >> shift)``, a sign-magnitude shift, so -5 * 0.5 gives -2, not -3.

    Examples
    --------
    >>> decay_toward_zero([-5, 5, -1], [2048, 2048, 4095])
    array([-2,  2,  0])
    """
    p = _as_int64(x, "decay_toward_zero(x)") * _as_int64(factor, "decay_toward_zero(factor)")
    return np.sign(p) * (np.abs(p) >> shift)


def wrap_lava(x: npt.ArrayLike, bits: int = 24) -> np.ndarray:
    """Lava's one-time wrap of a ``bits``-wide signed state (the LIF current ``u``).

    Values above ``2**(bits-1)`` lose ``2**bits``; values at or below ``-2**(bits-1)`` gain
    ``2**bits``. This is applied once, not modulo, and is not two's complement: ``+2**23`` stays
    and ``-2**23`` becomes ``+2**23``, exactly as Lava 0.10 does.

    Examples
    --------
    >>> wrap_lava([2**23, 2**23 + 1, -2**23, -2**23 + 1])
    array([ 8388608, -8388607,  8388608, -8388607])
    """
    v = _as_int64(x, "wrap_lava(x)")
    # Loihi's current register is 24 bits wide, so an overflowing u wraps instead of clipping;
    # Lava models that with these two one-sided corrections rather than a true modulo.
    half, full = 1 << (bits - 1), 1 << bits
    v = np.where(v > half, v - full, v)
    return np.where(v <= -half, v + full, v)


def saturate(x: npt.ArrayLike, bits: int = 24) -> np.ndarray:
    """Clip to the symmetric range ``±(2**(bits-1) - 1)``, as Lava does for the LIF voltage.

    Examples
    --------
    >>> saturate([2**23, -2**23, 5])
    array([ 8388607, -8388607,        5])
    """
    # Unlike u, the 24-bit voltage saturates instead of wrapping (Lava clips v); the range is
    # symmetric, so -2**23 itself is never produced.
    limit = (1 << (bits - 1)) - 1
    return np.clip(_as_int64(x, "saturate(x)"), -limit, limit)


# The float -> fixed mapping of the E/I tutorial lives in its own module (kept short); its
# functions belong to this namespace.
from neuroproc.utils._float2fixed import (  # noqa: E402
    find_scaling_function,
    float2fixed_lif_parameter,
    lif_params_to_fixed,
    scale_decay,
)
