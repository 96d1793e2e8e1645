"""Live host I/O: a host loop feeding an Injector and reading an Extractor, against RingBuffers.

Network: 100 inputs -> Dense (100x100) -> LIF (100) -> output. Input is a 10 % spike raster.
Rows: the same network fed by a RingBuffer source into a RingBuffer sink (python and compiled
backends), and fed live by a host loop (``Injector.send`` / ``Extractor.receive`` during a
``RunSteps(n, blocking=False)`` run) on the python backend and on the compiled backend with host
blocks of 1, 10 and 100 steps (the host sends one block ahead, then reads it back). All rows must
give the same output spikes; the table gives µs per step of the timed run (compile or cache load
excluded: a first run of one block comes before it).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import report  # noqa: E402

from neuroproc import Loihi2SimCfg, RunSteps  # noqa: E402
from neuroproc.proc.dense.process import Dense  # noqa: E402
from neuroproc.proc.io import sink, source  # noqa: E402
from neuroproc.proc.io.extractor import Extractor  # noqa: E402
from neuroproc.proc.io.injector import Injector  # noqa: E402
from neuroproc.proc.lif.process import LIF  # noqa: E402

N = 100


def layer(port):
    rng = np.random.default_rng(1)
    dense = Dense(weights=rng.normal(0.02, 0.5, (N, N)), name="dense")
    lif = LIF(shape=(N,), du=0.1, dv=0.05, vth=2.0, name="lif")
    port.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    return lif


def ringbuffer(x: np.ndarray, backend: str) -> dict:
    steps = len(x)
    src = source.RingBuffer(data=x.T, name="src")
    out = sink.RingBuffer(shape=(N,), buffer=steps, name="out")
    layer(src.s_out).s_out.connect(out.a_in)
    cfg = Loihi2SimCfg(backend=backend)
    src.run(RunSteps(1), cfg)
    t0 = time.perf_counter()
    src.run(RunSteps(steps - 1), cfg)
    loop = time.perf_counter() - t0
    data = out.data.get().T
    name = src.runtime.backend.name
    src.stop()
    return {"input": "RingBuffer", "backend": name, "block": "-",
            "us_per_step": loop / (steps - 1) * 1e6, "out": data}


def hostloop(x: np.ndarray, backend: str, block: int) -> dict:
    steps = len(x)
    inj = Injector(shape=(N,), buffer_size=max(block, 10), block=block, timeout=120, name="inj")
    ext = Extractor(shape=(N,), buffer_size=max(block, 10), block=block, timeout=120, name="ext")
    layer(inj.out_port).s_out.connect(ext.in_port)
    cfg = Loihi2SimCfg(backend=backend)
    got = np.empty((steps, N))

    def feed(first: int, count: int) -> None:
        inj.run(RunSteps(count, blocking=False), cfg)
        for start in range(first, first + count, block):
            stop = min(start + block, first + count)
            for t in range(start, stop):
                inj.send(x[t])
            for t in range(start, stop):
                got[t] = ext.receive()
        inj.wait()

    feed(0, block)  # build, compile or load the fused loop
    t0 = time.perf_counter()
    feed(block, steps - block)
    loop = time.perf_counter() - t0
    name = inj.runtime.backend.name
    inj.stop()
    return {"input": "Injector", "backend": name, "block": block,
            "us_per_step": loop / (steps - block) * 1e6, "out": got}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10_000)
    a = ap.parse_args()
    x = (np.random.default_rng(0).random((a.steps, N)) < 0.1).astype(float)
    rows = [ringbuffer(x, "python"), ringbuffer(x, "compiled"), hostloop(x, "python", 1)]
    rows += [hostloop(x, "compiled", k) for k in (1, 10, 100)]
    outs = [r.pop("out") for r in rows]
    same = all(np.array_equal(outs[0], o) for o in outs[1:])
    if not same:
        raise SystemExit("the host-fed network differs from the RingBuffer-fed one")
    report(f"host I/O, {N} inputs -> Dense -> LIF ({a.steps} steps)", rows,
           {"identical_output": same, "spikes": int(outs[0].sum())})
