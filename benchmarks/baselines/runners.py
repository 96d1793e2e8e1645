"""Runners of the hand-written numba loops: prepare a network once, then simulate it; and the
baseline benchmark (``python -m benchmarks.baselines.runners [--quick]`` from the repository root).

Kernels live in :mod:`benchmarks.baselines.numba_loops`.
"""
from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp

from benchmarks.baselines.networks import dense_pre_major, pre_major
from benchmarks.baselines.numba_loops import KERNELS, PREFETCH_ABOVE_BYTES

__all__ = ["numba_runner", "run_numba"]


# --------------------------------------------------------------------------------------------
# Runners
# --------------------------------------------------------------------------------------------

def _param(x) -> float | np.ndarray:
    """A per-neuron parameter as the kernels take it: a float if uniform, else an array."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim == 0:
        return float(x)
    return float(x[0]) if x.size and np.all(x == x[0]) else x


def _post_split(indptr: np.ndarray, indices: np.ndarray, half: int) -> np.ndarray:
    split = np.empty(indptr.size - 1, dtype=np.int64)
    for j in range(indptr.size - 1):
        row = indices[indptr[j]:indptr[j + 1]]
        split[j] = indptr[j] + np.searchsorted(row, half)
    return split


def numba_runner(net: dict, variant: str = "auto", threads: int | None = None,
                 lookahead: int | None = None):
    """Prepare ``net`` for a kernel; return ``run(steps, raster=None, final_state=None)``.

    ``run`` returns ``(spike_count, spikes_per_step)``; it fills ``raster`` (``(n, steps)``)
    and the dict ``final_state`` (keys ``u``, ``v``: the state after the last step) if given.

    ``variant``: ``"auto"`` (``dense_sequential`` for dense nets, ``sparse_csr`` for sparse
    ones, or ``sparse_csr_2t`` if ``threads == 2``), or a key of :data:`KERNELS`. A dense net
    can also run on the sparse kernels (its zeros are then stored synapses). Every call starts
    from ``net["u0"], net["v0"]``; the weights are converted once, here. The 2-thread kernels
    run with ``numba.set_num_threads(2)`` (restored afterwards); ``sparse_csr_2t`` needs the
    JIT and two numba threads, otherwise the runner uses ``sparse_csr_2t_forkjoin`` (same
    results; ``run.variant`` says which). ``lookahead``: how many spikes ahead the sparse
    kernels prefetch weight rows (0 = off; default: 8 if the pre-major weights take more than
    :data:`PREFETCH_ABOVE_BYTES`, else 0 -- when they fit in the L3 cache the hardware
    prefetcher does better alone, measured on CUBA).
    """
    sparse = sp.issparse(net["W"])
    if variant == "auto":
        variant = ("sparse_csr_2t" if threads == 2 else "sparse_csr") if sparse \
            else "dense_sequential"
    if variant not in KERNELS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(KERNELS)}")
    two_threads = variant.startswith("sparse_csr_2t")
    if variant == "sparse_csr_2t" and (numba.config.DISABLE_JIT
                                       or numba.config.NUMBA_NUM_THREADS < 2):
        variant = "sparse_csr_2t_forkjoin"  # the barrier needs two concurrent threads
    kernel = KERNELS[variant]
    decay_u = _param(1 - np.asarray(net["du"], dtype=np.float64))
    decay_v = _param(1 - np.asarray(net["dv"], dtype=np.float64))
    vth = _param(net["vth"])
    bias = _param(net["bias"])
    n = net["n"]
    if variant == "dense_sequential":
        weights = (dense_pre_major(net),)
    elif variant == "dense_pairwise":
        W = net["W"].toarray() if sparse else net["W"]
        weights = (np.ascontiguousarray(W, dtype=np.float64),)
    else:
        indptr, indices, data = pre_major(net)
        # unsigned indices: numba then skips the negative-index wrap-around check in the
        # scatter a[indices[q]] += ... (0.48 instead of 0.73 ns per synapse, measured); and
        # as narrow as n allows: uint16 cuts the large network's weight traffic by 1/6
        # (452 -> 297 us per step for the accumulation alone, measured)
        indices = indices.astype(np.uint16 if n <= 2**16 else np.uint32)
        weights = (indptr, indices, data)
        if lookahead is None:
            lookahead = 8 if indices.nbytes + data.nbytes > PREFETCH_ABOVE_BYTES else 0
        if two_threads:
            weights = (*weights, _post_split(indptr, indices, n // 2))
    no_raster = np.zeros((0, 0), dtype=np.uint8)

    def run(steps: int, raster: np.ndarray | None = None,
            final_state: dict | None = None) -> tuple[int, np.ndarray]:
        u = np.array(net["u0"], dtype=np.float64)
        v = np.array(net["v0"], dtype=np.float64)
        per_step = np.zeros(steps, dtype=np.int64)
        if raster is None:
            out = no_raster
        else:
            if raster.shape != (n, steps):
                raise ValueError(f"raster must have shape ({n}, {steps}), got {raster.shape}")
            out = np.zeros((n, steps), dtype=np.uint8)
        args = (*weights, decay_u, decay_v, vth, bias, u, v, steps, per_step, out)
        if not variant.startswith("sparse"):
            total = kernel(*args)
        elif two_threads and not numba.config.DISABLE_JIT:
            before = numba.get_num_threads()
            numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
            try:
                total = kernel(*args, lookahead)
            finally:
                numba.set_num_threads(before)
        else:
            total = kernel(*args, lookahead)
        if raster is not None:
            raster[...] = out
        if final_state is not None:
            final_state.update(u=u, v=v)
        return int(total), per_step

    run.variant = variant  # type: ignore[attr-defined]
    run.lookahead = lookahead  # type: ignore[attr-defined]
    return run


def run_numba(net: dict, steps: int, variant: str = "auto", threads: int | None = None,
              raster: np.ndarray | None = None, lookahead: int | None = None,
              final_state: dict | None = None) -> tuple[int, np.ndarray]:
    """Simulate ``net`` for ``steps`` steps with a numba kernel: ``(spike_count, per_step)``.

    See :func:`numba_runner` for ``variant``, ``threads`` and ``lookahead``; ``raster``
    (``(n, steps)``) is filled with the spikes if given (column ``k`` = step ``k+1``), and
    ``final_state`` (a dict) with the final ``u`` and ``v``.
    """
    return numba_runner(net, variant, threads, lookahead)(steps, raster, final_state)


# --------------------------------------------------------------------------------------------
# Benchmark: python -m benchmarks.baselines.runners [--quick]   (from the repository root)
# --------------------------------------------------------------------------------------------

#: The bar for neuroproc's compiled backend, µs per step (2-core machine), from its brief.
BARS_US = {"ei_critical": 0.60, "cuba": 15.0, "large": 215.0, "overhead": 0.11}


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - benchmark script
    """Time numba (1 and 2 threads) and numpy on the four networks; table + one JSON line."""
    import argparse
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from _common import best_time, report

    try:
        from . import networks as nets
        from .numpy_loops import run_numpy
    except ImportError:
        import networks as nets  # type: ignore[no-redef]
        from numpy_loops import run_numpy  # type: ignore[no-redef]

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--quick", action="store_true", help="10x fewer steps (while developing)")
    ap.add_argument("--only", default="", help="comma-separated network names")
    args = ap.parse_args(argv)
    q = 10 if args.quick else 1
    # (name, factory, numba steps, numpy steps, numba variants)
    plan = [
        ("ei_critical", nets.ei_network, 1000, 1000, ["dense_sequential", "dense_pairwise"]),
        ("ei_balanced", lambda: nets.ei_network("balanced"), 1000, 1000, ["dense_sequential"]),
        ("cuba", nets.cuba_network, 10000, 2000, ["sparse_csr", "sparse_csr_2t"]),
        ("large", nets.large_network, 1000, 200, ["sparse_csr", "sparse_csr_2t"]),
        ("overhead", nets.overhead_network, 100000, 20000, ["dense_sequential"]),
    ]
    only = set(filter(None, args.only.split(",")))
    rows = []
    for name, make, steps, np_steps, variants in plan:
        if only and name not in only:
            continue
        steps, np_steps = max(1, steps // q), max(1, np_steps // q)
        net = make()
        W = net["W"]
        syn = int(W.nnz if sp.issparse(W) else np.count_nonzero(W))
        for variant in variants:
            threads = 2 if variant.endswith("_2t") else 1
            t0 = time.perf_counter()
            run = numba_runner(net, variant, threads=threads)
            t_prep = time.perf_counter() - t0
            t0 = time.perf_counter()
            run(1)  # compile (or load from numba's cache)
            t_first = time.perf_counter() - t0
            count, _ = run(steps)
            t = best_time(lambda: run(steps), repeat=3)
            rows.append(dict(network=name, n=net["n"], synapses=syn, impl=f"numba:{variant}",
                             threads=threads, steps=steps, spikes_per_step=count / steps,
                             us_per_step=t / steps * 1e6, bar_us=BARS_US.get(name, "-"),
                             first_call_s=t_first, prep_s=t_prep))
        ev = sp.issparse(W)
        count, _ = run_numpy(net, np_steps, event_driven=ev)
        t = best_time(lambda: run_numpy(net, np_steps, event_driven=ev), repeat=2)
        rows.append(dict(network=name, n=net["n"], synapses=syn,
                         impl="numpy:" + ("event_driven" if ev else "W[:, s].sum"), threads=1,
                         steps=np_steps, spikes_per_step=count / np_steps,
                         us_per_step=t / np_steps * 1e6, bar_us=BARS_US.get(name, "-"),
                         first_call_s=0.0, prep_s=0.0))
    report("baselines: hand-written LIF loops", rows,
           {"numba": numba.__version__, "numpy": np.__version__,
            "threading_layer": numba.config.THREADING_LAYER,
            "note": "first_call_s = compile or numba-cache load (1 step)"})


if __name__ == "__main__":  # pragma: no cover
    main()
