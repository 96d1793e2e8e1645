"""A network mixing the connection processes, python backend against compiled backend.

Spiker and a RingBuffer image source drive: Conv (16x16x2 -> 8 channels, binary spikes) ->
LIF; DelayDense (200 -> 100, delays 0..15) -> LIF; DelaySparse (200 -> 100, 10 %) -> LIF;
ConvInTime (K = 8) -> LIF. Both backends must give the same spikes bit for bit; the table gives
µs per step (compile or cache-load time excluded, measured separately).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import report  # noqa: E402

from neuroproc import Loihi2SimCfg, RunSteps  # noqa: E402
from neuroproc.proc.conv.process import Conv  # noqa: E402
from neuroproc.proc.conv_in_time.process import ConvInTime  # noqa: E402
from neuroproc.proc.dense.process import DelayDense  # noqa: E402
from neuroproc.proc.io import sink, source  # noqa: E402
from neuroproc.proc.lif.process import LIF  # noqa: E402
from neuroproc.proc.sparse.process import DelaySparse  # noqa: E402


def build(steps: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    image = source.RingBuffer(data=(rng.random((16, 16, 2, 50)) < 0.1).astype(float), name="image")
    conv = Conv(weight=rng.normal(0.0, 0.5, (8, 3, 3, 2)), input_shape=(16, 16, 2), padding=1, name="conv")
    spikes = source.RingBuffer(data=(rng.random((200, 50)) < 0.05).astype(float), name="spikes")
    dd = DelayDense(rng.normal(0.0, 0.2, (100, 200)), delays=rng.integers(0, 16, (100, 200)), name="dd")
    mask = rng.random((100, 200)) < 0.1
    ds = DelaySparse(sp.csr_matrix(rng.normal(0.0, 0.5, (100, 200)) * mask),
                     delays=rng.integers(0, 16, (100, 200)), name="ds")
    cit = ConvInTime(weights=rng.normal(0.0, 0.2, (8, 100, 200)), name="cit")
    image.s_out.connect(conv.s_in)
    for c in (dd, ds, cit):
        spikes.s_out.connect(c.s_in)
    sinks = []
    for c in (conv, dd, ds, cit):
        lif = LIF(shape=c.a_out.shape, du=0.1, dv=0.1, vth=1.0, name=f"lif_{c.name}")
        c.a_out.connect(lif.a_in)
        snk = sink.RingBuffer(shape=lif.s_out.shape, buffer=steps, name=f"sink_{c.name}")
        lif.s_out.connect(snk.a_in)
        sinks.append(snk)
    return image, sinks


def run(steps: int, backend: str) -> dict:
    image, sinks = build(steps)
    cfg = Loihi2SimCfg(select_tag="floating_pt", backend=backend)
    t0 = time.perf_counter()
    image.run(RunSteps(1), cfg)  # build, compile or load the fused loop
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    image.run(RunSteps(steps - 1), cfg)
    loop = time.perf_counter() - t0
    out = [s.data.get() for s in sinks]
    name = image.runtime.backend.name
    image.stop()
    return {"backend": name, "us_per_step": loop / (steps - 1) * 1e6, "first_step_s": first,
            "spikes": int(sum(o.sum() for o in out)), "out": out}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    a = ap.parse_args()
    rows = [run(a.steps, b) for b in ("python", "compiled")]
    same = all(np.array_equal(x, y) for x, y in zip(rows[0].pop("out"), rows[1].pop("out")))
    if not same:
        raise SystemExit("python and compiled backends differ")
    report(f"connections mix ({a.steps} steps)", rows,
           {"speedup": rows[0]["us_per_step"] / rows[1]["us_per_step"], "bit_identical": same})
