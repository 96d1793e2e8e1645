"""The E/I network of the tutorial, as a script that runs unchanged on a laptop or on many MPI ranks.

    python tutorials/ei_distributed.py                 # one process
    mpiexec -n 2 python tutorials/ei_distributed.py    # two ranks, the same numbers

See docs/distributed.md. ``--out FILE.npz`` saves the spikes and traces (rank 0 writes).
"""
from __future__ import annotations

import argparse
import hashlib

import numpy as np

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF

N_EXC, N_INH, STEPS = 320, 80, 500


def build():
    """320 excitatory and 80 inhibitory LIF neurons, all-to-all Gaussian weights (seeded)."""
    n = N_EXC + N_INH
    rng = np.random.default_rng(1234)
    w = rng.normal(0.0, 1.0, (n, n)) * 0.08 / np.sqrt(n)
    w[:, :N_EXC] = np.abs(w[:, :N_EXC])          # excitatory columns
    w[:, N_EXC:] = -4.5 * np.abs(w[:, N_EXC:])   # inhibitory columns, g = 4.5
    lif = LIF(shape=(n,), du=0.07, dv=0.01, vth=1.0, bias_mant=0.05, name="lif")
    dense = Dense(w, name="dense")
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    sink = io.sink.RingBuffer(shape=(n,), buffer=STEPS, name="raster")
    lif.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(lif.v, STEPS)
    return lif, dense, sink, mon


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    lif, dense, sink, mon = build()
    lif.run(RunSteps(STEPS), Loihi1SimCfg(select_tag="floating_pt"))
    # analysis code as on a laptop: every rank sees the global arrays
    spikes = sink.data.get()
    v = mon.get_data()["lif"]["v"]
    owned = lif.runtime.partition["lif"] if hasattr(lif.runtime, "partition") else None
    print(f"neurons held here: {owned or 'all'}; spikes: {int(spikes.sum())}; "
          f"v trace sha1: {hashlib.sha1(v.tobytes()).hexdigest()[:12]}", flush=True)
    weights = dense.weights.get()  # collective: every rank calls it, not only the one that saves
    if args.out and getattr(lif.runtime, "rank", 0) == 0:
        np.savez(args.out, spikes=spikes, v=v, weights=weights)
    lif.stop()


if __name__ == "__main__":
    main()
