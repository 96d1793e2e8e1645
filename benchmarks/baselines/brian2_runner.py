"""Brian2 baseline (optional): the same ``LIF <-> Dense/Sparse`` network, on the same weights.

Brian2 is **not** a dependency of neuroproc. Everything here imports it lazily;
:func:`brian2_missing` says why it cannot be used (``None`` when it can), and the benchmark
harness prints that reason as one line and carries on.

The model (see :mod:`numpy_loops` for the equations and the summation order)
----------------------------------------------------------------------------
A time step is one ``defaultclock.dt`` (1 ms; the variables are dimensionless and there are no
differential equations, so the unit plays no role). Brian2's schedule inside one step is
``groups -> thresholds -> synapses -> resets``, which gives Lava's loop exactly:

* ``groups``: a ``run_regularly`` operation computes ``u = u*decay_u + a``, then
  ``v = v*decay_v + u + bias`` and clears ``a`` (``decay = 1 - d``, computed in numpy as the
  other loops do);
* ``thresholds``: ``v > vth``;
* ``synapses``: ``on_pre: a_post += w`` for the spikes of *this* step; ``a`` is read at the start
  of the *next* step, which is Dense's one-step delay (``a(t) = W s(t-1)``, ``a(1) = 0``);
* ``resets``: ``v = 0`` and a per-neuron spike counter ``nspk += 1`` (cheaper than a
  ``SpikeMonitor``; the numba loops count too).

Summation order. The synapses are created pre-major (ascending pre, then ascending post), so the
synapse indices of one source are ascending in post. Brian2's spike queue hands the ``on_pre``
code the synapses of the spiking sources in ascending source order, each source's synapses in
index order, and the generated C++ / Cython adds them one after the other. Every post neuron
thus gets ``((0.0 + w_j0) + w_j1) + ...`` over the active pre neurons ``j0 < j1 < ...``: the
order of the numba and numpy loops, hence the same bits and the same spikes. Two Brian2 defaults
would break this and are switched off while the network is built (``exact=True``):

* the C++ flags ``-ffast-math`` (lets the compiler reassociate sums) and GCC's default
  ``-ffp-contract=fast`` with ``-march=native`` (fuses ``u*decay_u + a`` into an FMA, rounded
  once instead of twice): the flags become ``-O3 -march=native -ffp-contract=off``;
* the loop-invariant optimisation, which rewrites expressions through sympy and may reorder
  ``v*decay_v + u + bias``.

Synapses. Only the non-zero weights become synapses (a dense net's zeros are no connections in
Brian2's terms; adding ``+0.0`` would not change any sum). The dense numba loop adds whole rows,
zeros included: Brian2 does half the additions on the E/I networks.

Timing. ``us_per_step`` is the simulation loop alone: Brian2's own timer of ``Network.run``
(the runtime target measures the step loop after ``before_run``; the standalone binary times
its main loop, so neither loading the arrays nor creating the synapses counts), best of
``repeat`` runs from the same initial state. ``compile_s`` is the first-run code generation +
Cython compilation (or Brian2's on-disk cache load) for ``"cython"``, the code generation +
``make`` of the project for ``"cpp_standalone"`` (a fresh project directory each call: 5-10 s
per network on two cores).
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import time

import numpy as np
import scipy.sparse as sp

__all__ = ["TARGETS", "brian2_missing", "run_brian2", "synapse_arrays"]

#: Code-generation targets :func:`run_brian2` knows.
TARGETS = ("cython", "cpp_standalone")

#: Compiler flags for ``exact=True``: Brian2's defaults minus ``-ffast-math``, no FMA contraction.
EXACT_GCC_FLAGS = ["-w", "-O3", "-march=native", "-ffp-contract=off", "-std=c++11"]

_NEURONS = """
u : 1
v : 1
a : 1
nspk : integer
decay_u : 1 (constant)
decay_v : 1 (constant)
vth : 1 (constant)
bias : 1 (constant)
"""
_STEP = """
u = u*decay_u + a
v = v*decay_v + u + bias
a = 0
"""


def brian2_missing() -> str | None:
    """``None`` if ``import brian2`` works, else a one-line reason (any import error counts:
    an installed Brian2 too old for this numpy fails with an ``AttributeError``)."""
    try:
        import brian2  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - whatever breaks the import, Brian2 is unusable
        if isinstance(exc, ModuleNotFoundError) and exc.name == "brian2":
            return "Brian2 is not installed"
        return f"Brian2 cannot be imported ({type(exc).__name__}: {exc})"
    return None


def synapse_arrays(net: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pre, post, w)`` of the non-zero weights, pre-major: ascending pre, then ascending post."""
    W = net["W"]
    if sp.issparse(W):
        WT = sp.csr_matrix(W).T.tocsr()  # CSR of W.T: row = pre
        WT.sort_indices()
        WT.eliminate_zeros()
        pre = np.repeat(np.arange(WT.shape[0], dtype=np.int64), np.diff(WT.indptr))
        return pre, WT.indices.astype(np.int64), np.asarray(WT.data, dtype=np.float64)
    WT = np.asarray(W, dtype=np.float64).T
    pre, post = np.nonzero(WT)  # row-major scan of W.T: pre ascending, post ascending
    return pre.astype(np.int64), post.astype(np.int64), np.ascontiguousarray(WT[pre, post])


@contextlib.contextmanager
def _prefs(b2, values: dict):
    """Set Brian2 preferences for the duration of the block, then restore them."""
    old = {k: b2.prefs[k] for k in values}
    try:
        for k, v in values.items():
            b2.prefs[k] = v
        yield
    finally:
        for k, v in old.items():
            b2.prefs[k] = v


def _build(b2, net: dict):
    """The Brian2 objects of ``net``: ``(Network, NeuronGroup, Synapses)``."""
    n = net["n"]
    G = b2.NeuronGroup(n, _NEURONS, threshold="v > vth", reset="v = 0\nnspk += 1",
                       name="lif")
    G.decay_u = 1 - np.asarray(net["du"], dtype=np.float64)
    G.decay_v = 1 - np.asarray(net["dv"], dtype=np.float64)
    G.vth = np.asarray(net["vth"], dtype=np.float64)
    G.bias = np.asarray(net["bias"], dtype=np.float64)
    G.u = np.asarray(net["u0"], dtype=np.float64)
    G.v = np.asarray(net["v0"], dtype=np.float64)
    G.run_regularly(_STEP, when="groups", name="lif_step")
    S = b2.Synapses(G, G, "w : 1 (constant)", on_pre="a_post += w", name="dense")
    pre, post, w = synapse_arrays(net)
    S.connect(i=pre, j=post)
    S.w = w
    return b2.Network(G, S), G, S


def _quiet(b2) -> None:
    """Brian2 logs INFO lines and a debug file per process; keep the benchmark output clean."""
    b2.prefs.logging.file_log = False
    b2.prefs.logging.delete_log_on_exit = True
    b2.BrianLogger.log_level_warn()


def run_brian2(net: dict, steps: int, target: str = "cython", repeat: int = 2,
               exact: bool = True, directory: str | None = None) -> dict:
    """Simulate ``net`` (see :mod:`networks`) for ``steps`` steps with Brian2.

    ``target``: ``"cython"`` (Brian2's runtime mode, each step's code objects called from
    Python) or ``"cpp_standalone"`` (one C++ program, built once, run ``repeat`` times).
    ``exact=False`` keeps Brian2's default compiler flags and optimisations (faster maybe, not
    bit-identical). ``directory``: where the standalone project goes (default: a temporary
    directory, removed afterwards).

    Returns a dict: ``us_per_step`` (best of ``repeat``, simulation loop only), ``spikes``
    (total), ``compile_s``, ``target``, ``synapses``, ``brian2`` (version). Raises
    ``RuntimeError`` if Brian2 cannot be imported and ``ValueError`` for an unknown target.
    """
    if target not in TARGETS:
        raise ValueError(f"run_brian2: target must be one of {TARGETS} (got {target!r}).")
    reason = brian2_missing()
    if reason is not None:
        raise RuntimeError(f"run_brian2: {reason}. Brian2 is optional: install one that works "
                           "with this numpy (`pip install brian2`).")
    import brian2 as b2

    _quiet(b2)
    prefs = {"codegen.target": "cython" if target == "cython" else "numpy"}
    if exact:
        prefs.update({"codegen.cpp.extra_compile_args_gcc": EXACT_GCC_FLAGS,
                      "codegen.loop_invariant_optimisations": False})
    with _prefs(b2, prefs):
        b2.start_scope()
        b2.defaultclock.dt = 1 * b2.ms
        if target == "cython":
            out = _run_cython(b2, net, steps, repeat)
        else:
            out = _run_standalone(b2, net, steps, repeat, directory)
    return {**out, "target": target, "brian2": b2.__version__}


def _run_cython(b2, net: dict, steps: int, repeat: int) -> dict:
    network, G, S = _build(b2, net)
    network.store("init")
    t0 = time.perf_counter()
    network.run(1 * b2.ms)  # generates and compiles (or loads from Brian2's cache) the code
    compile_s = time.perf_counter() - t0
    best, spikes = float("inf"), None
    for _ in range(max(1, repeat)):
        network.restore("init")
        network.run(steps * b2.ms)
        best = min(best, float(b2.device._last_run_time))
        spikes = int(np.asarray(G.nspk[:]).sum())
    return {"us_per_step": best / steps * 1e6, "spikes": spikes, "compile_s": compile_s,
            "synapses": len(S)}


def _run_standalone(b2, net: dict, steps: int, repeat: int, directory: str | None) -> dict:
    from brian2.devices.device import reset_device

    own = directory is None
    directory = directory or tempfile.mkdtemp(prefix="neuroproc_brian2_")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    try:
        dev = b2.get_device()
        t0 = time.perf_counter()
        network, G, S = _build(b2, net)
        network.run(steps * b2.ms)
        dev.build(directory=directory, compile=True, run=False, with_output=False)
        compile_s = time.perf_counter() - t0
        best, spikes = float("inf"), None
        for _ in range(max(1, repeat)):
            dev.run(directory=directory, with_output=False)
            best = min(best, float(dev._last_run_time))
            spikes = int(np.asarray(G.nspk[:]).sum())
        return {"us_per_step": best / steps * 1e6, "spikes": spikes, "compile_s": compile_s,
                "synapses": int(len(S))}
    finally:
        b2.get_device().reinit()
        reset_device()
        if own:
            shutil.rmtree(directory, ignore_errors=True)
