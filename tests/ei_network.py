"""The E/I network of Lava's tutorial02, written as a user would with neuroproc (used by tests and
the benchmark).

``EINetwork`` is a hierarchical Process; ``SubEINetworkModel`` (tag ``lif_neurons``) builds it from
one ``LIF`` population (excitatory neurons first, then inhibitory) recurrently connected through
one ``Dense``. The parent's ``state`` / ``state_alt`` are views of the LIF's ``v`` / ``u``. The run
configs pick float or bit-accurate LIF and Dense models with a custom ``select``, as the tutorial
does.
"""
from __future__ import annotations

import numpy as np

from neuroproc import (
    AbstractProcess,
    AbstractSubProcessModel,
    InPort,
    Loihi1SimCfg,
    LoihiProtocol,
    OutPort,
    Var,
    implements,
    tag,
)
from neuroproc.proc import io
from neuroproc.proc.dense.models import PyDenseModelBitAcc, PyDenseModelFloat
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from neuroproc.proc.lif.process import LIF

__all__ = ["CustomRunConfigFixed", "CustomRunConfigFloat", "EINetwork", "SubEINetworkModel",
           "lif_params_from_reference"]


class EINetwork(AbstractProcess):
    """Recurrent network of an excitatory and an inhibitory population.

    Keyword arguments: ``shape_exc``, ``shape_inh`` (neuron counts), ``bias_exc``, ``bias_inh``,
    ``g_factor``, ``q_factor``, ``weights`` (``(n, n)``, excitatory columns first) and whatever
    the selected model reads (LIF parameters per population, ``weight_exp``, ``convert``).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        shape_exc = kwargs.get("shape_exc", 1)
        shape_inh = kwargs.get("shape_inh", 1)
        self.g_factor = kwargs.get("g_factor", 4)
        self.q_factor = kwargs.get("q_factor", 1)
        n = shape_exc + shape_inh
        self.state = Var(shape=(n,), init=0)
        self.state_alt = Var(shape=(n,), init=0)
        self.bias_exc = Var(shape=(shape_exc,), init=kwargs.get("bias_exc", 1))
        self.bias_inh = Var(shape=(shape_inh,), init=kwargs.get("bias_inh", 1))
        self.weights = Var(shape=(n, n), init=kwargs["weights"])
        self.inport = InPort(shape=(n,))
        self.outport = OutPort(shape=(n,))


def _per_population(params, key: str, n_exc: int, n_inh: int, default=None) -> np.ndarray:
    exc = params.get(f"{key}_exc", default)
    inh = params.get(f"{key}_inh", default)
    return np.array([exc] * n_exc + [inh] * n_inh)


@implements(proc=EINetwork, protocol=LoihiProtocol)
@tag("lif_neurons")
class SubEINetworkModel(AbstractSubProcessModel):
    """LIF + Dense implementation of ``EINetwork``.

    With ``convert=True`` the rate parameters are first mapped to LIF parameters by
    :func:`neuroproc.utils.conversion.convert_rate_to_lif_params`; otherwise the LIF parameters
    (``du_exc``, ``dv_exc``, ``vth_exc``, ``bias_mant_exc``, ``bias_exp_exc`` and the same for
    ``_inh``) and LIF ``weights`` are taken as given.
    """

    def __init__(self, proc):
        super().__init__(proc)
        params = dict(proc.proc_params)
        if params.get("convert", False):
            from neuroproc.utils.conversion import convert_rate_to_lif_params

            params = convert_rate_to_lif_params(**params)
        n_exc, n_inh = params["shape_exc"], params["shape_inh"]
        self.lif = LIF(shape=(n_exc + n_inh,),
                       du=_per_population(params, "du", n_exc, n_inh),
                       dv=_per_population(params, "dv", n_exc, n_inh),
                       vth=_per_population(params, "vth", n_exc, n_inh),
                       bias_mant=_per_population(params, "bias_mant", n_exc, n_inh),
                       bias_exp=_per_population(params, "bias_exp", n_exc, n_inh, default=0))
        self.dense = Dense(params["weights"], weight_exp=params.get("weight_exp", 0))
        # recurrent loop; Dense's one-step delay keeps it from deadlocking
        self.lif.s_out.connect(self.dense.s_in)
        self.dense.a_out.connect(self.lif.a_in)
        proc.inport.connect(self.lif.a_in)
        self.lif.s_out.connect(proc.outport)
        proc.vars.state.alias(self.lif.vars.v)
        proc.vars.state_alt.alias(self.lif.vars.u)


class CustomRunConfigFloat(Loihi1SimCfg):
    """Float LIF and Dense, float sink."""

    def select(self, proc, proc_models):
        if isinstance(proc, io.sink.RingBuffer):
            return io.sink.PyReceiveModelFloat
        if isinstance(proc, LIF):
            return PyLifModelFloat
        if isinstance(proc, Dense):
            return PyDenseModelFloat
        return super().select(proc, proc_models)


class CustomRunConfigFixed(Loihi1SimCfg):
    """Bit-accurate LIF and Dense, float sink (as in the tutorial)."""

    def select(self, proc, proc_models):
        if isinstance(proc, io.sink.RingBuffer):
            return io.sink.PyReceiveModelFloat
        if isinstance(proc, LIF):
            return PyLifModelBitAcc
        if isinstance(proc, Dense):
            return PyDenseModelBitAcc
        return super().select(proc, proc_models)


_KEYS = ("shape_exc", "shape_inh", "g_factor", "q_factor", "du_exc", "dv_exc", "vth_exc",
         "bias_mant_exc", "du_inh", "dv_inh", "vth_inh", "bias_mant_inh",
         "bias_exp_exc", "bias_exp_inh", "weight_exp")


def lif_params_from_reference(ref: dict) -> dict:
    """EINetwork keyword arguments from an ``ei_lif_float_*`` / ``ei_bitacc_*`` reference dict
    (the stored, already converted, LIF parameters and weights; ``convert=False``)."""
    params = {k: ref[k] for k in _KEYS if k in ref}
    params["weights"] = np.array(ref["weights"])
    return params
