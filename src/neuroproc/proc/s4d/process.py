"""S4D: neurons that run a diagonal linear state-space model (Gu et al., 2022), alone, as the
activation of a sigma-delta neuron, or as a layer with several hidden states per channel
(Lava's ``lava.proc.s4d``)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.proc.sdn.process import ActivationMode, SigmaDelta
from neuroproc.variable import Var

__all__ = ["S4d", "SigmaS4dDelta", "SigmaS4dDeltaLayer"]


class S4d(AbstractProcess):
    r"""A diagonal state-space model per neuron.

    .. math::

        x[t] = a \, x[t-1] + b \, u[t], \qquad s[t] = \mathrm{Re}(2 \, c \, x[t])

    with ``u`` the input on ``a_in`` and complex (or real) diagonals ``a``, ``b``, ``c``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    a, b, c : complex or array_like
        Diagonals of the state, input and output matrices.
    s4_state : complex or array_like
        Initial state.
    s4_exp, inp_exp : int
        Fixed-point exponents of the state and of the input (for chip models; unused on CPU).

    Notes
    -----
    Vars: ``a``, ``b``, ``c``, ``s4_state`` (neuron shape), ``s4_exp``, ``inp_exp`` (shape
    ``(1,)``). Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, shape, a, b, c, s4_state=0, s4_exp: int = 0, inp_exp: int = 0, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or 'S4d'}::S4d.shape")
        super().__init__(shape=shape, a=a, b=b, c=c, s4_state=s4_state, s4_exp=s4_exp, inp_exp=inp_exp,
                         **kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.a = Var(shape=shape, init=a)
        self.b = Var(shape=shape, init=b)
        self.c = Var(shape=shape, init=c)
        self.s4_state = Var(shape=shape, init=s4_state)
        self.s4_exp = Var(shape=(1,), init=s4_exp)
        self.inp_exp = Var(shape=(1,), init=inp_exp)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]


class SigmaS4dDelta(SigmaDelta):
    r"""A sigma-delta neuron whose activation is an S4D model of its sigma.

    ``sigma += a_in``; ``x = a x + b sigma``; ``act = 2 c x``; then the delta encoding of
    :class:`~neuroproc.proc.sdn.process.SigmaDelta` (``bias`` and ``act_mode`` are not used).
    The CPU model is float with real ``a``, ``b``, ``c`` (Lava declares them float).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : float
        Threshold of the delta encoder.
    a, b, c : float or array_like
        Diagonals of the state, input and output matrices.
    state_exp, s4_exp : int
        Fixed-point exponents (for chip models).

    Notes
    -----
    Vars: those of SigmaDelta and ``a``, ``b``, ``c``, ``s4_state``, ``s4_exp``.
    """

    def __init__(self, shape, vth, a, b, c, state_exp: int = 0, s4_exp: int = 0, **kwargs):
        super().__init__(shape=shape, vth=vth, a=a, b=b, c=c, s4_state=0, state_exp=state_exp, s4_exp=s4_exp,
                         **kwargs)
        self.a = Var(shape=self.shape, init=a)
        self.b = Var(shape=self.shape, init=b)
        self.c = Var(shape=self.shape, init=c)
        self.s4_state = Var(shape=self.shape, init=0)
        self.s4_exp = Var(shape=(1,), init=s4_exp)


class SigmaS4dDeltaLayer(AbstractProcess):
    """``Sparse -> SigmaS4dDelta -> Sparse``: each of ``shape[0]`` channels fans out to
    ``d_states`` hidden S4D states, whose outputs are summed back per channel.

    Parameters
    ----------
    shape : tuple of int
        ``(channels,)``.
    vth : float
        Threshold of the delta encoder.
    a, b, c : float or array_like
        Diagonals for the ``channels * d_states`` hidden states.
    d_states : int
        Hidden states per channel.
    s4_exp, num_message_bits, state_exp : int
        Passed to the sub-processes (``num_message_bits`` and ``weight_exp = state_exp`` to the
        Sparse connections).

    Notes
    -----
    Ports: ``s_in``, ``a_out``. Vars ``a``, ``b``, ``c``, ``s4_state`` alias the neuron's;
    ``conn_weights`` holds the expansion matrix ``kron(eye(channels), ones(d_states))``.
    """

    def __init__(self, shape, vth, a, b, c, d_states: int = 1, s4_exp: int = 0, num_message_bits: int = 24,
                 state_exp: int = 0, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or 'SigmaS4dDeltaLayer'}::SigmaS4dDeltaLayer.shape")
        conn_weights = np.kron(np.eye(shape[0]), np.ones(d_states))
        super().__init__(shape=shape, vth=vth, a=a, b=b, c=c, s4_exp=s4_exp, s4_state=0,
                         conn_weights=conn_weights, num_message_bits=num_message_bits, d_states=d_states,
                         state_exp=state_exp, act_mode=ActivationMode.UNIT, **kwargs)
        hidden = (shape[0] * d_states,)
        self.s_in = InPort(shape=shape)
        self.a_out = OutPort(shape=shape)
        self.state_exp = Var(shape=(1,), init=state_exp)
        self.a = Var(shape=hidden, init=a)
        self.b = Var(shape=hidden, init=b)
        self.c = Var(shape=hidden, init=c)
        self.s4_state = Var(shape=hidden, init=0)
        self.S4_exp = Var(shape=(1,), init=s4_exp)
        self.conn_weights = Var(shape=conn_weights.shape, init=conn_weights)
        self.num_message_bits = Var(shape=(1,), init=num_message_bits)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the layer (channels)."""
        return self.proc_params["shape"]
