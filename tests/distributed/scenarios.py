"""Networks run by the distributed tests: ``python scenarios.py NAME BACKEND OUT [STEPS]``.

The same script runs alone (the single-process reference) and under ``mpiexec -n P`` (the
distributed runtime); nothing in it knows which. Rank 0 writes every recorded array to ``OUT``
(an ``.npz``); each rank writes its backend and partition to ``OUT.<rank>.json``.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

_REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(_REPO))

from neuroproc import Loihi1SimCfg, Monitor, RunSteps  # noqa: E402
from neuroproc.proc import io  # noqa: E402
from neuroproc.proc.dense.process import Dense  # noqa: E402
from neuroproc.proc.lif.process import LIF  # noqa: E402
from neuroproc.proc.passthrough.process import Passthrough  # noqa: E402
from neuroproc.proc.sparse.process import Sparse  # noqa: E402


def _rank() -> int:
    for name in ("PMI_RANK", "OMPI_COMM_WORLD_RANK"):
        if name in os.environ:
            return int(os.environ[name])
    return 0


def _ei_net(steps: int):
    from benchmarks.baselines.networks import ei_network
    from tests.ei_network import EINetwork

    spec = ei_network("critical", use_reference=False)
    n = spec["n"]
    lif = {k: float(spec[key][0]) for k, key in (("du", "du"), ("dv", "dv"), ("vth", "vth"), ("bias_mant", "bias"))}
    net = EINetwork(shape_exc=spec["n_exc"], shape_inh=n - spec["n_exc"], weights=spec["W"],
                    **{f"{k}_{pop}": v for k, v in lif.items() for pop in ("exc", "inh")})
    sink = io.sink.RingBuffer(shape=(n,), buffer=steps)
    net.outport.connect(sink.a_in)
    mon = Monitor()
    mon.probe(net.state, steps)
    mon.probe(net.state_alt, steps)
    return net, sink, mon


def ei(backend: str, steps: int):
    """The tutorial's E/I network (hierarchical, float LIF + Dense), a sink and Monitors."""
    from tests.ei_network import CustomRunConfigFloat

    net, sink, mon = _ei_net(steps)
    net.run(RunSteps(steps), CustomRunConfigFloat(select_tag="lif_neurons", select_sub_proc_model=True,
                                                  backend=backend))
    data = mon.get_data()[net.name]
    out = {"spikes": sink.data.get(), "v_trace": data["state"], "u_trace": data["state_alt"],
           "v": net.state.get(), "weights": net.procs.dense.weights.get()}
    return out, net


def ei_root(backend: str, steps: int):
    """The E/I network with ``run_cfg.gather = 'root'``: rank 0 gets the global arrays, the
    other ranks None (so this scenario returns what rank 0 sees, and checks the others)."""
    from tests.ei_network import CustomRunConfigFloat

    net, sink, mon = _ei_net(steps)
    cfg = CustomRunConfigFloat(select_tag="lif_neurons", select_sub_proc_model=True, backend=backend)
    cfg.gather = "root"
    net.run(RunSteps(steps), cfg)
    out = {"spikes": sink.data.get(), "v": net.state.get()}
    if _rank() != 0:
        assert all(v is None for v in out.values()), "gather='root' gave arrays to another rank"
        assert mon.get_data()[net.name]["state"] is None
        out = {}
    else:
        out["v_trace"] = mon.get_data()[net.name]["state"]
    return out, net


def ei_split(backend: str, steps: int):
    """The E/I network run in three parts with set() in between (whole, indexed, aliased Vars)."""
    from tests.ei_network import CustomRunConfigFloat

    net, sink, mon = _ei_net(steps)
    cfg = CustomRunConfigFloat(select_tag="lif_neurons", select_sub_proc_model=True, backend=backend)
    third = steps // 3
    net.run(RunSteps(third), cfg)
    lif, dense = net.procs.lif, net.procs.dense  # built by the first run's compile
    out = {"v_1": net.state.get(), "a_buff_1": dense.a_buff.get()}
    net.state.set(net.state.get() * 0.5)                     # alias of lif.v
    dense.weights.set(dense.weights.get() * 0.9)
    lif.bias_mant.set(0.2, idx=slice(190, 230))              # crosses the 2-rank boundary
    net.run(RunSteps(third), cfg)
    out["u_2"] = lif.u.get()
    lif.u.set(np.linspace(-0.1, 0.1, lif.u.shape[0]))
    net.run(RunSteps(steps - 2 * third), cfg)
    data = mon.get_data()[net.name]
    out.update(spikes=sink.data.get(), v_trace=data["state"], u_trace=data["state_alt"],
               bias=lif.bias_mant.get(), weights=dense.weights.get())
    return out, net


def cuba(backend: str, steps: int):
    """CUBA (4000 LIF, 2 % Sparse) with the benchmarks' user-defined SpikeCounter (no hook:
    it runs whole on every rank and receives the gathered spikes) and a Monitor on v."""
    # imported as the benchmarks and their tests import it (top-level, from benchmarks/): numba's
    # cache of its kernels is keyed by file, and a kernel cached under one module name cannot be
    # loaded under another
    sys.path.insert(0, str(_REPO / "benchmarks"))
    from _neuroproc_nets import build
    from benchmarks.baselines.networks import cuba_network

    lif, counter = build(cuba_network())
    mon = Monitor()
    mon.probe(lif.v, steps)
    lif.run(RunSteps(steps), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
    out = {"count": counter.count.get(), "v_trace": mon.get_data()[lif.name]["v"], "u": lif.u.get()}
    return out, lif


def cuba_rows(backend: str, steps: int):
    """A CUBA-like network whose Sparse is built from RowBlocks: each rank makes only its rows."""
    from neuroproc.proc.sparse.rows import RowBlocks

    n, n_exc = 3000, 2400
    blocks = RowBlocks.random((n, n), p=0.03, seed=5, weight=lambda pre: np.where(pre < n_exc, 0.02, -0.1),
                              block=700)
    lif = LIF(shape=(n,), du=0.2, dv=0.05, vth=1.0, bias_mant=0.075,
              v=np.random.default_rng(1).uniform(0, 1, n), name="lif")
    conn = Sparse(blocks, name="conn")
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    mon = Monitor()
    mon.probe(lif.s_out, steps)
    lif.run(RunSteps(steps // 2), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
    w = conn.weights.get()
    conn.weights.set(w * 1.1)
    lif.run(RunSteps(steps - steps // 2), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
    out = {"spikes": mon.get_data()["lif"]["s_out"], "v": lif.v.get(), "w": w, "w_after": conn.weights.get()}
    return out, lif


def tiny(backend: str, steps: int):
    """A 3-neuron population on more ranks than it has neurons (empty ranges), fed by a source."""
    rng = np.random.default_rng(3)
    src = io.source.RingBuffer(data=(rng.random((2, 7)) < 0.5).astype(float), name="src")
    inp = Dense(rng.normal(0.5, 0.3, (3, 2)), name="inp")
    lif = LIF(shape=(3,), du=0.3, dv=0.2, vth=0.4, bias_mant=[0.01, 0.02, 0.03], name="lif")
    rec = Dense(rng.normal(0.0, 0.5, (3, 3)), name="rec")
    src.s_out.connect(inp.s_in)
    inp.a_out.connect(lif.a_in)
    lif.s_out.connect(rec.s_in)
    rec.a_out.connect(lif.a_in)
    mon = Monitor()
    mon.probe(lif.v, steps)
    mon.probe(rec.a_out, steps)
    src.run(RunSteps(steps), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
    data = mon.get_data()
    return {"v": data["lif"]["v"], "a": data["rec"]["a_out"], "u": lif.u.get()}, src


def delays(backend: str, steps: int):
    """Two populations joined by a DelayDense and a DelaySparse (synaptic delays of 0..3 steps)."""
    from neuroproc.proc.dense.process import DelayDense
    from neuroproc.proc.sparse.process import DelaySparse

    rng = np.random.default_rng(11)
    n1, n2 = 30, 26
    src = io.source.RingBuffer(data=(rng.random((n1, 9)) < 0.3).astype(float), name="src")
    drive = Dense(np.eye(n1) * 0.6, name="drive")
    a = LIF(shape=(n1,), du=0.2, dv=0.1, vth=0.5, bias_mant=0.01, name="a")
    b = LIF(shape=(n2,), du=0.15, dv=0.1, vth=0.6, bias_mant=0.02, name="b")
    w = rng.normal(0.2, 0.3, (n2, n1))
    ab = DelayDense(w, delays=rng.integers(0, 4, (n2, n1)), name="ab")
    mask = rng.random((n1, n2)) < 0.3
    ba = DelaySparse(sp.csr_matrix(rng.normal(0.0, 0.4, (n1, n2)) * mask),
                     delays=sp.csr_matrix(rng.integers(1, 4, (n1, n2)) * mask), name="ba")
    src.s_out.connect(drive.s_in)
    drive.a_out.connect(a.a_in)
    a.s_out.connect(ab.s_in)
    ab.a_out.connect(b.a_in)
    b.s_out.connect(ba.s_in)
    ba.a_out.connect(a.a_in)
    mon = Monitor()
    mon.probe(a.v, steps)
    mon.probe(b.s_out, steps)
    src.run(RunSteps(steps), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
    data = mon.get_data()
    return {"va": data["a"]["v"], "sb": data["b"]["s_out"], "buf": ab.a_buff.get(), "ub": b.u.get()}, src


def _mixed(tag: str, steps: int):
    rng = np.random.default_rng(17)
    fixed = tag == "fixed_pt"
    n_in, n1, n2 = 30, 50, 41

    def weights(shape, density, scale):
        w = rng.normal(0.0, scale, shape) * (rng.random(shape) < density)
        return np.round(w * 40).astype(np.int32) if fixed else w

    data = rng.random((n_in, 20)) * (rng.random((n_in, 20)) < 0.4)
    drive = rng.random((n2, 20)) * (rng.random((n2, 20)) < 0.2)
    if fixed:
        data, drive = np.round(data * 8).astype(np.int32), np.round(drive * 30).astype(np.int32)
        lif_kw = dict(du=400, dv=300, vth=60, bias_mant=np.arange(n1) % 7)
        lif2_kw = dict(du=200, dv=500, vth=40, bias_mant=3)
    else:
        lif_kw = dict(du=0.1, dv=0.05, vth=1.0, bias_mant=0.02 * (np.arange(n1) % 7))
        lif2_kw = dict(du=0.2, dv=0.1, vth=0.8, bias_mant=0.05)
    src = io.source.RingBuffer(data=data, name="src")
    src2 = io.source.RingBuffer(data=drive, name="src2")
    dense_in = Dense(weights((n1, n_in), 0.5, 1.0), num_message_bits=24, name="dense_in")
    lif1 = LIF(shape=(n1,), name="lif1", **lif_kw)
    sparse = Sparse(sp.csr_matrix(weights((n2, n1), 0.2, 2.0)), name="sparse")
    lif2 = LIF(shape=(n2,), name="lif2", **lif2_kw)
    back = Dense(weights((n1, n2), 0.3, 1.5), name="back")
    through = Passthrough(shape=(n2,), name="through")
    sink_whole = io.sink.RingBuffer(shape=(n2,), buffer=steps, name="sink_whole")
    sink_split = io.sink.RingBuffer(shape=(n1,), buffer=steps, name="sink_split")
    graded = Passthrough(shape=(n2,), name="graded")
    sink_graded = io.sink.RingBuffer(shape=(n2,), buffer=steps, name="sink_graded")
    src.s_out.connect(dense_in.s_in)
    dense_in.a_out.connect(lif1.a_in)
    lif1.s_out.connect(sparse.s_in)
    sparse.a_out.connect(lif2.a_in)
    src2.s_out.connect(lif2.a_in)            # a whole message into a split population
    lif2.s_out.connect(back.s_in)
    back.a_out.connect(lif1.a_in)            # fan-in of two connections, summed in this order
    lif2.s_out.connect(through.s_in)
    through.s_out.connect(sink_whole.a_in)
    lif1.s_out.connect(sink_split.a_in)
    sparse.a_out.connect(graded.s_in)        # graded values gathered for a whole reader
    graded.s_out.connect(sink_graded.a_in)
    mon = Monitor(name="mon")
    mon.probe(lif2.v, steps)
    mon.probe(lif1.s_out, steps)
    mon.probe(sparse.a_out, steps)
    mon.probe(sparse.weights, steps)
    procs = dict(lif1=lif1, lif2=lif2, sparse=sparse, back=back, mon=mon, sinks=(sink_whole, sink_split, sink_graded))
    return src, procs


def _mixed_run(tag: str, backend: str, steps: int):
    src, p = _mixed(tag, steps)
    # the float network folds its Passthroughs away (the default); the fixed one keeps them, so
    # they run whole on every rank and receive gathered (graded, for ``graded``) messages
    cfg = Loihi1SimCfg(select_tag=tag, backend=backend, fold="exact" if tag == "floating_pt" else False)
    src.run(RunSteps(2), cfg)
    first = p["sparse"].weights.get()
    p["sparse"].weights.set(first[::-1].copy())  # stored values, in the single-process CSC order
    src.run(RunSteps(steps - 2), cfg)
    data = p["mon"].get_data()
    out = {"v2_trace": data["lif2"]["v"], "s1_trace": data["lif1"]["s_out"], "a_trace": data["sparse"]["a_out"],
           "w_trace": data["sparse"]["weights"], "w_first": first, "v1": p["lif1"].v.get(),
           "u2": p["lif2"].u.get(), "back_w": p["back"].weights.get(), "a_buff": p["back"].a_buff.get()}
    for s in p["sinks"]:
        out[s.name] = s.data.get()
    return out, src


def mixed_float(backend: str, steps: int):
    """Source, graded Dense, LIF, Sparse, LIF, Dense back, Passthroughs, sinks, Monitor; float."""
    return _mixed_run("floating_pt", backend, steps)


def mixed_fixed(backend: str, steps: int):
    """The same network with the bit-accurate models (int messages gathered)."""
    return _mixed_run("fixed_pt", backend, steps)


SCENARIOS = {"ei": ei, "ei_root": ei_root, "ei_split": ei_split, "cuba": cuba, "cuba_rows": cuba_rows, "tiny": tiny, "delays": delays,
             "mixed_float": mixed_float, "mixed_fixed": mixed_fixed}


def main() -> None:
    name, backend, path = sys.argv[1], sys.argv[2], sys.argv[3]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    out, proc = SCENARIOS[name](backend, steps)
    rt = proc.runtime
    info = {"backend": rt.backend.name, "partition": getattr(rt, "partition", None),
            "ranks": getattr(rt, "ranks", 1)}
    values = {k: v for k, v in out.items()}
    proc.stop()
    if _rank() == 0:
        np.savez(path, **values)
    with open(f"{path}.{_rank()}.json", "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    main()
