"""Shared helpers of the standard-process tests: the model-variant fixture and a chain runner.

``variant`` is parametrized over ``floating_pt`` and ``fixed_pt`` so that one test body checks
both families. Import it into a test module (``from tests.proc import variant``) to use it.
These tests run the Python models themselves, so they ask for ``backend="python"``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.lif.process import LIF


@dataclass(frozen=True)
class Variant:
    """What differs between the float and the fixed-point families, for shared test bodies.

    ``scale``: the bit-accurate LIF shifts its input and threshold left by 6, so an input of
    ``w`` raises ``u`` by ``w * scale`` and ``v`` must exceed ``vth * scale``.
    ``full_decay`` / ``half_decay``: ``du`` that forgets ``u`` in one step / halves it
    (``dv_half`` halves ``v``; the fixed model adds 1 to du but not to dv).
    """

    tag: str
    fixed: bool
    scale: int
    full_decay: float | int
    half_decay: float | int
    dv_half: float | int

    def run_cfg(self) -> Loihi1SimCfg:
        # the python backend runs the models under test (not fused kernels of them)
        return Loihi1SimCfg(select_tag=self.tag, backend="python")

    def spikes(self, data) -> np.ndarray:
        """Source data in the type this family's source sends."""
        return np.asarray(data, dtype=np.int32 if self.fixed else float)


VARIANTS = {
    "floating_pt": Variant("floating_pt", False, 1, 1.0, 0.5, 0.5),
    "fixed_pt": Variant("fixed_pt", True, 64, 4095, 2047, 2048),
}


@pytest.fixture(params=list(VARIANTS))
def variant(request) -> Variant:
    return VARIANTS[request.param]


def run_chain(variant: Variant, conn, data, steps: int, lif: LIF | None = None,
              probes=()) -> dict:
    """source(data) -> conn -> [lif -> sink]; run ``steps``; return sink spikes and probe traces.

    ``probes`` are Vars or OutPorts (of ``conn`` or ``lif``); results are keyed
    ``'<proc name>.<member name>'``, plus ``'spikes'`` (sink data, neurons x steps) with a LIF.
    """
    src = io.source.RingBuffer(data=variant.spikes(data))
    src.s_out.connect(conn.s_in)
    sink = None
    if lif is not None:
        conn.a_out.connect(lif.a_in)
        sink = io.sink.RingBuffer(shape=lif.shape, buffer=steps)
        lif.s_out.connect(sink.a_in)
    mon = Monitor()
    for p in probes:
        mon.probe(p, steps)
    try:
        src.run(RunSteps(steps), variant.run_cfg())
        data_out = mon.get_data() if probes else {}
        out = {f"{p.process.name}.{p.name}": data_out[p.process.name][p.name] for p in probes}
        if sink is not None:
            out["spikes"] = sink.data.get()
        return out
    finally:
        src.stop()


def run_lif(variant: Variant, lif: LIF, steps: int) -> dict:
    """Run a LIF alone (nothing on a_in) with Monitors on u and v and a sink on s_out."""
    sink = io.sink.RingBuffer(shape=lif.shape, buffer=steps)
    lif.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(lif.u, steps)
    mon.probe(lif.v, steps)
    try:
        lif.run(RunSteps(steps), variant.run_cfg())
        d = mon.get_data()[lif.name]
        return {"u": d["u"], "v": d["v"], "spikes": sink.data.get()}
    finally:
        lif.stop()


def recurrent_lif(rng: np.random.Generator, n: int, fixed: bool) -> LIF:
    """The LIF population of the recurrent E/I test networks: bit-accurate (integer decays,
    bias and threshold) or float, with random biases and start voltages from ``rng``."""
    if fixed:
        return LIF(shape=(n,), du=300, dv=200, vth=40, bias_mant=rng.integers(60, 140, n), bias_exp=4,
                   v=rng.integers(0, 2000, n))
    return LIF(shape=(n,), du=0.2, dv=0.05, vth=1.0, bias_mant=rng.uniform(0.04, 0.09, n),
               v=rng.uniform(0.0, 1.0, n))
