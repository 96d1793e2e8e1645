"""Deterministic LIF networks for the hand-written baseline loops.

Every generator returns a plain ``dict`` (no neuroproc objects), so the same network can be fed
to the numpy loop, the numba loops and later to neuroproc's compiled backend:

``name``       str: ``"ei_critical"``, ``"ei_balanced"``, ``"cuba"``, ``"large"``, ``"overhead"``
``kind``       ``"dense"`` (``W`` is a C-contiguous ``(n, n)`` float64 ndarray) or ``"sparse"``
               (``W`` is a ``scipy.sparse.csr_matrix``, sorted indices, no explicit zeros)
``n``          number of LIF neurons; ``n_exc``: the first ``n_exc`` are excitatory
``W``          weights, **post x pre**, as Lava's ``Dense(weights=W)``: ``W[i, j]`` is the weight
               from neuron ``j`` to neuron ``i``
``du``, ``dv``, ``vth``, ``bias``  per-neuron float64 arrays ``(n,)`` (``bias`` is Lava's
               ``bias_mant``; the float LIF ignores ``bias_exp``)
``u0``, ``v0`` initial state, float64 ``(n,)``
``info``       dict: where the numbers come from (seed, p, weights, source, ...)

The dynamics are those of Lava 0.10's float ``LIF <-> Dense`` loop (see
``reference/LAVA_README.md``): at step ``t`` every neuron receives ``a = W @ s(t-1)``
(``s(0) = 0``), then ``u = u*(1-du) + a``, ``v = v*(1-dv) + u + bias``, ``s = v > vth``,
``v[s] = 0``.

:func:`pre_major` gives the pre-major (CSR of ``W.T`` = CSC of ``W``) structure used by the
event-driven loops: for a spiking neuron ``j`` the targets are
``indices[indptr[j]:indptr[j+1]]`` (ascending) with weights ``data[...]``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import scipy.sparse as sp

__all__ = ["reference_dir", "ei_network", "cuba_network", "large_network", "huge_network", "overhead_network",
           "sparse_lif_network", "pre_major", "dense_pre_major", "describe"]

_REPO = Path(__file__).resolve().parents[2]

#: Parameters of the sparse CUBA-style networks (:func:`cuba_network`, :func:`large_network`).
#: A time step stands for 1 ms: ``dv = 0.05`` is Vogels & Abbott's tau_m = 20 ms, ``du = 0.2``
#: their tau_e = 5 ms (one current time constant for both populations). ``vth = 1`` stands for
#: their 10 mV from rest to threshold. The constant ``bias = 0.075`` alone would drive ``v`` to
#: ``bias/dv = 1.5 vth``, i.e. regular firing every 22 steps (182 spikes/step at n = 4000); the
#: recurrent input is inhibition-dominated (``g = |w_inh| / w_exc = 5 > n_exc/n_inh = 4``) and
#: makes the activity irregular. A spike adds ``w`` to ``u`` and so about ``w / du`` to ``v``:
#: ``w_exc = 0.019`` is a 0.095 vth (~1 mV) step, ``w_inh = -0.095`` a -0.475 vth step. These are
#: the weights at in-degree :data:`CUBA_IN_DEGREE` = 80; other sizes scale them by 80 / (p n).
#: Measured with the numpy loop: CUBA (n = 4000, p = 0.02) about 225 spikes per step (5.6 %,
#: steady over 10,000 steps, ISI CV ~0.65, ~40 % of the neurons silenced by inhibition); the
#: large network (n = 40,000, p = 0.0025) about 1,950 per step (4.9 %, steady over 4,000 steps).
CUBA_PARAMS = dict(du=0.2, dv=0.05, vth=1.0, bias=0.075, w_exc=0.019, w_inh=-0.095)


def reference_dir() -> Path:
    """``$NEUROPROC_REFERENCE_DIR`` if set, else the repository's packed copy ``<repo>/reference``."""
    env = os.environ.get("NEUROPROC_REFERENCE_DIR")
    return Path(env) if env else _REPO / "reference"


def _load_reference(path: Path) -> dict:
    """The arrays of a reference file, packed (``reference/``) or raw Lava npz alike."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pack_reference", _REPO / "tools" / "pack_reference.py")
    codec = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(codec)
    return codec.load_npz(path)


def _lif_arrays(n: int, du: float, dv: float, vth: float, bias: float) -> dict:
    full = lambda x: np.full(n, float(x))  # noqa: E731
    return dict(du=full(du), dv=full(dv), vth=full(vth), bias=full(bias))


# --------------------------------------------------------------------------------------------
# E/I network of Lava's tutorial02 (float LIF)
# --------------------------------------------------------------------------------------------

def _tutorial_gaussian_weights(dim: int, n_exc: int, q: float, g: float) -> np.ndarray:
    """Cell 7 of tutorial02 (``generate_gaussian_weights``), on numpy's global legacy RNG."""
    J = (2 * q) ** 2 / dim  # used as the *std*, as in the tutorial
    w = np.random.normal(0, J, (dim, dim))
    exc = np.full(w.shape, True)
    exc[:, n_exc:] = False
    inh = np.invert(exc)
    pos, neg = w > 0, w < 0
    w[neg * exc] = 0
    w[pos * inh] = 0
    w[inh] *= g
    return w


#: E/I tutorial parameters: q_factor of the two tutorial networks and their spike counts in Lava.
EI_STATES = {"critical": (float(np.sqrt(400 / 6)), 84375), "balanced": (1.0, 14813)}


def _generate_ei_weights(state: str = "critical") -> np.ndarray:
    """Regenerate the E/I LIF weights the way the tutorial does (no reference files needed).

    ``np.random.seed(1234)``; the *balanced* matrix (q = 1) is drawn first, then the *critical*
    one (q = sqrt(400/6)), both with g = 4.5; then neuroproc's port of the tutorial's
    ``convert_rate_to_lif_params``. For the critical weights its ``fsolve`` raises a
    RuntimeWarning, so the scale is 1 and the weights are only multiplied by du = 0.07; for the
    balanced ones the solved scale depends on scipy's ``fsolve`` in the last bits.
    """
    from neuroproc.utils.conversion import convert_rate_to_lif_params

    q = EI_STATES[state][0]
    saved = np.random.get_state()
    try:
        np.random.seed(1234)
        w = _tutorial_gaussian_weights(400, 320, 1.0, 4.5)  # the balanced draw comes first
        if state == "critical":
            w = _tutorial_gaussian_weights(400, 320, q, 4.5)
    finally:
        np.random.set_state(saved)  # do not disturb the caller's global RNG
    lif = convert_rate_to_lif_params(shape_exc=320, shape_inh=80, dr_exc=0.01, dr_inh=0.01,
                                     bias_exc=0.1, bias_inh=0.1, g_factor=4.5, q_factor=q,
                                     weights=w)
    return np.ascontiguousarray(lif["weights"], dtype=np.float64)


def ei_network(state: str = "critical", use_reference: bool = True) -> dict:
    """The 400-neuron float E/I LIF network of Lava's tutorial02 (``convert=True``).

    320 excitatory + 80 inhibitory neurons, dense (400, 400) weights (about half zeros),
    du = 0.07, dv = 0.01, vth = 1, bias_mant = 0.05 for all neurons, u = v = 0 at the start.
    ``state="critical"`` (default, q = sqrt(400/6)): Lava fires 84375 spikes in 1000 steps
    (84 per step; all 400 neurons fire together at step 23, then irregular activity).
    ``state="balanced"`` (q = 1): 14813 spikes (15 per step).

    The weights and LIF parameters are loaded from ``ei_lif_float_<state>.npz`` in
    :func:`reference_dir` when that file exists (``info["source"] == "reference"``). Otherwise
    (or with ``use_reference=False``) they are regenerated with the tutorial's recipe
    (``np.random.seed(1234)``, gaussian weights, g = 4.5, then the rate->LIF conversion, which
    scales them and multiplies them by du; ``info["source"] == "generated"``). The generated
    fallback is **not guaranteed to be identical** to the stored weights: it depends on numpy's
    legacy gaussian generator and on scipy's ``fsolve``. With numpy 2.4 / scipy 1.17 the
    critical matrix comes out bit for bit equal (the solver gives up, scale 1), the balanced
    one differs by up to 7e-18 (a different solved scale) -- enough for a chaotic network to
    diverge eventually. Compare ``W`` before relying on spike-exact results.
    """
    if state not in EI_STATES:
        raise ValueError(f"state must be one of {sorted(EI_STATES)}, got {state!r}")
    path = reference_dir() / f"ei_lif_float_{state}.npz"
    n, n_exc = 400, 320
    if use_reference and path.is_file():
        z = _load_reference(path)
        W = np.ascontiguousarray(z["weights"], dtype=np.float64)
        du, dv, vth, bias = (float(z[k]) for k in ("du_exc", "dv_exc", "vth_exc", "bias_mant_exc"))
        for k in ("du", "dv", "vth", "bias_mant"):
            if float(z[f"{k}_exc"]) != float(z[f"{k}_inh"]):  # pragma: no cover
                raise ValueError(f"{path}: {k} differs between E and I; not supported here")
        source, where = "reference", str(path)
    else:
        W = _generate_ei_weights(state)
        du, dv, vth, bias = 0.07, 0.01, 1.0, 0.05
        source, where = "generated", "np.random.seed(1234) + convert_rate_to_lif_params"
    return dict(name=f"ei_{state}", kind="dense", n=n, n_exc=n_exc, W=W,
                **_lif_arrays(n, du, dv, vth, bias), u0=np.zeros(n), v0=np.zeros(n),
                info=dict(source=source, path=where, state=state, q_factor=EI_STATES[state][0],
                          g_factor=4.5, lava_spikes_1000_steps=EI_STATES[state][1]))


# --------------------------------------------------------------------------------------------
# Sparse CUBA-style networks
# --------------------------------------------------------------------------------------------

def _random_pairs(n: int, p: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random connectivity with probability ``p``, returned pre-major (sorted by pre, then post).

    For speed at n = 40,000 (1.6e9 pairs) the pairs are not drawn one by one: every pre neuron
    gets ``Binomial(n, p)`` targets drawn uniformly *with* replacement; duplicate pairs and
    self-connections are then dropped (a fraction of about ``p/2 + 1/n`` of the draws, 1 % at
    n = 4000, p = 0.02), so the synapse count is marginally below ``p * n * n``.
    """
    k = rng.binomial(n, p, size=n)
    pre = np.repeat(np.arange(n, dtype=np.int64), k)
    post = rng.integers(0, n, size=pre.size, dtype=np.int64)
    key = np.sort(pre * n + post)  # pre-major order
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # drop duplicate pairs
    pre, post = key // n, key % n
    keep = pre != post
    return pre[keep], post[keep]


def _csr_from_sorted(major: np.ndarray, minor: np.ndarray, data: np.ndarray,
                     n: int) -> sp.csr_matrix:
    """CSR with rows ``major`` (sorted) and columns ``minor`` (sorted within a row)."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(major, minlength=n), out=indptr[1:])
    m = sp.csr_matrix((data, minor.astype(np.int32), indptr), shape=(n, n))
    m.has_sorted_indices = True
    return m


#: In-degree the :data:`CUBA_PARAMS` weights are given for (Vogels & Abbott: 0.02 * 4000).
CUBA_IN_DEGREE = 80


def sparse_lif_network(n: int, p: float, seed: int, *, name: str = "sparse", du: float,
                       dv: float, vth: float, bias: float, w_exc: float, w_inh: float,
                       exc_fraction: float = 0.8, random_v0: bool = True,
                       scale_to_in_degree: int | None = CUBA_IN_DEGREE) -> dict:
    """A random sparse E/I LIF network with constant excitatory / inhibitory weights.

    ``rng = np.random.default_rng(seed)`` draws, in this order: the connectivity (see
    :func:`_random_pairs`), then ``v0 ~ U[0, vth)`` if ``random_v0`` (else ``v0 = 0``); ``u0 = 0``.
    The first ``round(exc_fraction * n)`` neurons are excitatory: every synapse *from* them has
    weight ``w_exc``, every synapse from the others ``w_inh``. If ``scale_to_in_degree`` is set,
    both weights are multiplied by ``scale_to_in_degree / (p * n)``, which keeps the mean
    recurrent input of a neuron the same at any size (``w`` are the weights at in-degree 80).
    ``W`` is CSR post x pre.
    """
    rng = np.random.default_rng(seed)
    n_exc = int(round(exc_fraction * n))
    scale = 1.0 if scale_to_in_degree is None else scale_to_in_degree / (p * n)
    w_exc, w_inh = float(w_exc) * scale, float(w_inh) * scale
    pre, post = _random_pairs(n, p, rng)
    w = np.where(pre < n_exc, w_exc, w_inh)
    order = np.argsort(post, kind="stable")  # post-major, pre ascending within a row
    W = _csr_from_sorted(post[order], pre[order], w[order], n)
    v0 = rng.uniform(0.0, vth, n) if random_v0 else np.zeros(n)
    return dict(name=name, kind="sparse", n=n, n_exc=n_exc, W=W,
                **_lif_arrays(n, du, dv, vth, bias), u0=np.zeros(n), v0=v0,
                info=dict(source="generated", seed=seed, p=p, nnz=int(W.nnz), w_exc=w_exc,
                          w_inh=w_inh, du=du, dv=dv, vth=vth, bias=bias))


def cuba_network(n: int = 4000, p: float = 0.02, seed: int = 4000, **overrides) -> dict:
    """Vogels & Abbott (2005) CUBA sizes: 4000 LIF neurons, 80 % excitatory, connectivity 2 %.

    Parameters are :data:`CUBA_PARAMS` (``du, dv, vth, bias, w_exc, w_inh``; pass any of them as
    keyword to override). About 225 spikes per step at the defaults, sustained for as long as
    it runs (constant bias drive, no external input). At other ``n, p`` the weights are scaled
    by ``80 / (p n)``. ``v0`` is uniform in ``[0, vth)`` so the
    network does not start with one synchronous volley. Weights: ``W`` is a CSR matrix post x
    pre; :func:`pre_major` gives the CSC / pre-major arrays.
    """
    params = {**CUBA_PARAMS, **overrides}
    return sparse_lif_network(n, p, seed, name="cuba", **params)


def large_network(n: int = 40000, p: float = 0.0025, seed: int = 40000, **overrides) -> dict:
    """The CUBA recipe at 40,000 neurons and 0.25 % connectivity (in-degree 100 instead of 80).

    Same :data:`CUBA_PARAMS`, weights scaled by 80/100 (same mean input per neuron); sustained
    activity of about 1,950 spikes per step (4.9 %), ~195,000 synaptic events per step. Four
    million synapses: the weights (48 MB as CSR) do not fit in the caches, so the event-driven
    loop is bound by memory latency.
    """
    params = {**CUBA_PARAMS, **overrides}
    return sparse_lif_network(n, p, seed, name="large", **params)


def huge_network(n: int = 400_000, p: float = 1e-4, seed: int = 400_000, **overrides) -> dict:
    """The CUBA recipe at 400,000 neurons and in-degree 40 (connectivity 0.01 %).

    Same :data:`CUBA_PARAMS`, weights scaled by 80/40 (same mean input per neuron). Sixteen
    million synapses (192 MB as CSR; building the network and its neuroproc copy stays within a
    few GB): ten times the neurons of :func:`large_network` with fewer synapses per neuron, so
    the LIF update weighs more in a step than there. The fewer, stronger synapses make it far
    more active: about 50,000 spikes per step over the first 50 steps, 78,000 over 200.
    """
    params = {**CUBA_PARAMS, **overrides}
    return sparse_lif_network(n, p, seed, name="huge", **params)


def overhead_network(n: int = 100, seed: int = 100) -> dict:
    """100 LIF neurons, dense all-to-all weights, little activity: measures per-step overhead.

    ``rng = np.random.default_rng(seed)``: ``W = rng.normal(0, 0.002, (n, n))`` (a weak, mixed
    sign random coupling, zero diagonal), ``v0 ~ U[0, 1)``. du = 0.1, dv = 0.01, vth = 1 and a
    bias of 0.0102, just above the rheobase ``dv * vth = 0.01``: each neuron fires about every
    300-400 steps, i.e. ~0.3 spikes per step for the whole network.
    """
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 0.002, (n, n))
    np.fill_diagonal(W, 0.0)
    v0 = rng.uniform(0.0, 1.0, n)
    return dict(name="overhead", kind="dense", n=n, n_exc=n, W=np.ascontiguousarray(W),
                **_lif_arrays(n, 0.1, 0.01, 1.0, 0.0102), u0=np.zeros(n), v0=v0,
                info=dict(source="generated", seed=seed, w_std=0.002))


# --------------------------------------------------------------------------------------------
# Pre-major views
# --------------------------------------------------------------------------------------------

def pre_major(net: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, data)`` of ``W.T`` as CSR (= ``W`` as CSC): the outgoing synapses.

    Neuron ``j``'s targets are ``indices[indptr[j]:indptr[j+1]]`` in ascending order, with
    weights ``data[indptr[j]:indptr[j+1]]``. ``indptr`` is int64, ``indices`` int32, ``data``
    float64, all contiguous. Works for dense nets too (then every entry of ``W``, zeros included,
    is a synapse).
    """
    W = net["W"]
    if sp.issparse(W):
        WT = W.T.tocsr()
        WT.sort_indices()
        indptr, indices, data = WT.indptr, WT.indices, WT.data
    else:  # every entry, zeros included, is a synapse
        n_post, n_pre = W.shape
        indptr = np.arange(0, W.size + 1, n_post)
        indices = np.tile(np.arange(n_post), n_pre)
        data = np.asarray(W, dtype=np.float64).T.ravel()
    return (np.ascontiguousarray(indptr, dtype=np.int64),
            np.ascontiguousarray(indices, dtype=np.int32),
            np.ascontiguousarray(data, dtype=np.float64))


def dense_pre_major(net: dict) -> np.ndarray:
    """``W.T`` as a C-contiguous array: row ``j`` holds neuron ``j``'s outgoing weights."""
    W = net["W"]
    if sp.issparse(W):
        W = W.toarray()
    return np.ascontiguousarray(np.asarray(W, dtype=np.float64).T)


def describe(net: dict) -> str:
    """One line: name, size, synapse count, source."""
    W = net["W"]
    nnz = W.nnz if sp.issparse(W) else int(np.count_nonzero(W))
    return (f"{net['name']}: n={net['n']} ({net['n_exc']} exc), {net['kind']}, "
            f"{nnz} non-zero synapses, source={net['info'].get('source')}")
