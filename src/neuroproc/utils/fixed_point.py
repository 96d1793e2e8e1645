"""Loihi fixed-point helpers shared by the bit-accurate Dense and LIF models (Lava 0.10 semantics).

The once-only weight conversion of the bit-accurate Dense; the integer arithmetic of the
bit-accurate LIF (in int64, so that ``u * 4095``, 24 + 12 bits, cannot overflow before it is
shifted back); and the float -> fixed parameter mapping of Lava's E/I tutorial.
"""
from __future__ import annotations

import dataclasses
import enum
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

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
            or not 1 <= num_weight_bits <= MAX_WEIGHT_BITS):
        raise ValueError(f"{who}: num_weight_bits must be an int in 1..{MAX_WEIGHT_BITS} "
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
        raise ValueError("determine_sign_mode: weights is empty (got shape "
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
        raise ValueError("clip_weights: sign_mode is SignMode.NULL (got NULL). Decide it first "
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
        raise ValueError("loihi_weights: weights contain NaN or inf (got "
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


# ---------------------------------------------------------------- float -> fixed (E/I tutorial)

@dataclasses.dataclass(frozen=True)
class _LinearScaling:
    """``x -> factor * x``, the callable returned by :func:`find_scaling_function`."""

    factor: float

    def __call__(self, x: npt.ArrayLike) -> np.ndarray:
        return self.factor * np.asarray(x, dtype=float)


def _check_spec(name: Any, spec: Any) -> np.ndarray:
    ok = isinstance(spec, Mapping) and {"bits", "signed", "shift", "val"} <= set(spec)
    val = np.asarray(spec["val"], dtype=float) if ok else np.empty(0)
    bits = spec["bits"] if ok else None
    if not (ok and spec["signed"] in ("s", "u") and isinstance(bits, numbers.Integral)
            and not isinstance(bits, bool) and bits >= 1 and np.asarray(spec["shift"]).size
            and val.size and np.all(np.isfinite(val))):
        shown = {k: v for k, v in spec.items() if k != "val"} if ok else spec
        raise ValueError(f"find_scaling_function: params[{name!r}] is malformed (got {shown!r}"
                         f", val of {val.size} values). Use {{'bits': int >= 1, 'signed': 's' or "
                         "'u', 'shift': non-empty list of ints, 'val': finite numbers}.")
    return val


def find_scaling_function(params: Mapping[str, Mapping[str, Any]]) -> Callable[[Any], np.ndarray]:
    """Find the one factor that maps every float parameter into its fixed-point range.

    Each entry of ``params`` is ``{'bits', 'signed' ('s'|'u'), 'shift', 'val'}``. It can hold
    magnitudes up to ``limit = levels * 2**max(shift)``, with ``levels = 2**(bits - sign bit)``,
    minus one if the largest magnitude is positive (two's complement has one more negative code).
    Entries are visited from the largest ``max|val|`` down: the first sets
    ``factor = limit / max|val|``; a later one that would overflow under the current factor
    replaces it with its own, smaller, factor (the tutorial's ``_scaling_funct``). Returns
    ``x -> factor * x``, a callable whose ``factor`` attribute holds the factor.

    Examples
    --------
    >>> f = find_scaling_function({
    ...     'big': {'bits': 16, 'signed': 's', 'shift': [0], 'val': [1000.0]},
    ...     'small': {'bits': 4, 'signed': 's', 'shift': [0], 'val': [5.0]}})
    >>> f.factor    # 'big' allows 32.767, but 5 * 32.767 > 7 = 2**3 - 1, so 7 / 5 wins
    1.4
    """
    if not isinstance(params, Mapping) or not params:
        raise ValueError(f"find_scaling_function: params must be a non-empty dict (got "
                         f"{params!r}). See lif_params_to_fixed for an example.")
    values = {name: _check_spec(name, spec) for name, spec in params.items()}
    # sorted() is stable, so entries with equal peaks keep the dict order, as in the tutorial.
    order = sorted(params, key=lambda name: np.max(np.abs(values[name])), reverse=True)

    def limit(name: str) -> int:
        spec, val = params[name], values[name]
        sign_bit = 1 if spec["signed"] == "s" else 0
        top_positive = np.max(val) == np.max(np.abs(val))
        levels = 2 ** (int(spec["bits"]) - sign_bit) - (1 if top_positive else 0)
        return levels * 2 ** int(np.max(spec["shift"]))

    def fit(name: str) -> float:
        peak = np.max(np.abs(values[name]))
        if peak == 0:
            raise ValueError(f"find_scaling_function: every entry is all zeros (got max|val| = 0 "
                             f"for {name!r}), so none can set a scale. Give a non-zero value.")
        # limit / peak first, then times x: the same float operations as the tutorial.
        return float(limit(name) / peak)

    factor = fit(order[0])
    for name in order[1:]:
        if np.max(np.abs(factor * values[name])) > limit(name):
            factor = fit(name)
    return _LinearScaling(factor)


def float2fixed_lif_parameter(params: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Map float LIF parameters to Loihi integers with one common scale (tutorial cell [31]).

    ``params`` is the table of :func:`find_scaling_function` and must contain 'vth', 'bias' and
    'weights' (other entries, e.g. the ranges of u and v, only constrain the scale). With
    ``b`` = scaled bias, ``shift[0]`` = first listed shift of an entry:

    * ``bias_exp = max(0, ceil(log2(b) - bias bits + 1))``, ``bias_mant = b // 2**bias_exp``;
    * ``vth = scaled vth // 2**shift[0]`` (the LIF shifts it left by 6 again);
    * ``weights = round(round(scaled weights) / 2**shift[0])`` (the LIF shifts input by 6);
    * ``weight_exp = ceil(log2(b) - weight bits + 1) - 6``, or 0 if that is <= 0. The tutorial
      derives it from the *bias*, not the weights; kept so the numbers match (0 for E/I).

    Returns ``vth``, ``bias_mant``, ``bias_exp``, ``weight_exp`` (ints), ``weights`` (int32).

    Examples
    --------
    >>> fixed = float2fixed_lif_parameter({
    ...     'vth': {'bits': 17, 'signed': 'u', 'shift': [6], 'val': [1.0]},
    ...     'bias': {'bits': 13, 'signed': 's', 'shift': [0], 'val': [0.25]},
    ...     'weights': {'bits': 8, 'signed': 's', 'shift': [6], 'val': [0.25, -1.0]}})
    >>> [fixed[k] for k in ('vth', 'bias_mant', 'bias_exp', 'weight_exp')], fixed['weights']
    ([128, 2048, 0, 0], array([  32, -128], dtype=int32))
    """
    if missing := [k for k in ("vth", "bias", "weights") if k not in params]:
        raise ValueError(f"float2fixed_lif_parameter: params lacks {missing} (got keys "
                         f"{sorted(params)}). Add entries for 'vth', 'bias' and 'weights'.")
    scale = find_scaling_function(params)
    bias = float(scale(params["bias"]["val"]).ravel()[0])

    def exponent(bits: int) -> int:
        # Smallest exponent that lets the mantissa fit ``bits`` signed bits. log2 of |bias| so
        # that a negative bias works too (the tutorial only ever sees a positive one).
        return int(np.ceil(np.log2(abs(bias)) - bits + 1)) if bias != 0 else 0

    vth_shift, w_shift = (int(np.ravel(params[k]["shift"])[0]) for k in ("vth", "weights"))
    bias_exp = max(exponent(int(params["bias"]["bits"])), 0)
    weight_exp = max(exponent(int(params["weights"]["bits"])) - 6, 0)
    vth = float(scale(params["vth"]["val"]).ravel()[0])
    weights = np.round(np.round(scale(params["weights"]["val"])) / 2 ** w_shift)
    return {"vth": int(vth // 2 ** vth_shift), "bias_mant": int(bias // 2 ** bias_exp),
            "bias_exp": bias_exp, "weights": weights.astype(np.int32), "weight_exp": weight_exp}


def scale_decay(x: npt.ArrayLike) -> int | np.ndarray:
    """Map a float decay constant in [0, 1) to Loihi's 12-bit ``round(x * 2**12)``.

    Returns a Python int for a scalar and an int32 array otherwise. Values that round to 4096
    (``x >= 1 - 2**-13``) do not fit 12 bits and are refused too.

    Examples
    --------
    >>> scale_decay(0.07), scale_decay(0.01)
    (287, 41)
    >>> scale_decay([0.0, 0.5])
    array([   0, 2048], dtype=int32)
    """
    arr = np.asarray(x, dtype=float)
    out = np.round(arr * 2 ** DECAY_SHIFT)
    if not np.all((arr >= 0) & (arr < 1) & (out < 2 ** DECAY_SHIFT)):
        raise ValueError(f"scale_decay: decay constants must be in [0, 1) and round below 4096 "
                         f"(got {x!r}). Use at most 4095/4096; 1 (no memory) needs 13 bits.")
    out = out.astype(np.int32)
    return int(out) if out.ndim == 0 else out


_LIF_KEYS = ("shape_exc", "shape_inh", "g_factor", "q_factor", "vth_exc", "vth_inh",
             "bias_mant_exc", "bias_mant_inh", "du_exc", "dv_exc", "du_inh", "dv_inh", "weights")


def lif_params_to_fixed(lif_params: Mapping[str, Any], u_range: npt.ArrayLike,
                        v_range: npt.ArrayLike) -> dict[str, Any]:
    """Fixed-point EINetwork parameters from float LIF parameters (tutorial cells [33]-[34]).

    The mapping table: vth 17 bits unsigned, shift 6; u and v 24 bits signed, shift 0, values
    ``u_range``/``v_range`` (``(low, high)``; the tutorial uses the 0.2/0.8 quantiles of the
    float run); bias 13 bits signed, shifts 0..2; weights 8 bits signed, shifts 6..21. It goes
    through :func:`float2fixed_lif_parameter`; du and dv through :func:`scale_decay`.
    ``lif_params`` is what :func:`neuroproc.utils.conversion.convert_rate_to_lif_params` returns;
    both populations share one vth and one bias, so the inh values must equal the exc ones.
    Returns vth_, bias_mant_, bias_exp_, du_, dv_ (each _exc and _inh), weights, weight_exp and
    the passed-through shape_exc, shape_inh, g_factor, q_factor.

    Examples
    --------
    >>> fixed = lif_params_to_fixed(
    ...     {'shape_exc': 1, 'shape_inh': 1, 'g_factor': 4.5, 'q_factor': 1.0,
    ...      'vth_exc': 1, 'vth_inh': 1, 'bias_mant_exc': 0.05, 'bias_mant_inh': 0.05,
    ...      'du_exc': 0.07, 'dv_exc': 0.01, 'du_inh': 0.07, 'dv_inh': 0.01,
    ...      'weights': [[0.0, -0.5], [0.1, 0.0]]}, u_range=(-10, 2.5), v_range=(-800, 0))
    >>> fixed['vth_exc'], fixed['bias_mant_exc'], fixed['du_exc'], fixed['weights'].tolist()
    (163, 524, 287, [[0, -82], [16, 0]])
    """
    if missing := sorted(set(_LIF_KEYS) - set(lif_params)):
        raise ValueError(f"lif_params_to_fixed: lif_params lacks {missing}. Pass the dict that "
                         "convert_rate_to_lif_params returns.")
    for key in ("vth", "bias_mant"):
        exc, inh = lif_params[f"{key}_exc"], lif_params[f"{key}_inh"]
        if np.any(np.asarray(exc) != np.asarray(inh)):
            raise ValueError(f"lif_params_to_fixed: {key}_exc != {key}_inh (got {exc!r} and "
                             f"{inh!r}). The tutorial mapping gives both populations one value.")
    ranges = {}
    for name, rng in (("u_range", u_range), ("v_range", v_range)):
        r = np.asarray(rng, dtype=float)
        if r.shape != (2,) or not np.all(np.isfinite(r)) or r[0] > r[1]:
            raise ValueError(f"lif_params_to_fixed: {name} must be finite (low, high) with "
                             f"low <= high (got {rng!r}). Pass e.g. np.quantile(u, [0.2, 0.8]).")
        ranges[name] = r

    # Same entries, in the same order, as the tutorial (the order breaks ties in the search).
    table = {"vth": (17, "u", [6], [lif_params["vth_exc"]]),
             "u": (24, "s", [0], ranges["u_range"]), "v": (24, "s", [0], ranges["v_range"]),
             "bias": (13, "s", range(0, 3), [lif_params["bias_mant_exc"]]),
             "weights": (8, "s", range(6, 22), lif_params["weights"])}
    mapped = float2fixed_lif_parameter({
        name: {"bits": b, "signed": sg, "shift": np.array(sh), "val": np.asarray(v)}
        for name, (b, sg, sh, v) in table.items()})
    out = {key: lif_params[key] for key in ("shape_exc", "shape_inh", "g_factor", "q_factor")}
    for pop in ("exc", "inh"):
        out.update({f"vth_{pop}": mapped["vth"], f"bias_mant_{pop}": mapped["bias_mant"],
                    f"bias_exp_{pop}": mapped["bias_exp"],
                    f"du_{pop}": scale_decay(lif_params[f"du_{pop}"]),
                    f"dv_{pop}": scale_decay(lif_params[f"dv_{pop}"])})
    out.update(weights=mapped["weights"], weight_exp=mapped["weight_exp"])
    return out
