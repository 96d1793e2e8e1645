"""Shared checks and message helpers: who-strings, short reprs, did-you-mean suggestions."""
from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable

import numpy as np

from neuroproc.exceptions import ShapeError, ValidationError


def who(owner, member: str | None = None) -> str:
    """``name::Class.member`` for a Process (or anything with ``name``), as in every message."""
    if owner is None:
        return f"<unowned>.{member}" if member else "<unowned>"
    base = f"{getattr(owner, 'name', '?')}::{type(owner).__name__}"
    return f"{base}.{member}" if member else base


def short_repr(value, limit: int = 60) -> str:
    """A repr that stays on one line and short, for error messages."""
    if isinstance(value, np.ndarray):
        text = f"array(shape={value.shape}, dtype={value.dtype})"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(word: str, candidates: Iterable[str], n: int = 1) -> str:
    """`` Did you mean 'x'?`` for the closest candidate (up to ``n``), or an empty string.

    A candidate that differs only in case wins (``dV`` -> ``dv``).
    """
    names = [str(c) for c in candidates]
    same = [c for c in names if c.lower() == str(word).lower()]
    if same:
        return f" Did you mean {same[0]!r}?"
    lowered = {c.lower(): c for c in names}
    match = [lowered[m] for m in difflib.get_close_matches(str(word).lower(), list(lowered), n=n,
                                                           cutoff=0.5)]
    if not match:
        return ""
    return " Did you mean " + " or ".join(repr(m) for m in match) + "?"


def as_shape(shape, what: str) -> tuple[int, ...]:
    """Normalise an int or a sequence of ints into a shape tuple of positive ints."""
    if isinstance(shape, numbers.Integral):
        shape = (int(shape),)
    try:
        out = tuple(int(s) for s in shape)
        ok = all(isinstance(s, numbers.Integral) for s in shape)
    except TypeError:
        ok = False
    if not ok or any(s < 1 for s in out):
        raise ShapeError(f"{what}: shape must be a positive int or a tuple of positive ints "
                         f"(got {short_repr(shape)}). Pass e.g. shape=(10,).")
    return out


def check_int(value, what: str, minimum: int | None = None) -> int:
    """An integer (not bool), at least ``minimum``."""
    if type(value) is int and (minimum is None or value >= minimum):  # the common case, cheap
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or (
            minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValidationError(f"{what} must be an int{bound} (got {short_repr(value)}).")
    return int(value)


def cast_to_dtype(value, dtype, shape, what: str) -> np.ndarray:
    """Convert ``value`` to an array of ``dtype`` and ``shape``, refusing silent damage.

    Scalars broadcast to ``shape``. Floats cast toward zero into integer dtypes (as Lava does),
    but NaN/inf and values outside the integer type's range raise instead of wrapping.
    """
    arr = np.asarray(value)
    if arr.shape != tuple(shape):
        if arr.ndim == 0 or arr.size == 1 and arr.ndim <= 1:
            arr = np.broadcast_to(arr.reshape(()), shape)
        else:
            raise ShapeError(f"{what}: value has shape {arr.shape} but the Var has shape "
                             f"{tuple(shape)}. Pass an array of shape {tuple(shape)} or a scalar.")
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" and arr.dtype.kind not in "iub":
        if arr.dtype.kind not in "f":
            raise ValidationError(f"{what}: cannot store {arr.dtype} values in a {dtype} Var "
                                  f"(got {short_repr(value)}). Pass numbers.")
        if not np.all(np.isfinite(arr)):
            raise ValidationError(f"{what}: NaN or inf cannot be stored in an integer ({dtype}) Var "
                                  f"(got {short_repr(value)}). Pass finite values.")
    if dtype.kind in "iu" and arr.size and arr.dtype.kind in "iuf":
        info = np.iinfo(dtype)
        lo, hi = arr.min(), arr.max()
        if lo < info.min or hi > info.max:
            raise ValidationError(f"{what}: values in [{lo}, {hi}] do not fit {dtype} "
                                  f"[{info.min}, {info.max}] and would wrap. Pass values in range.")
    # C order always: the layout decides numpy's summation order (Dense), and kernels expect it
    return np.array(arr, dtype=dtype, order="C")


def check_finite_numbers(value, what: str) -> None:
    """Refuse anything but finite ints, floats or bools (NaN, inf, strings, objects)."""
    try:
        arr = np.asarray(value)
    except Exception:
        arr = np.asarray(None)
    if arr.dtype.kind not in "iufb" or (arr.dtype.kind == "f" and not np.all(np.isfinite(arr))):
        raise ValidationError(f"{what}: expected finite numbers (got {short_repr(value)}). "
                              "Pass ints or floats.")
