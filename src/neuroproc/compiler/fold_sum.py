"""Linear folds of kind ``'sum'``: parallel linear maps merged into one connection.

Two or more linear maps ``M_1 ... M_k`` that each receive only from the same out-port ``X`` and
each send only to the same in-port ``Y`` (directly or through folded identities) add
``W_1 x + ... + W_k x`` at ``Y``. With equal delays (and all taking binary spikes, or all graded) they
become one Process with ``W_1 + ... + W_k`` and the summed pending messages, built by the first
member's factory, sending at the place of the earliest of the members' channels in ``Y``'s
fan-in order. Reshaping or transposing ports on a member's channels reorder the flattened
messages: they become part of its matrix (``W[q][:, argsort(p)]``), and the sum is expressed in
the frame of the channels the merged Process keeps. Merged chains take part (a ``LinearChain``
answers the hook too), and a sum can head a chain merged afterwards.

Only under ``fold='linear'``: ``(W_1 + W_2) x`` rounds differently from ``W_1 x + W_2 x``, and
``Y`` adds one message fewer, so the fan-in sum's order changes too -- the values are equal up to
float rounding (a few ulps of the largest term). Refused, with the reason in the report: delays
that differ (the messages arrive at other steps), binary and graded members mixed (one counts
non-zero inputs, the other multiplies by them), a port on a member's channel that does more
than reorder, a Monitor, RefPort or alias on a member's Var, models whose hook answers with a
refusal, ``fold='exact'`` and ``fold=False``.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.fold_graph import Graph, names, register_merged
from neuroproc.compiler.fold_linear import factory_problem, link_permutation, merge_maps
from neuroproc.compiler.fold_state import SUM, FoldedSelection, FoldItem, RefusedFold
from neuroproc.compiler.linear_map import LinearMap, dense_matrix

__all__ = ["fold_sums"]


def _groups(g: Graph) -> dict:
    """(id(X), id(Y)) -> the linear maps that receive only from X and send only to Y."""
    groups: dict = {}
    for p in g.linear.values():
        ins = g.in_edges.get(id(g.in_port(p)), [])
        outs = g.out_edges.get(id(g.out_port(p)), [])
        if len(ins) == 1 and len(outs) == 1 and ins[0].src.process is not p:
            groups.setdefault((id(ins[0].src), id(outs[0].dst)), []).append((p, ins[0], outs[0]))
    return {k: v for k, v in groups.items() if len(v) > 1}


def _member_problem(g: Graph, p, e_in, e_out) -> str | None:
    m = g.maps[id(p)]
    if m.refused:
        return m.refused
    for e in (e_in, e_out):
        perm = link_permutation(e)
        if isinstance(perm, str):
            return perm
    if id(p) in g.watched:
        return f"{g.watched[id(p)]} reaches a Var of {who(p)}, which would not exist after folding"
    return None


def _group_problem(g: Graph, members: list, mode) -> str | None:
    for p, e_in, e_out in members:
        reason = _member_problem(g, p, e_in, e_out)
        if reason is not None:
            return reason
    maps = [g.maps[id(p)] for p, _, _ in members]
    delays = sorted({m.delay for m in maps})
    if len(delays) > 1:
        return (f"their delays differ ({', '.join(map(str, delays))} steps): their messages arrive at "
                "different steps, which one connection cannot send")
    if len({m.binary_input for m in maps}) > 1:
        binary = ", ".join(who(p) for (p, _, _), m in zip(members, maps) if m.binary_input)
        return (f"{binary} take(s) binary spikes and the others graded values: W1 (s != 0) + W2 s is not "
                "one matrix times the input")
    if mode is False:
        return "folding is off (fold=False)"
    if mode != "linear":
        return ("fold='exact' keeps parallel connections: (W1 + W2) @ s rounds differently from W1 @ s + W2 @ s, "
                "and the receiver would add one message fewer. Pass fold='linear' to merge them (equal up to "
                "rounding, same timing)")
    return factory_problem(maps[0], members[0][0])


def fold_sums(sel: FoldedSelection, g: Graph, mode, refused: list) -> int:
    """Merge the parallel groups in ``g``; returns how many were merged, appends the refusals to ``refused``."""
    done = 0
    for members in _groups(g).values():
        members.sort(key=lambda item: sel.procs.index(item[0]))
        procs = [p for p, _, _ in members]
        reason = _group_problem(g, members, mode)
        if reason is not None:
            refused.append(RefusedFold(SUM, names(procs), reason))
            continue
        _merge(sel, members, [g.maps[id(p)] for p in procs], g)
        done += 1
    return done


def _perm(edge) -> np.ndarray | None:
    perm = link_permutation(edge)
    return None if isinstance(perm, str) else perm  # a path that is not a permutation was refused


def _inverse(perm, n: int) -> np.ndarray:
    return np.arange(n) if perm is None else np.argsort(perm)


def _in_receivers_frame(m: LinearMap, p_in, q_out) -> tuple[np.ndarray, np.ndarray]:
    """The member's matrix and pending rows as the receiver sees them in terms of the sender's
    flattened message: ``(W x[p])[q]`` is ``W[q][:, argsort(p)] x``."""
    w = dense_matrix(m.weights())
    pending = np.zeros((m.delay, w.shape[0])) if m.pending is None else np.asarray(m.pending, dtype=np.float64)
    if q_out is not None:
        w, pending = w[q_out], pending[:, q_out]
    if p_in is not None:
        w = w[:, np.argsort(p_in)]
    return w, pending


def _merge(sel: FoldedSelection, members: list, maps: list[LinearMap], g: Graph) -> None:
    procs = [p for p, _, _ in members]
    perms = [(_perm(e_in), _perm(e_out)) for _, e_in, e_out in members]
    total, pipeline = None, None
    for m, (p_in, q_out) in zip(maps, perms):
        w, pending = _in_receivers_frame(m, p_in, q_out)
        total, pipeline = (w, pending) if total is None else (total + w, pipeline + pending)
    assert total is not None and pipeline is not None
    # the merged Process is reached through the channels kept by ``rewire``, the first in order
    # of the members' channels into it and out of it: express the sum in their frames
    order = {id(e): i for i, e in enumerate(g.edges)}
    k_in = min(range(len(members)), key=lambda i: order[id(members[i][1])])
    k_out = min(range(len(members)), key=lambda i: order[id(members[i][2])])
    p_in, q_out = perms[k_in][0], perms[k_out][1]
    if p_in is not None:
        total = total[:, p_in]
    inv_q = _inverse(q_out, total.shape[0])
    weights, pipeline = total[inv_q], pipeline[:, inv_q]
    delay = maps[0].delay
    # chain_pipeline's layout: row ``step % delay`` is sent at ``step``
    pipeline = np.roll(pipeline, 1, axis=0)
    x_port, y_port = members[0][1].src, members[0][2].dst
    in_port, out_port = g.in_port(procs[k_in]), g.out_port(procs[k_out])
    merged, model = merge_maps(maps[0], weights, delay, pipeline,
                               f"folded[{' + '.join(p.name for p in procs)}]", tuple(in_port.shape),
                               tuple(out_port.shape))
    register_merged(sel, procs, merged, model, [g.in_port(p) for p in procs], [g.out_port(p) for p in procs],
                    maps[0].in_port, maps[0].out_port)
    binary = ", binary input as before" if maps[0].binary_input else ""
    sel.report.folded.append(FoldItem(SUM, names(procs), (
        f"replaced by {who(merged)}: weights {weights.shape} = {' + '.join(f'W({p.name})' for p in procs)} "
        f"from {x_port.who} into {y_port.who}, delay {delay} step{'s' if delay != 1 else ''} as before{binary}; "
        "values equal up to float rounding (one sum of matrices, one message fewer in the receiver's fan-in)")))
