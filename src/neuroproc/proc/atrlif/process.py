"""ATRLIF: LIF neurons with an adaptive threshold and a refractory state (Lava's ``ATRLIF``)."""
from __future__ import annotations

from neuroproc._validation import as_shape
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.proc.lif.process import per_neuron, shared_or_per_neuron
from neuroproc.variable import Var

__all__ = ["ATRLIF"]


class ATRLIF(AbstractProcess):
    r"""Adaptive Threshold and Refractoriness Leaky-Integrate-and-Fire neurons.

    Each step, with ``x`` the input arriving on ``a_in``:

    .. math::

        i[t] &= (1 - \delta_i)\, i[t-1] + x[t] \\
        v[t] &= (1 - \delta_v)\, v[t-1] + i[t] + \mathrm{bias} \\
        \theta[t] &= (1 - \delta_\theta)(\theta[t-1] - \theta_0) + \theta_0 \\
        r[t] &= (1 - \delta_r)\, r[t-1] \\
        s[t] &= v[t] - r[t] \ge \theta[t]

    and where ``s[t]``: ``r[t] += 2 theta[t]``, ``theta[t] += theta_step`` (``v`` is not reset).
    The fixed-point model (Loihi 2 arithmetic) takes the decays as **fractions** too and scales
    them by 4096 inside; it overwrites ``theta`` with ``theta_0 * 64`` on its first step (the
    initial ``theta`` is ignored), see :mod:`neuroproc.proc.atrlif.models`.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    i, v, theta, r : float or array_like
        Initial current, voltage, threshold and refractory state.
    s : bool or array_like
        Initial spike state.
    delta_i, delta_v, delta_theta, delta_r : float
        Decays of ``i``, ``v``, ``theta`` and ``r`` (fractions in [0, 1]).
    theta_0 : float
        Baseline threshold.
    theta_step : float
        Threshold increase at each spike.
    bias_mant, bias_exp : float or array_like
        Bias mantissa and exponent (the float model ignores ``bias_exp``).
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``i``, ``v``, ``theta``, ``r``, ``s``, ``bias_mant``, ``bias_exp`` (neuron shape);
    ``delta_i``, ``delta_v``, ``delta_theta``, ``delta_r``, ``theta_0``, ``theta_step``
    (shape ``(1,)``, or the neuron shape when given per neuron). Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, *, shape, i=0, v=0, theta=5, r=0, s=0, delta_i=0.4, delta_v=0.4,
                 delta_theta=0.2, delta_r=0.2, theta_0=5, theta_step=3.75, bias_mant=0, bias_exp=0,
                 name: str | None = None, **kwargs):
        shape = as_shape(shape, f"{name or 'ATRLIF'}::ATRLIF.shape")
        state = dict(i=i, v=v, theta=theta, r=r, bias_mant=bias_mant, bias_exp=bias_exp)
        params = dict(delta_i=delta_i, delta_v=delta_v, delta_theta=delta_theta, delta_r=delta_r,
                      theta_0=theta_0, theta_step=theta_step)
        super().__init__(shape=shape, name=name, s=s, **state, **params, **kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        for key, value in state.items():
            setattr(self, key, Var(shape=shape, init=per_neuron(self, key, value, shape)))
        self.s = Var(shape=shape, init=s)
        for key, value in params.items():
            init, var_shape = shared_or_per_neuron(self, key, value, shape)
            setattr(self, key, Var(shape=var_shape, init=init))

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]
