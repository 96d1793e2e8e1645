"""Passthrough (an identity, Nengo's passthrough node) and LinearChain (folded linear connections)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape, check_int, short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["LinearChain", "Passthrough"]


class Passthrough(AbstractProcess):
    r"""Identity: sends on ``s_out`` what arrives on ``s_in``, in the same time step.

    .. math::

        s_{out}[t] = \sum_{\text{channels into } s_{in}} m[t]

    There is no delay and no state, so a Passthrough only names a point of the network (a place
    to connect layers, fan out or probe). Nengo-Loihi removes such nodes before it builds the
    chip model; neuroproc's compiler does the same (``RunConfig(fold='exact')``, the default)
    wherever removing it cannot change a single number: see :mod:`neuroproc.compiler.fold`. A
    folded Passthrough has no model at run time: it has no Vars to read, and ``model_class``
    still names the model it would have used.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the messages.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: none. Ports: ``s_in`` (InPort), ``s_out`` (OutPort), both of ``shape``.
    """

    def __init__(self, shape, name: str | None = None, **kwargs):
        shape = as_shape(shape, f"{name or 'Passthrough'}::Passthrough.shape")
        super().__init__(shape=shape, name=name, **kwargs)
        self.s_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the messages."""
        return self.proc_params["shape"]


class LinearChain(AbstractProcess):
    r"""Graded synapses with a ``delay`` of several steps: what a folded chain of Dense becomes.

    A chain of ``k`` graded float ``Dense`` (``num_message_bits > 0``), joined directly or
    through Passthroughs, computes ``W_k (\dots (W_1 s))`` and delays it by ``k`` steps (one per
    Dense). With ``RunConfig(fold='linear')`` the compiler replaces the chain by one
    LinearChain with ``weights = W_k @ ... @ W_1`` and ``delay = k``:

    .. math::

        a_{out}[t] = \mathrm{pipeline}[t \bmod k], \qquad
        \mathrm{pipeline}[t \bmod k] \leftarrow W\, s_{in}[t]
        \quad (W\, [s_{in}[t] \ne 0] \text{ with binary input})

    so ``a_out[t] = W s_in[t - k]`` for ``t > k``; the first ``k`` messages are the rows of
    the initial ``pipeline`` (the Dense buffers' values carried through the rest of the chain).
    The timing is the chain's; the numbers equal the chain's up to float rounding, because
    ``(W_2 W_1) s`` and ``W_2 (W_1 s)`` round differently. Parallel connections with equal delays
    fold into one LinearChain too, with ``weights = W_1 + W_2`` (see
    :mod:`neuroproc.compiler.fold_sum`).

    Parameters
    ----------
    weights : array_like, shape (n_out, n_in)
        The product of the chain's weight matrices.
    delay : int
        Steps from input to output, >= 1 (the number of Dense folded).
    pipeline : array_like, shape (delay, n_out), optional
        Row ``t % delay`` is sent at step ``t`` for ``t <= delay``; zeros by default.
    name : str, optional
        Name of the Process.
    in_shape, out_shape : tuple of int, optional
        Shapes of ``s_in`` and ``a_out`` (default ``(n_in,)`` and ``(n_out,)``); the weights act
        on the flattened messages (a folded chain of Conv keeps its image shapes).
    binary_input : bool, optional
        True: multiply ``s_in != 0`` (binary spikes, as a Dense with ``num_message_bits=0`` at
        the head of the folded chain counts them), not the received values. Default False.

    Notes
    -----
    Vars: ``weights`` (n_out, n_in), ``pipeline`` (delay, n_out). Ports: ``s_in`` (in_shape),
    ``a_out`` (out_shape).
    """

    def __init__(self, weights, delay: int, pipeline=None, name: str | None = None,
                 in_shape: tuple[int, ...] | None = None, out_shape: tuple[int, ...] | None = None,
                 binary_input: bool = False, **kwargs):
        label = f"{name or 'LinearChain'}::LinearChain"
        w = np.asarray(weights)
        if w.ndim != 2 or 0 in w.shape or w.dtype.kind not in "iuf":
            raise ShapeError(f"{label}.weights: expected a non-empty 2-D matrix of numbers "
                             f"(got {short_repr(weights)}). Pass an array of shape (n_out, n_in).")
        delay = check_int(delay, f"{label}.delay", minimum=1)
        super().__init__(weights=weights, delay=delay, name=name, in_shape=in_shape, out_shape=out_shape,
                         binary_input=bool(binary_input), **kwargs)
        n_out, n_in = w.shape
        if pipeline is None:
            pipeline = np.zeros((delay, n_out))
        elif np.shape(pipeline) != (delay, n_out):
            raise ValidationError(f"{who(self, 'pipeline')}: expected shape {(delay, n_out)} = (delay, n_out) "
                                  f"(got {np.shape(pipeline)}). Pass one row per step of delay.")
        in_shape = (n_in,) if in_shape is None else tuple(in_shape)
        out_shape = (n_out,) if out_shape is None else tuple(out_shape)
        if int(np.prod(in_shape)) != n_in or int(np.prod(out_shape)) != n_out:
            raise ShapeError(f"{label}: in_shape {in_shape} and out_shape {out_shape} must hold {n_in} and "
                             f"{n_out} values, the weights' (n_out, n_in) = {w.shape}. Pass matching shapes.")
        self.s_in = InPort(shape=in_shape)
        self.a_out = OutPort(shape=out_shape)
        self.weights = Var(shape=w.shape, init=w)
        self.pipeline = Var(shape=(delay, n_out), init=np.asarray(pipeline))
