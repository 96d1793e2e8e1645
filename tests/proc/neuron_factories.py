"""Small instances of the neuron library for the compliance check (values valid for the float and
the fixed-point models alike)."""
from __future__ import annotations

import numpy as np

from neuroproc.proc.atrlif.process import ATRLIF
from neuroproc.proc.bit_check.process import BitCheck
from neuroproc.proc.graded.process import GradedReluVec, GradedVec, InvSqrt, NormVecDelay
from neuroproc.proc.io.sink import Read
from neuroproc.proc.lif.process import LIFRefractory, LIFReset, TernaryLIF
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.proc.resfire.process import RFZero
from neuroproc.proc.rf.process import RF
from neuroproc.proc.s4d.process import S4d, SigmaS4dDelta, SigmaS4dDeltaLayer
from neuroproc.proc.rf_iz.process import RF_IZ
from neuroproc.proc.sdn.process import ActivationMode, Delta, Sigma, SigmaDelta

def _bitcheck() -> BitCheck:
    sigma = Sigma(shape=(1,))
    check = BitCheck(layerid=1, bits=8)
    check.state.connect_var(sigma.sigma)
    return check


def _read() -> Read:
    lif = LIFReset(shape=(2,), bias_mant=[1, 2], vth=2)
    read = Read(buffer=8, interval=2)
    read.connect_var(lif.v)
    return read


NEURON_FACTORIES = {
    Read: _read,
    BitCheck: _bitcheck,
    ATRLIF: lambda: ATRLIF(shape=(3,), i=[0, 1, -1], bias_mant=[1, 2, 3], theta=2, theta_0=2, theta_step=1),
    LIFReset: lambda: LIFReset(shape=(3,), u=[0, 1, -1], du=0, dv=0, bias_mant=[1, 2, 3], vth=2,
                               reset_interval=2, reset_offset=1),
    LIFRefractory: lambda: LIFRefractory(shape=(3,), du=0, dv=0, bias_mant=[1, 2, 3], vth=2,
                                         refractory_period=2),
    TernaryLIF: lambda: TernaryLIF(shape=(3,), u=[0, 1, -1], du=0, dv=0, bias_mant=[1, -2, 3],
                                   vth_hi=2, vth_lo=-2),
    # decay_bits > 0: the fixed models need integer decays
    RF: lambda: RF((3,), period=10, alpha=0.1, decay_bits=12, state_exp=6, vth=1),
    RF_IZ: lambda: RF_IZ((3,), period=8, alpha=0.05, decay_bits=12, state_exp=6, vth=1),
    RFZero: lambda: RFZero((3,), freqs=[10, 20, 30], decay_tau=0.1),
    S4d: lambda: S4d((3,), a=np.full(3, 0.5 + 0.5j), b=np.ones(3, complex), c=np.ones(3, complex)),
    SigmaS4dDelta: lambda: SigmaS4dDelta((3,), vth=0.1, a=[0.5, 0.6, 0.7], b=1.0, c=2.0),
    SigmaS4dDeltaLayer: lambda: SigmaS4dDeltaLayer((2,), vth=0.1, a=[0.5, 0.6, 0.7, 0.8], b=1.0, c=2.0, d_states=2),
    Sigma: lambda: Sigma(shape=(3,)),
    Delta: lambda: Delta(shape=(3,), vth=1, cum_error=True, spike_exp=1, state_exp=2),
    SigmaDelta: lambda: SigmaDelta(shape=(3,), vth=1, bias=[0, 1, -1], act_mode=ActivationMode.UNIT,
                                   state_exp=1),
    GradedVec: lambda: GradedVec((3,), vth=0),
    GradedReluVec: lambda: GradedReluVec((3,), vth=0),
    NormVecDelay: lambda: NormVecDelay((3,), vth=0),
    InvSqrt: lambda: InvSqrt((3,)),
    ProdNeuron: lambda: ProdNeuron((3,), vth=0, exp=1),
}
