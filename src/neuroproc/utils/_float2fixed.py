"""Float -> fixed-point mapping of LIF/Dense parameters, as in Lava's E/I tutorial.

Re-exported by :mod:`neuroproc.utils.fixed_point`; import it from there.
"""
from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from neuroproc.exceptions import ValidationError

__all__ = ["find_scaling_function", "float2fixed_lif_parameter", "lif_params_to_fixed", "scale_decay"]

#: du and dv are 12-bit fractions of 4096.
DECAY_SHIFT = 12

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
            and not isinstance(bits, bool) and int(bits) >= 1 and np.asarray(spec["shift"]).size
            and val.size and np.all(np.isfinite(val))):
        shown = {k: v for k, v in spec.items() if k != "val"} if ok else spec
        raise ValidationError(f"find_scaling_function: params[{name!r}] is malformed (got {shown!r}"
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
        raise ValidationError(f"find_scaling_function: params must be a non-empty dict (got "
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
            raise ValidationError(f"find_scaling_function: every entry is all zeros (got max|val| = 0 "
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
        raise ValidationError(f"float2fixed_lif_parameter: params lacks {missing} (got keys "
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
        raise ValidationError(f"scale_decay: decay constants must be in [0, 1) and round below 4096 "
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
        raise ValidationError(f"lif_params_to_fixed: lif_params lacks {missing}. Pass the dict that "
                         "convert_rate_to_lif_params returns.")
    for key in ("vth", "bias_mant"):
        exc, inh = lif_params[f"{key}_exc"], lif_params[f"{key}_inh"]
        if np.any(np.asarray(exc) != np.asarray(inh)):
            raise ValidationError(f"lif_params_to_fixed: {key}_exc != {key}_inh (got {exc!r} and "
                             f"{inh!r}). The tutorial mapping gives both populations one value.")
    ranges = {}
    for name, rng in (("u_range", u_range), ("v_range", v_range)):
        r = np.asarray(rng, dtype=float)
        if r.shape != (2,) or not np.all(np.isfinite(r)) or r[0] > r[1]:
            raise ValidationError(f"lif_params_to_fixed: {name} must be finite (low, high) with "
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
