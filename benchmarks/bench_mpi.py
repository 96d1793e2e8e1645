"""Distributed runs: 1 and 2 MPI ranks on the 40,000- and 400,000-neuron CUBA-style networks.

Each network is the CUBA recipe of ``baselines.networks.large_network`` (in-degree 100, 80 %
excitatory, the same LIF parameters and weights) with its Sparse built from
``RowBlocks.random`` (rows keyed by seed and chunk), so every rank makes only the rows it owns.
The ``1`` row is the ordinary single-process runtime; ``1d`` the distributed runtime on one rank
(its own cost: partition, exchange calls, with no other rank to wait for); ``2`` runs the same
worker under ``mpiexec -n 2``. Per row: µs per step (compiled backend, after one-time compilation), the time
per step spent in the spike exchange (included in µs/step; the largest over the ranks), the peak
resident memory of each rank, spikes per step, and a hash of the final ``v`` (which must be the
same for 1 and 2 ranks: the runs are bit-identical).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NETWORKS = {"40k": (40_000, 1_000), "400k": (400_000, 200)}  # n, default steps
P_IN = 100  # in-degree


def worker(name: str, steps: int, out: str) -> None:
    import numpy as np

    from _common import peak_rss_mib
    from benchmarks.baselines.networks import CUBA_IN_DEGREE, CUBA_PARAMS

    from neuroproc import Loihi1SimCfg, RunSteps
    from neuroproc.proc.lif.process import LIF
    from neuroproc.proc.sparse.process import Sparse
    from neuroproc.proc.sparse.rows import RowBlocks

    n = NETWORKS[name][0]
    n_exc = int(0.8 * n)
    scale = CUBA_IN_DEGREE / P_IN
    w_exc, w_inh = CUBA_PARAMS["w_exc"] * scale, CUBA_PARAMS["w_inh"] * scale
    t0 = time.perf_counter()
    blocks = RowBlocks.random((n, n), p=P_IN / n, seed=n, weight=lambda pre: np.where(pre < n_exc, w_exc, w_inh))
    lif = LIF(shape=(n,), du=CUBA_PARAMS["du"], dv=CUBA_PARAMS["dv"], vth=CUBA_PARAMS["vth"],
              bias_mant=CUBA_PARAMS["bias"], v=np.random.default_rng(n).uniform(0, CUBA_PARAMS["vth"], n))
    conn = Sparse(blocks)
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="compiled")
    rt = lif.create_runtime(cfg)
    lif.run(RunSteps(5), cfg)  # compile (or load from the disk cache) before timing
    setup = time.perf_counter() - t0
    stats = getattr(rt, "exchange_stats", lambda: {"seconds": 0.0, "calls": 0})()
    comm = getattr(rt, "comm", None)
    if comm is not None:
        comm.Barrier()
    t0 = time.perf_counter()
    lif.run(RunSteps(steps), cfg)
    elapsed = time.perf_counter() - t0
    after = getattr(rt, "exchange_stats", lambda: {"seconds": 0.0, "calls": 0})()
    v = lif.v.get()
    rank = getattr(rt, "rank", 0)
    row = {"rank": rank, "us_per_step": elapsed / steps * 1e6,
           "exchange_us_per_step": (after["seconds"] - stats["seconds"]) / steps * 1e6,
           "peak_rss_mib": peak_rss_mib(), "setup_s": setup, "nnz": blocks.nnz,
           "v_sha1": hashlib.sha1(np.ascontiguousarray(v).tobytes()).hexdigest()[:12],
           "partition": getattr(rt, "partition", {}).get(lif.name),
           "exchange": ("numba" if after.get("compiled") else "objmode") if "compiled" in after else "-"}
    lif.stop()
    rows = comm.gather(row, root=0) if comm is not None else [row]
    if rank == 0:
        Path(out).write_text(json.dumps(rows))


def _launch(name: str, steps: int, ranks: str, tmp: Path) -> list[dict]:
    """``ranks``: ``"1"`` (the ordinary runtime), ``"1d"`` (the distributed runtime on one rank:
    its own cost, with no other rank to wait for) or a number of ranks."""
    out = tmp / f"{name}_{ranks}.json"
    cmd = [sys.executable, __file__, "--worker", name, "--steps", str(steps), "--out", str(out)]
    env = dict(os.environ)
    if ranks == "1":
        env["NEUROPROC_DISTRIBUTED"] = "0"
    else:
        env["NEUROPROC_DISTRIBUTED"] = "1"
        local = Path(sys.executable).parent / "mpiexec"
        cmd = [str(local) if local.exists() else shutil.which("mpiexec") or "mpiexec", "-n", ranks.rstrip("d")] + cmd
    subprocess.run(cmd, check=True, env=env)
    return json.loads(out.read_text())


def main() -> None:
    from _common import report

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", default="40k,400k")
    ap.add_argument("--ranks", default="1,1d,2", help="1: single process; 1d: distributed runtime on one rank")
    ap.add_argument("--steps", type=int, default=None, help="steps per network (default 1000 / 200)")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.steps, a.out)
        return
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_mpi_{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in a.networks.split(","):
        steps = a.steps or NETWORKS[name][1]
        for ranks in a.ranks.split(","):
            got = _launch(name, steps, ranks, tmp)
            rows.append({"network": name, "ranks": ranks, "steps": steps,
                         "us_per_step": max(r["us_per_step"] for r in got),
                         "exchange_us_per_step": max(r["exchange_us_per_step"] for r in got),
                         "peak_rss_mib_per_rank": "/".join(f"{r['peak_rss_mib']:.0f}" for r in got),
                         "setup_s": max(r["setup_s"] for r in got), "synapses": got[0]["nnz"],
                         "exchange": got[0]["exchange"], "v_sha1": got[0]["v_sha1"]})
    load = os.getloadavg()
    report("distributed (MPI ranks, compiled backend)", rows,
           {"loadavg": load, "cpus": os.cpu_count()})
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
