"""Dense: all-to-all synapses with a weight matrix, ``a_out = weights @ s_in`` one step later."""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.utils.fixed_point import SignMode
from neuroproc.variable import Var

__all__ = ["DelayDense", "Dense", "check_delays", "check_max_delay"]

#: Loihi stores at most 8 weight bits
MAX_WEIGHT_BITS = 8
#: graded spikes are int32 messages
MAX_MESSAGE_BITS = 32
#: a_out is an int32 message, so larger shifts only overflow (or give 0 / -1)
MAX_WEIGHT_EXP = 31


class Dense(AbstractProcess):
    r"""Dense synapses (Lava's ``lava.proc.dense.process.Dense``).

    Each time step ``t``, the model first sends the accumulation of the previous step, then
    receives ``s_in`` and accumulates:

    .. math::

        a_{out}[t] = a_{buff}[t-1], \qquad a_{buff}[t] = W\, s_{in}[t]

    so a spike reaches the next Process one step after it was sent (``a_buff`` is 0 at
    ``t = 1``). Binary spikes (``num_message_bits = 0``) add the columns of the active inputs;
    graded spikes (``num_message_bits > 0``) use the product ``W @ s_in``.

    The float model (``PyDenseModelFloat``) uses the weights as given. The bit-accurate model
    (``PyDenseModelBitAcc``) converts them once, on its first step, to what a Loihi synapse
    stores (clip to 8 bits by ``sign_mode``, keep ``num_weight_bits``; see
    :func:`neuroproc.utils.fixed_point.loihi_weights`), writes them back into ``weights``, and
    scales the *summed* input by ``2**weight_exp`` with shifts.

    Parameters
    ----------
    weights : array_like, shape (n_out, n_in)
        ``weights[i, j]`` is the synapse from input ``j`` to output ``i``.
    weight_exp : int
        Shared exponent applied to the accumulated input (bit-accurate model), in [-31, 31].
    num_weight_bits : int
        Weight precision of the bit-accurate model, 1..8.
    sign_mode : SignMode or None
        MIXED, EXCITATORY or INHIBITORY; None (or NULL) lets the weights decide.
    num_message_bits : int
        0 for binary spikes, 1..32 for graded spikes.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``weights`` (n_out, n_in), ``a_buff`` (n_out,), ``num_message_bits`` (1,).
    Ports: ``s_in`` (n_in,), ``a_out`` (n_out,).

    ``num_message_bits`` is fixed once the network is compiled: the models pick binary or graded
    arithmetic when they are built, so ``set`` on it then raises ``RuntimeStateError`` (Lava's
    python model would switch mid-run; its compiled counterpart could not).

    The bit-accurate model clips weights outside Loihi's 8 bits plus sign ([-256, 255]) as Lava
    does, and says so with a :class:`~neuroproc.exceptions.PrecisionWarning`.
    """

    def __init__(self, weights, *, weight_exp: int = 0, num_weight_bits: int = 8,
                 sign_mode: SignMode | None = None, num_message_bits: int = 0,
                 name: str | None = None, **kwargs):
        super().__init__(weights=weights, weight_exp=weight_exp, num_weight_bits=num_weight_bits,
                         sign_mode=sign_mode, num_message_bits=num_message_bits, name=name, **kwargs)
        w = check_weight_matrix(self, weights)
        check_connection_params(self, weight_exp, num_weight_bits, sign_mode, num_message_bits)
        self.proc_params.overwrite("sign_mode", None if sign_mode is None else SignMode(int(sign_mode)))
        n_out, n_in = w.shape
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n_out,))
        self.weights = Var(shape=w.shape, init=weights)
        self.a_buff = Var(shape=(n_out,), init=0)
        # the models choose binary or graded arithmetic (and the compiled kernel) when built
        self.num_message_bits = Var(shape=(1,), init=num_message_bits, fixed_after_compile=True)


class DelayDense(Dense):
    r"""Dense synapses with a delay per synapse (Lava's ``lava.proc.dense.process.DelayDense``).

    ``a_buff`` is a ring of future inputs, one column per step ahead. Each time step the model
    sends column 0, receives ``s_in``, clears column 0 and shifts the columns by one (column ``k``
    becomes ``k - 1``), then adds what arrived, each synapse into the column of its delay:

    .. math::

        a_{out}[t] = a_{buff}[:, 0], \qquad
        a_{buff}[:, k] \mathrel{+}= \sum_j W_{ij}\,[D_{ij} = k]\, s_j[t]

    so a spike sent at step ``t`` through a synapse of delay ``d`` reaches the next Process at
    step ``t + 1 + d`` (delay 0 is Dense's one-step delay). Synapses with a delay above
    ``max_delay`` never arrive, as in Lava.

    Parameters
    ----------
    weights : array_like, shape (n_out, n_in)
        As for :class:`Dense`.
    delays : int or array_like of int, shape (n_out, n_in)
        Delay of each synapse in steps (>= 0), or one delay for all.
    max_delay : int
        Columns of ``a_buff`` minus one; 0 (the default) takes ``max(delays)``. Set it larger if
        the delays will be changed to larger values between runs.
    weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for :class:`Dense`; the bit-accurate model accepts delays up to 63 (6 bits on Loihi 2).

    Notes
    -----
    Vars: ``weights`` (n_out, n_in), ``delays`` (n_out, n_in), ``a_buff`` (n_out, max_delay + 1),
    ``num_message_bits`` (1,). Ports: ``s_in`` (n_in,), ``a_out`` (n_out,).
    """

    def __init__(self, weights, *, delays, max_delay: int = 0, name: str | None = None, **kwargs):
        label = f"{name or 'DelayDense'}::{type(self).__name__}"
        d = check_delays(label, np.shape(weights), delays)
        max_delay = check_max_delay(label, max_delay, d)
        super().__init__(weights, name=name, max_delay=max_delay, **kwargs)
        shape = self.weights.shape
        self.delays = Var(shape=shape, init=delays)
        self.a_buff = Var(shape=(shape[0], max_delay + 1), init=0)


def check_delays(label: str, shape: tuple[int, ...], delays) -> np.ndarray:
    """``delays`` as an int array of ``shape`` (an int is broadcast), or a ValidationError."""
    d = np.asarray(delays)
    if d.ndim == 0 and d.dtype.kind in "iu":
        d = np.broadcast_to(d, shape)
    if d.dtype.kind not in "iu" or d.shape != tuple(shape) or d.size == 0 or d.min() < 0:
        raise ValidationError(f"{label}.delays: expected ints >= 0 of shape {tuple(shape)} (got "
                              f"{short_repr(delays)}). Pass an int or an int array of the weights' shape.")
    return d


def check_max_delay(label: str, max_delay, delays: np.ndarray) -> int:
    """``max_delay``, or ``max(delays)`` for 0, as Lava does."""
    if isinstance(max_delay, bool) or not isinstance(max_delay, numbers.Integral) or max_delay < 0:
        raise ValidationError(f"{label}.max_delay: expected an int >= 0 (got {short_repr(max_delay)}). "
                              "Pass 0 to take the largest delay.")
    return int(max_delay) if max_delay else int(delays.max())


def check_weight_matrix(owner, weights) -> np.ndarray:
    """``weights`` as a 2-D array of finite numbers, or a ShapeError/ValidationError."""
    try:
        w = np.asarray(weights)
    except Exception as exc:
        raise ValidationError(f"{who(owner, 'weights')}: expected a 2-D array of numbers "
                              f"(got {short_repr(weights)}). Pass a numpy array.") from exc
    if w.ndim != 2 or 0 in w.shape:
        raise ShapeError(f"{who(owner, 'weights')}: expected a non-empty 2-D matrix of shape "
                         f"(n_out, n_in) (got shape {w.shape}). Pass e.g. np.eye(3), or "
                         "w[np.newaxis, :] for a single output.")
    if w.dtype.kind not in "iuf":
        raise ValidationError(f"{who(owner, 'weights')}: expected numbers (got dtype {w.dtype}). "
                              "Pass ints or floats.")
    if w.dtype.kind == "f" and not np.all(np.isfinite(w)):
        raise ValidationError(f"{who(owner, 'weights')}: weights must be finite (got "
                              f"{int(np.sum(~np.isfinite(w)))} NaN or inf). Pass finite numbers.")
    return w


def _int_in(owner, key: str, value, lo: int, hi: int, why: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise ValidationError(f"{who(owner, key)}: expected an int in [{lo}, {hi}] "
                              f"(got {short_repr(value)}). {why}.")
    return int(value)


def check_connection_params(owner, weight_exp, num_weight_bits, sign_mode, num_message_bits) -> None:
    """Validate the shared connection parameters of Dense and Sparse."""
    _int_in(owner, "weight_exp", weight_exp, -MAX_WEIGHT_EXP, MAX_WEIGHT_EXP,
            "It scales the int32 input by 2**weight_exp; Loihi uses -8..7")
    _int_in(owner, "num_weight_bits", num_weight_bits, 1, MAX_WEIGHT_BITS,
            "Loihi synapses keep at most 8 weight bits")
    _int_in(owner, "num_message_bits", num_message_bits, 0, MAX_MESSAGE_BITS,
            "Use 0 for binary spikes or the payload width of graded spikes")
    if sign_mode is not None and not (
            isinstance(sign_mode, numbers.Integral) and not isinstance(sign_mode, bool)
            and int(sign_mode) in SignMode._value2member_map_):
        raise ValidationError(f"{who(owner, 'sign_mode')}: expected a SignMode or None "
                              f"(got {short_repr(sign_mode)}). Use e.g. SignMode.EXCITATORY, "
                              "or None to let the weights decide.")


from neuroproc.proc.dense.learning_process import LearningDense  # noqa: E402  (built on Dense)

__all__ = sorted([*__all__, "LearningDense"])
