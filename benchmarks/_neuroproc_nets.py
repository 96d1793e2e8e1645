"""Build a baseline network dict (see baselines/networks.py) as a neuroproc network and time it.

The network is ``LIF <-> Dense`` (or ``Sparse``) exactly as the baselines simulate it, plus a
``SpikeCounter``: a user-defined Process whose model offers a numba kernel, so the compiled
backend fuses it too (and a whole-raster Monitor is not needed to compare spike counts). Its
kernel reads the active view of its input (the indices of the neurons that spiked, which the LIF
kernel writes anyway) rather than scanning all ``n`` entries, and offers parts (each thread counts
its range of neurons) for the loop on several threads.
"""
from __future__ import annotations

import time

import numpy as np
from numba import njit

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    PyInPort,
    PyLoihiProcessModel,
    RunSteps,
    Var,
    implements,
    requires,
)
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import Sparse
from neuroproc.runtime.kernels import KernelSpec


class SpikeCounter(AbstractProcess):
    """Counts the spikes each neuron sends (Var ``count``)."""

    def __init__(self, shape, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.count = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)


@njit(cache=True)
def _count_step(t, count, active):
    """``active``: the indices of the neurons that spiked (the in-port's active view)."""
    for i in range(active.size):
        count[active[i]] += 1


@njit(cache=True)
def _count_part(t, p, lo, hi, count, active):
    """:func:`_count_step` for neurons ``lo:hi`` (``active`` ascends: a binary search finds them)."""
    for i in range(np.searchsorted(active, lo), np.searchsorted(active, hi)):
        count[active[i]] += 1


@implements(proc=SpikeCounter, protocol=LoihiProtocol)
@requires(CPU)
class PySpikeCounterModel(PyLoihiProcessModel):
    count = LavaPyType(np.ndarray, np.int64)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.count += self.a_in.recv() != 0

    def kernel(self):
        # the part hook lets the loop split the counting over threads, as it splits LIF
        return KernelSpec(step=_count_step, arrays=("count",), in_ports=("a_in",), in_views=("a_in",),
                          part=_count_part, part_of="count", part_local=("count",))


def build(net: dict):
    """LIF (float) with a recurrent Dense/Sparse of ``net['W']`` and a SpikeCounter."""
    n = net["n"]
    lif = LIF(shape=(n,), u=net["u0"], v=net["v0"], du=net["du"], dv=net["dv"],
              vth=net["vth"], bias_mant=net["bias"])
    conn = Sparse(net["W"]) if net["kind"] == "sparse" else Dense(net["W"])
    counter = SpikeCounter(shape=(n,))
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    lif.s_out.connect(counter.a_in)
    return lif, counter


def run_neuroproc(net: dict, steps: int, backend: str, threads: int | str = "auto") -> dict:
    """Build, compile (timed apart), run ``steps`` steps (timed); spike count and µs/step (wall
    and this process's CPU time).

    ``threads``: the RunConfig's (the compiled loop's threads; ``stats`` in the result says
    how many it ran on and why)."""
    lif, counter = build(net)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend, threads=threads)
    t0 = time.perf_counter()
    rt = lif.create_runtime(cfg)
    setup = time.perf_counter() - t0
    assert rt.backend.name == backend, rt.backend.reason
    t0, c0 = time.perf_counter(), time.process_time()
    lif.run(condition=RunSteps(steps), run_cfg=cfg)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    spikes = int(counter.count.get().sum())
    stats = getattr(rt.backend, "stats", {})
    lif.stop()
    return {"us_per_step": elapsed / steps * 1e6, "cpu_us_per_step": cpu / steps * 1e6, "spikes": spikes,
            "setup_s": setup, "compile_s": stats.get("compile_s", 0.0), "threads": stats.get("threads", 1),
            "threads_why": stats.get("threads_why", "")}


def build_bitacc(ref: dict):
    """The bit-accurate E/I network of a Lava reference (``ei_bitacc_*``): one LIF population
    (excitatory first) with a recurrent Dense, as the tutorial's EINetwork builds it, and a
    SpikeCounter."""
    n_exc, n_inh = int(ref["shape_exc"]), int(ref["shape_inh"])

    def per_population(key):
        return np.array([ref[f"{key}_exc"]] * n_exc + [ref[f"{key}_inh"]] * n_inh)

    lif = LIF(shape=(n_exc + n_inh,), du=per_population("du"), dv=per_population("dv"), vth=per_population("vth"),
              bias_mant=per_population("bias_mant"), bias_exp=per_population("bias_exp"))
    conn = Dense(np.asarray(ref["weights"]), weight_exp=int(ref["weight_exp"]))
    counter = SpikeCounter(shape=(n_exc + n_inh,))
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    lif.s_out.connect(counter.a_in)
    return lif, counter


def run_bitacc(ref: dict, steps: int, backend: str) -> dict:
    """:func:`run_neuroproc` for the bit-accurate E/I network (``fixed_pt`` models)."""
    lif, counter = build_bitacc(ref)
    cfg = Loihi1SimCfg(select_tag="fixed_pt", backend=backend)
    rt = lif.create_runtime(cfg)
    assert rt.backend.name == backend, rt.backend.reason
    t0 = time.perf_counter()
    lif.run(condition=RunSteps(steps), run_cfg=cfg)
    elapsed = time.perf_counter() - t0
    spikes = int(counter.count.get().sum())
    lif.stop()
    return {"us_per_step": elapsed / steps * 1e6, "spikes": spikes}
