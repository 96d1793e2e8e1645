"""Every registered model of the standard library passes ``check_process_model``."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import LavaPyType, LoihiProtocol, Monitor, PyInPort, PyLoihiProcessModel
from neuroproc.proc.clp.id_broadcast.process import IdBroadcast
from neuroproc.proc.clp.novelty_detector.process import NoveltyDetector
from neuroproc.proc.clp.nsm.process import Allocator, Readout
from neuroproc.proc.clp.prototype_lif.process import PrototypeLIF
from neuroproc.proc.conv.process import Conv
from neuroproc.proc.conv_in_time.process import ConvInTime
from neuroproc.proc.dense.process import DelayDense, Dense, LearningDense
from neuroproc.proc.io import dataloader, encoder, extractor, injector, reset, sink, source
from neuroproc.proc.io import utils as io_utils
from neuroproc.proc.learning_rules import STDPLoihi
from neuroproc.proc.lif.process import LIF, LearningLIF
from neuroproc.proc.passthrough.process import LinearChain, Passthrough
from neuroproc.proc.sparse.process import DelaySparse, LearningSparse, Sparse
from neuroproc.proc.spiker.process import Spiker
from neuroproc.registry import registered_models
from neuroproc.utils.testing import check_process_model
from tests.proc.neuron_factories import NEURON_FACTORIES


def _monitor():
    lif = LIF(shape=(2,), bias_mant=3, vth=2)
    mon = Monitor()
    mon.probe(lif.v, 10)
    mon.probe(lif.s_out, 10)
    return mon


def _state_dataloader():
    target = sink.RingBuffer(shape=(2,), buffer=1)
    loader = dataloader.StateDataloader(dataset=[(np.array([[1], [2]]), 0), (np.array([[3], [4]]), 1)],
                                        interval=2)
    loader.connect_var(target.data)
    return loader


def _tap(proc):
    proc.connect_var(LIF(shape=(2,), bias_mant=1, vth=10).v)
    return proc


def _var_wire():
    wire = extractor.VarWire(buffer_size=1000)  # room for every step the check runs
    wire.connect_var(source.RingBuffer(data=np.array([[1.0, 2.0]])).data)
    return wire


# Values valid for the float and the bit-accurate models alike.
FACTORIES = {
    source.RingBuffer: lambda: source.RingBuffer(data=np.array([[1, 0, 1], [0, 1, 1]])),
    sink.RingBuffer: lambda: sink.RingBuffer(shape=(2,), buffer=5),
    Monitor: _monitor,
    LIF: lambda: LIF(shape=(3,), u=[0, 1, -1], du=0, dv=0, bias_mant=[1, 2, 3], vth=2),
    Dense: lambda: Dense(np.array([[2, -4], [6, 0], [0, 8]])),
    Sparse: lambda: Sparse(sp.csr_matrix(np.array([[2, -4], [6, 0], [0, 8]]))),
    LearningDense: lambda: LearningDense(np.array([[2, -4], [6, 0], [0, 8]]),
                                         learning_rule=STDPLoihi(1, 1, -1, 10, 10, rng_seed=0)),
    LearningSparse: lambda: LearningSparse(sp.csr_matrix(np.array([[2, -4], [6, 0], [0, 8]])),
                                           learning_rule=STDPLoihi(1, 1, -1, 10, 10, rng_seed=0)),
    LearningLIF: lambda: LearningLIF(shape=(3,), du=0, dv=0, bias_mant=[1, 2, 3], vth=2),
    DelayDense: lambda: DelayDense(np.array([[2, -4], [6, 0], [0, 8]]), delays=np.array([[0, 1], [2, 0], [0, 3]])),
    DelaySparse: lambda: DelaySparse(sp.csr_matrix(np.array([[2, -4], [6, 0], [0, 8]])),
                                     delays=np.array([[0, 1], [2, 0], [0, 3]])),
    Conv: lambda: Conv(weight=np.arange(-8, 16).reshape(2, 3, 2, 2), input_shape=(4, 5, 2), padding=(1, 0),
                       stride=(1, 2)),
    ConvInTime: lambda: ConvInTime(weights=np.arange(-12, 12).reshape(2, 3, 4)),
    Passthrough: lambda: Passthrough((2, 3)),
    Spiker: lambda: Spiker(shape=(2, 3), period=3, payload=7),
    LinearChain: lambda: LinearChain(np.array([[2.0, -4.0], [6.0, 0.0], [0.0, 8.0]]), delay=2),
    injector.Injector: lambda: injector.Injector(  # nobody sends in the check: zeros, no wait
        shape=(2, 3), buffer_size=4,
        channel_config=io_utils.ChannelConfig(receive_empty=io_utils.ReceiveEmpty.NON_BLOCKING_ZEROS)),
    extractor.Extractor: lambda: extractor.Extractor(shape=(2, 3), buffer_size=1000),
    extractor.VarWire: _var_wire,
    dataloader.StateDataloader: _state_dataloader,
    encoder.DeltaEncoder: lambda: encoder.DeltaEncoder(shape=(2, 3), vth=2, num_bits=4),
    sink.Read: lambda: _tap(sink.Read(buffer=3, interval=2)),
    reset.Reset: lambda: _tap(reset.Reset(reset_value=1, interval=2, offset=1)),
    dataloader.SpikeDataloader: lambda: dataloader.SpikeDataloader(
        dataset=[(np.array([[1, 0], [0, 1]]), 0)], interval=3),
}
FACTORIES.update(NEURON_FACTORIES)
FACTORIES.update({
    NoveltyDetector: lambda: NoveltyDetector(t_wait=3),
    Readout: lambda: Readout(n_protos=3, proto_labels=np.array([0, 2, 0])),
    Allocator: lambda: Allocator(n_protos=3),
    PrototypeLIF: lambda: PrototypeLIF(shape=(3,), du=0, dv=0, bias_mant=[1, 2, 3], vth=2),
    IdBroadcast: lambda: IdBroadcast(shape=(2,)),
})

#: a model that needs other parameters than its Process's first model
MODEL_FACTORIES = {
    encoder.PyDeltaEncoderModelSparse: lambda: encoder.DeltaEncoder(
        shape=(2, 3), vth=2, num_bits=4, compression=encoder.Compression.DELTA_SPARSE_8),
}


def standard_models() -> list[tuple[type, type]]:
    return [(proc_cls, model) for proc_cls, models in registered_models().items()
            for model in models if model.__module__.startswith("neuroproc.proc.")]


def test_every_standard_process_has_a_factory():
    procs = {proc_cls for proc_cls, _ in standard_models()}
    assert procs == set(FACTORIES)


@pytest.mark.parametrize("proc_cls, model", standard_models(),
                         ids=lambda x: f"{x.__module__.rsplit('.', 1)[-1]}.{x.__name__}")
def test_standard_model_complies(proc_cls, model):
    check_process_model(MODEL_FACTORIES.get(model, FACTORIES[proc_cls]), model)


# -- the check catches broken models -------------------------------------------------------------

class BrokenLif(PyLoihiProcessModel):
    """Declares a port type for a Var and forgets the rest (bound to LIF without registering)."""

    implements_process = LIF
    implements_protocol = LoihiProtocol
    u = LavaPyType(np.ndarray, np.int32)
    v = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(np.ndarray, float)


def test_check_reports_missing_and_wrong_declarations():
    with pytest.raises(AssertionError) as info:
        check_process_model(FACTORIES[LIF], BrokenLif)
    text = str(info.value)
    assert text.startswith("BrokenLif does not comply")
    for problem in ("Var 'v' is declared as a port type", "Var 'du' has no LavaPyType",
                    "InPort 'a_in' has no LavaPyType", "OutPort 's_out' is declared as"):
        assert problem in text


def test_check_rejects_a_model_of_another_process():
    from neuroproc.proc.dense.models import PyDenseModelFloat

    with pytest.raises(AssertionError, match="implements Dense, not LIF"):
        check_process_model(FACTORIES[LIF], PyDenseModelFloat)
