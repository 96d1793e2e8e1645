"""The learning phase's fast path (per-epoch tables, chunked synapses) computes bit for bit what
the generic per-synapse engine computes, on random rules, states, spike times and epochs."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.learning import _engine as eng
from neuroproc.learning import _fast as fst
from neuroproc.learning import _kernels as kern
from neuroproc.learning.learning_rule import LoihiLearningRule

_FACTORS = ["x0", "y0", "x1", "x2", "y1", "y2", "y3", "w", "d", "t", "(x1 + 3)", "(y2 - 2)", "sgn(w - 1)",
            "sgn(t)", "(-d + 1)", "(2^-2)", "(-1)"]
_SCALES = ["", "2^-3 * ", "(-1) * ", "3 * 2^-1 * ", "2 * "]


_TRACES = ["x0", "y0", "x1", "x2", "y1", "y2", "y3", "(x1 + 3)", "(y2 - 2)"]


def _random_rule(rng, target: str, simple: bool) -> str:
    """A sum of random products; ``simple``: each with at most one trace factor (STDP's form,
    which the fast path evaluates in one pass per product)."""
    terms = []
    for _ in range(rng.integers(1, 5)):
        dep = ["x0", "y0", "u0"][rng.integers(3)]
        if simple:
            factors = [str(f) for f in rng.choice(_TRACES, rng.integers(0, 2))]
        else:
            factors = [str(f) for f in rng.choice(_FACTORS, rng.integers(0, 4))]
        items = factors[:]
        items.insert(0 if dep == "u0" else rng.integers(0, len(items) + 1), dep)  # u<k> leads its product
        sign = "-" if rng.random() < 0.3 else "+"
        terms.append(f"{sign} {_SCALES[rng.integers(len(_SCALES))]}{' * '.join(items)}")
    return " ".join(terms).lstrip("+ ")


def _state(rng, fixed, n_out, n_in, T, sparse):
    if fixed:
        w = rng.integers(-256, 256, (n_out, n_in)).astype(np.float64)
        d = rng.integers(0, 256, (n_out, n_in)).astype(np.float64)
        t = rng.integers(-256, 256, (n_out, n_in)).astype(np.float64)
        xh = rng.integers(0, 128, (T + 1, 2, n_in))
        yh = rng.integers(0, 128, (T + 1, 3, n_out))
    else:
        w = rng.normal(0, 4, (n_out, n_in))
        d = np.abs(rng.normal(0, 4, (n_out, n_in)))
        t = rng.normal(0, 4, (n_out, n_in))
        for a in (w, d, t):  # zeros of both signs: where left-out products could show
            a[rng.random(a.shape) < 0.15] = 0.0
            a[rng.random(a.shape) < 0.1] = -0.0
        xh = rng.random((T + 1, 2, n_in)) * 20
        yh = rng.random((T + 1, 3, n_out)) * 20
    tx = rng.integers(0, T + 1, n_in) * (rng.random(n_in) < 0.5)
    ty = rng.integers(0, T + 1, n_out) * (rng.random(n_out) < 0.5)
    mask = rng.random((n_out, n_in)) < (0.5 if sparse else 1.0)
    return dict(w=w, d=d, t=t, xh=xh, yh=yh, tx=tx.astype(np.int64), ty=ty.astype(np.int64), x0=tx > 0, y0=ty > 0,
                mask=mask)


def _csc(s, mask):
    rows, cols = np.nonzero(mask.T)  # pre-major: (pre, post) pairs sorted by pre
    col_ptr = np.zeros(mask.shape[1] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=mask.shape[1]), out=col_ptr[1:])
    vals = {k: np.ascontiguousarray(s[k][cols, rows]) for k in ("w", "d", "t")}
    return cols.astype(np.int32), col_ptr, vals


class _Shape:
    def __init__(self, rows, col_ptr, n_out):
        self.rows, self.col_ptr, self.shape = rows, col_ptr, (n_out, col_ptr.size - 1)


def _bits(a):
    return np.ascontiguousarray(a, np.float64).view(np.int64)


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitapprox"])
@pytest.mark.parametrize("seed", range(16))
def test_fast_path_equals_generic_engine(fixed, seed):
    rng = np.random.default_rng(seed)
    rules = {tgt: _random_rule(rng, tgt, seed % 2 == 1) for tgt in ("dw", "dd", "dt")
             if tgt == "dw" or rng.random() < 0.6}
    rule = LoihiLearningRule(**rules, t_epoch=int(rng.integers(1, 4)))
    T = rule.t_epoch
    pi, pf, fi, ff = eng.rule_tables(rule)
    plan, kinds = fst.fast_plan(pi, fi)
    n_out, n_in = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    sign_mode = int(rng.integers(1, 4))
    has = np.zeros(3, np.bool_)
    has[pi[:, 0]] = True
    r_syn = rng.random()
    for sparse in (False, True):
        for u in (0, 1):
            s = _state(rng, fixed, n_out, n_in, T, sparse)
            pref, tab, cross = fst.fast_tables(fixed, plan, kinds, n_in, n_out, T)
            fst.fill_tables(fixed, u, plan, kinds, pi, pf, fi, ff, s["x0"], s["y0"], s["tx"], s["ty"], s["xh"],
                            s["yh"], pref, tab, cross)
            rv = np.zeros(5)
            rv[eng.SYN] = r_syn
            out = np.zeros(3, np.int64 if fixed else np.float64)
            seen = np.zeros(3, np.int64)
            skip = u == 0
            args = (s["x0"], s["y0"], s["tx"], s["ty"])
            if sparse:
                rows, col_ptr, g = _csc(s, s["mask"])
                f = {k: v.copy() for k, v in g.items()}
                eng.learn_sparse(fixed, out, seen, 1, u, skip, has, g["w"], g["d"], g["t"], rows, col_ptr, *args,
                                 s["xh"], s["yh"], pi, pf, fi, ff, sign_mode, rv)
                fst.learn_sparse_fast(fixed, skip, has, f["w"], f["d"], f["t"], rows, col_ptr, *args, plan, kinds,
                                      fi, ff, pref, tab, cross, sign_mode, r_syn)
                if skip:  # the event-driven visit of the compiled kernels, on stable values
                    e = {k: v.copy() for k, v in _csc(s, s["mask"])[2].items()}
                    if eng.all_stable(fixed, has, e["w"], e["d"], e["t"], sign_mode):
                        post = kern._post_index(_Shape(rows, col_ptr, n_out))
                        fst.learn_sparse_events_fast(has, e["w"], e["d"], e["t"], rows, col_ptr, *post, *args, plan,
                                                     kinds, fi, ff, pref, tab, cross, sign_mode, r_syn)
                        for k in g:
                            assert np.array_equal(_bits(e[k]), _bits(g[k])), (rules, k)
            else:
                g = {k: s[k].copy() for k in ("w", "d", "t")}
                f = {k: s[k].copy() for k in ("w", "d", "t")}
                eng.learn_dense(fixed, out, seen, 1, u, skip, has, g["w"], g["d"], g["t"], *args, s["xh"], s["yh"],
                                pi, pf, fi, ff, sign_mode, rv)
                fst.learn_dense_fast(fixed, skip, has, f["w"], f["d"], f["t"], *args, plan, kinds, fi, ff, pref, tab,
                                     cross, sign_mode, r_syn)
                if skip and eng.all_stable(fixed, has, s["w"], s["d"], s["t"], sign_mode):
                    e = {k: s[k].copy() for k in ("w", "d", "t")}
                    fst.learn_dense_events_fast(has, e["w"], e["d"], e["t"], *args, plan, kinds, fi, ff, pref, tab,
                                                cross, sign_mode, r_syn)
                    for k in g:
                        assert np.array_equal(_bits(e[k]), _bits(g[k])), (rules, k)
            for k in g:
                assert np.array_equal(_bits(f[k]), _bits(g[k])), (rules, sparse, u, k)


def test_fast_path_chunks_large_phases():
    """More synapses than one chunk: the gathered chunks are flushed and the rest finished."""
    rng = np.random.default_rng(5)
    rule = LoihiLearningRule(dw="x0 * y1 * 2^-2 - y0 * x1 * w + u0 * 2^-5 * (y2 - 3)", t_epoch=2)
    pi, pf, fi, ff = eng.rule_tables(rule)
    plan, kinds = fst.fast_plan(pi, fi)
    n_out, n_in = 70, 90
    assert n_out * n_in > fst.CHUNK
    s = _state(rng, False, n_out, n_in, 2, False)
    has = np.array([True, False, False])
    pref, tab, cross = fst.fast_tables(False, plan, kinds, n_in, n_out, 2)
    fst.fill_tables(False, 1, plan, kinds, pi, pf, fi, ff, s["x0"], s["y0"], s["tx"], s["ty"], s["xh"], s["yh"],
                    pref, tab, cross)
    g, f = s["w"].copy(), s["w"].copy()
    args = (s["x0"], s["y0"], s["tx"], s["ty"])
    eng.learn_dense(False, np.zeros(3), np.zeros(3, np.int64), 2, 1, False, has, g, s["d"], s["t"], *args, s["xh"],
                    s["yh"], pi, pf, fi, ff, 1, np.zeros(5))
    fst.learn_dense_fast(False, False, has, f, s["d"].copy(), s["t"].copy(), *args, plan, kinds, fi, ff, pref, tab,
                         cross, 1, 0.0)
    assert not np.array_equal(g, s["w"])
    assert np.array_equal(_bits(f), _bits(g))


@pytest.mark.parametrize("w0", [0.0, -0.0, 1.5])
def test_products_of_silent_dependencies_keep_the_sign_of_zero(w0):
    """A product whose dependency is off is -0.0 here ((-1) * 0.0 * y1): the generic engine adds
    it, so a weight of -0.0 stays -0.0; the event-driven fast path must agree."""
    rule = LoihiLearningRule(dw="(-1) * x0 * y1", dd="y0 * x1", t_epoch=1)
    pi, pf, fi, ff = eng.rule_tables(rule)
    plan, kinds = fst.fast_plan(pi, fi)
    x0, y0 = np.array([False, True]), np.array([True])
    tx, ty = x0.astype(np.int64), y0.astype(np.int64)
    xh, yh = np.full((2, 2, 2), 0.5), np.full((2, 3, 1), 0.25)
    has = np.array([True, True, False])
    pref, tab, cross = fst.fast_tables(False, plan, kinds, 2, 1, 1)
    fst.fill_tables(False, 0, plan, kinds, pi, pf, fi, ff, x0, y0, tx, ty, xh, yh, pref, tab, cross)
    w = np.array([[w0, w0]])
    g, e = w.copy(), w.copy()
    eng.learn_dense(False, np.zeros(3), np.zeros(3, np.int64), 1, 0, True, has, g, 0 * w, 0 * w, x0, y0, tx, ty, xh,
                    yh, pi, pf, fi, ff, 1, np.zeros(5))
    fst.learn_dense_events_fast(has, e, 0 * w, 0 * w, x0, y0, tx, ty, plan, kinds, fi, ff, pref, tab, cross, 1, 0.0)
    assert np.array_equal(_bits(e), _bits(g)), (e, g)
    rows, col_ptr = np.zeros(2, np.int32), np.array([0, 1, 2])
    post = kern._post_index(_Shape(rows, col_ptr, 1))
    es = w.ravel().copy()
    fst.learn_sparse_events_fast(has, es, 0 * es, 0 * es, rows, col_ptr, *post, x0, y0, tx, ty, plan, kinds, fi, ff,
                                 pref, tab, cross, 1, 0.0)
    assert np.array_equal(_bits(es), _bits(g.ravel()))
