"""Folds of kind ``'zero'``: linear maps that send nothing but zeros, removed.

A leaf whose model answers the ``linear_map`` hook with an all-zero matrix and all-zero pending
messages contributes ``0`` to every receiver. It is removed with its channels; each receiving
port keeps its other inputs, or -- with none left -- receives zeros of its declared type, as an
unconnected port does. Its Vars have no value in the run: ``get()`` and ``set()`` raise
:class:`~neuroproc.exceptions.RuntimeStateError` from ``create_runtime``/``run`` until ``stop()``
(as for merged members; ``set()`` before the run is read by the fold, so weights set to non-zero
values before the run keep the map).

``fold='exact'`` (the default) keeps it: a connection built with zero weights is often one whose
weights are set between runs, and a removed connection's Vars cannot be set in the run. The
refusal says whether removing it would be bit-identical, which holds when (a receiving port sums
its fan-in starting from zeros of its declared type (one channel alone is passed on as it is),
and ``x + 0.0 == x`` bit for bit unless ``x`` is ``-0.0``; a sum started at ``+0.0`` is never
``-0.0`` under round-to-nearest):

* it takes binary spikes (``num_message_bits=0``): it adds stored weights of active inputs, and
  with no weight ``-0.0`` that sum is ``+0.0`` whatever the input. A graded map sends
  ``0 * s``, which is ``-0.0`` for negative ``s`` and NaN for infinite ``s``: refused;
* no weight and no pending message is ``-0.0`` (a pending ``-0.0`` is sent as it is, and
  ``-0.0 + -0.0`` stays ``-0.0`` unless the model's sum starts from ``+0.0``);
* at every receiving port the result dtype of the fan-in sum is unchanged without it (an int
  port fed by float zeros would otherwise change type), and the port does not go from two
  channels to one float channel (``0 + x + 0.0`` turns ``x = -0.0`` into ``+0.0``; the single
  channel left would be passed on as ``-0.0``). With three or more channels, or an integer or
  bool one left, or none left, the sum is the same bits.)

``fold='linear'`` removes any all-zero map (no Monitor, RefPort or alias on its Vars): the
values differ at most in the sign of a zero and where an infinite or NaN input would have made
``0 * s`` NaN. The report's detail says ``bit-identical`` wherever the checks above hold, in
either mode. ``fold=False`` lists the candidates as refused.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.fold_graph import Graph, dtype_of, names
from neuroproc.compiler.fold_state import ZERO, FoldedSelection, FoldItem, RefusedFold
from neuroproc.compiler.linear_map import is_zero_map, stored_values

__all__ = ["fold_zeros"]


def _negative_zero(m) -> bool:
    data = stored_values(m)
    pending = np.zeros(0) if m.pending is None else np.asarray(m.pending)
    return bool(np.signbit(data).any() or np.signbit(pending).any())


def _receiver_problem(sel, g: Graph, p, out_port) -> str | None:
    m_dt = dtype_of(sel, out_port)
    for e in g.out_edges.get(id(out_port), []):
        y = e.dst
        others = [o for o in g.in_edges[id(y)] if o.src is not out_port and id(o.src.process) not in sel.removed]
        decl, other_dts = dtype_of(sel, y), [dtype_of(sel, o.src) for o in others]
        if m_dt is None or decl is None or any(d is None for d in other_dts):
            return f"the message dtype of {out_port.who}, {y.who} or another of its senders is not declared"
        before, after = np.result_type(decl, *other_dts, m_dt), np.result_type(decl, *other_dts)
        if before != after:
            return (f"{y.who} would sum its fan-in as {after} instead of {before} without it "
                    "(fold='linear' removes it)")
        if len(others) == 1 and other_dts[0].kind not in "biu":
            return (f"{y.who} would receive {others[0].src.who} alone, passed on as it is, where it is now "
                    "added to zeros: a -0.0 would stay -0.0 instead of becoming +0.0 (fold='linear' removes it)")
    return None


def _problem(sel, g: Graph, p, mode) -> str | None:
    if id(p) in g.watched:
        return f"{g.watched[id(p)]} reaches a Var of {who(p)}, which would not exist after folding"
    if mode is False:
        return "folding is off (fold=False)"
    if mode == "linear":
        return None
    why = _inexact(sel, g, p)
    return ("kept under fold='exact': its weights may still be set between runs, which a removed "
            "connection's Vars cannot take; " + (why if why is not None else
                                                 "removing it would be bit-identical. Pass fold='linear' to remove it"))


def _inexact(sel, g: Graph, p) -> str | None:
    """Why removing the all-zero map ``p`` could change a bit (None: it cannot)."""
    m = g.maps[id(p)]
    if not m.binary_input:
        return (f"{who(p)} takes graded input: it sends 0 * s, which is -0.0 for negative s and NaN for "
                "infinite s, so removing it is not exact. Pass fold='linear' to remove it")
    if _negative_zero(m):
        return (f"{who(p)} holds -0.0 weights or pending messages: it sends a pending -0.0 as it is, and "
                "whether a sum of -0.0 weights is +0.0 depends on how its model adds them. Pass fold='linear' "
                "to remove it")
    return _receiver_problem(sel, g, p, g.out_port(p))


def fold_zeros(sel: FoldedSelection, g: Graph, mode) -> int:
    """Remove the all-zero maps in ``g`` that may go under ``mode``; returns how many."""
    done = 0
    for p in list(g.linear.values()):
        if not is_zero_map(g.maps[id(p)]):
            continue
        reason = _problem(sel, g, p, mode)
        exact = reason is None and _inexact(sel, g, p) is None
        if reason is not None:
            sel.report.refused.append(RefusedFold(ZERO, names([p]), reason))
            continue
        out_port = g.out_port(p)
        receivers = [e.dst for e in g.out_edges.get(id(out_port), [])]
        sel.removed[id(p)] = p
        sel.dropped[id(p)] = p
        fed = []
        for y in receivers:
            left = [o.src.who for o in g.in_edges[id(y)]
                    if o.src is not out_port and id(o.src.process) not in sel.removed]
            fed.append(f"{y.who} keeps {', '.join(left)}" if left else f"{y.who} receives zeros")
        exactness = "bit-identical" if exact else "values equal but for the sign of a zero sum and NaN from 0 * inf"
        sel.report.folded.append(FoldItem(ZERO, names([p]), (
            "removed: its weights and pending messages are all 0; "
            f"{'; '.join(fed) if fed else 'it sent to nothing'}; {exactness}")))
        done += 1
    return done
