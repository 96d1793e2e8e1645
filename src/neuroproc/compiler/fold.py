"""Stage 2b (between ``select`` and ``flatten``): remove identity leaves, fold linear maps.

Nengo-Loihi removes passthrough nodes and merges chains of linear transforms into one weight
matrix before it builds the chip model. ``fold`` decides the same for a :class:`Selection` and
records every decision in a :class:`FoldReport` (what was folded, what was refused and why; the
kinds are listed in :mod:`neuroproc.compiler.fold_state`). ``RunConfig(fold=...)`` chooses how
far it goes:

``'exact'`` (default)
    Remove identity leaves -- leaves whose model declares ``fold_identity = (in_port, out_port)``,
    as the :class:`~neuroproc.proc.passthrough.process.Passthrough` models do -- only where
    nothing can change: exactly one channel arrives at the identity (with fan-in, its receivers
    would add the messages in another order, which changes float sums), and messages keep their
    dtype (the sender's out dtype equals the identity's out dtype and its in-port does not
    promote it, else casting would differ). Fan-out is fine. The sender then sends straight to
    every receiver of the identity, at the identity's place in each receiver's fan-in order, so
    every sum is the same. A folded identity has no model instance at run time: it has no Vars
    (an identity with Vars or other ports is refused). All-zero linear maps are kept (their
    weights may be set between runs); the report says where removing them would be
    bit-identical (:mod:`neuroproc.compiler.fold_zero`).
``'linear'``
    Also, through the ``linear_map(proc)`` hook (:mod:`neuroproc.compiler.linear_map`; the float
    Dense, Sparse, DelayDense with uniform delays, DelaySparse and Conv models declare it):
    remove every all-zero map (``'zero'``); merge chains of linear maps into one Process
    (``'linear'``, :mod:`neuroproc.compiler.fold_linear`: ``W_k @ ... @ W_1``, summed delays,
    the head may take binary spikes, reshaping and transposing ports between members become part
    of the product); merge parallel maps from one sender into one receiving port into one
    Process (``'sum'``, :mod:`neuroproc.compiler.fold_sum`: ``W_1 + ... + W_k``, equal delays,
    reordering ports on their channels included).
    Chains and sums are repeated until nothing more merges, so a sum of chains, or a chain
    through a sum, becomes one Process; an identity refused for fan-in that a sum left with one
    input is then removed by the same rules (its refusal leaves the report), and merging goes on
    through it. Spikes arrive at the same steps; the values are equal up
    to float rounding. The members of a merge and the removed zero maps are not run, so their
    Vars have no value in the run: from ``create_runtime``/``run`` until ``stop()`` their
    ``get()`` and ``set()`` raise :class:`~neuroproc.exceptions.RuntimeStateError` naming the
    merged Process (``FoldedSelection.merged``) or the removal (``FoldedSelection.dropped``)
    instead of answering with a stale value or dropping the new one. ``set()`` before the run is
    merged into the product; after ``stop()`` ``get()`` returns the value from before the run
    (the members never ran). Maps whose inner values are needed (fan-out from an inner member,
    fan-in to a later one, a Monitor, RefPort or alias on their Vars) are refused.
``False``
    Fold nothing; the report lists what would have been considered.

Hooks, not names: this module imports no process. A model declares ``fold_identity = (in_port,
out_port)`` to be removable as an identity, and ``linear_map(proc)`` to be mergeable; a model
that answers ``linear_map`` with a reason (bit-accurate models: each truncates its weights to
``num_weight_bits`` and shifts its sum by ``2**weight_exp``, which do not compose into one
weight matrix) is listed as refused with it. The graph built by the user is never changed:
``flatten`` asks the folded selection to reroute its channels (:meth:`FoldedSelection.rewire`).

A report shows the folded transforms: ``report.folded`` (``FoldItem(kind, processes, detail)``),
``report.refused`` (``RefusedFold(kind, processes, reason)``), ``report.kinds()`` (folds per
kind), ``report.rows()`` and ``str(report)``; the folded selection's ``merged_processes`` are the
Processes the folds made (their ``weights`` Var holds the merged matrix), ``merged`` maps each
merged member and ``dropped`` each removed zero connection.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.flatten import flatten
from neuroproc.compiler.fold_graph import current_graph, dtype_of
from neuroproc.compiler.fold_linear import fold_chains
from neuroproc.compiler.fold_state import (
    FOLD_KINDS,
    IDENTITY,
    FoldedSelection,
    FoldItem,
    FoldReport,
    RefusedFold,
)
from neuroproc.compiler.fold_sum import fold_sums
from neuroproc.compiler.fold_zero import fold_zeros
from neuroproc.compiler.select import Selection
from neuroproc.run_configs import check_fold

__all__ = ["FOLD_KINDS", "FoldItem", "FoldReport", "FoldedSelection", "RefusedFold", "fold"]

def _mode(run_cfg):
    return check_fold(getattr(run_cfg, "fold", "exact"), type(run_cfg).__name__)


def _dtype(selection, port):
    return dtype_of(selection, port)


def fold(selection: Selection) -> FoldedSelection:
    """Decide what to fold in ``selection`` (mode from ``selection.run_cfg.fold``).

    Returns a :class:`FoldedSelection` with the :class:`FoldReport` in ``report``; with
    ``fold=False`` nothing is removed and the report lists the candidates as refused.
    """
    mode = _mode(selection.run_cfg)
    flat = flatten(selection)
    out = FoldedSelection(procs=list(selection.procs), models=dict(selection.models), run_cfg=selection.run_cfg,
                          report=FoldReport(mode))
    _fold_identities(out, flat.edges, mode, out.report.refused)
    hooks: dict = {}  # id(Process) -> its linear map, asked once
    fold_zeros(out, current_graph(out, flat, hooks), mode)
    # every merging pass replaces two or more linear maps by one, and every identity goes once,
    # so this ends; the refusals of the last pass (the one that merged nothing) describe the
    # folded network
    while True:
        refused: list = []
        merged = fold_chains(out, current_graph(out, flat, hooks), mode, refused)
        merged += fold_sums(out, current_graph(out, flat, hooks), mode, refused)
        if merged:
            continue
        if mode != "linear" or not _refold_identities(out, flat, hooks, mode):
            break
    out.report.refused.extend(refused)
    return out


# -- identities ----------------------------------------------------------------------------------------
def _identity_problem(sel, proc, in_name, out_name, incoming) -> str | None:
    ports = [p.name for p in proc._all_ports()]
    if sorted(ports) != sorted([in_name, out_name]) or len(proc.vars):
        return (f"it has state or other ports (Vars {[v.name for v in proc.vars]}, ports {ports}); only a "
                f"stateless {in_name} -> {out_name} identity can be removed")
    if not incoming:
        return f"no channel arrives at {in_name}; it sends zeros of its own dtype"
    if len(incoming) > 1:
        srcs = ", ".join(e.src.who for e in incoming)
        return (f"fan-in: {len(incoming)} channels arrive at {in_name} ({srcs}); without it each receiver "
                "would add them in its own order, which can change float sums")
    src = incoming[0].src
    if src.process is proc:
        return f"it receives its own output ({src.who}), which deadlocks with or without it"
    src_dt, in_dt, out_dt = _dtype(sel, src), _dtype(sel, getattr(proc, in_name)), _dtype(sel, getattr(proc, out_name))
    if src_dt is None or in_dt is None or out_dt is None:
        return "its sender's or its own message dtype is not declared"
    if np.result_type(in_dt, src_dt) != src_dt or out_dt != src_dt:
        return (f"dtype change: {src.who} sends {src_dt}, {who(proc)} receives "
                f"{np.result_type(in_dt, src_dt)} and sends {out_dt}; removing it would change how "
                "messages are cast. Select a model whose message type matches the sender's")
    return None


def _fold_identities(sel: FoldedSelection, edges: list, mode, refused: list, only=None) -> list:
    """Fold the identities among the leaves (those in ``only``, if given) that may go, given the
    channels ``edges``; refusals go to ``refused``. Returns the Processes folded."""
    incoming: dict = {}
    for e in edges:
        incoming.setdefault(id(e.dst), []).append(e)
    candidates = {}
    for proc in sel.unfolded_leaves:
        spec = getattr(sel.models[id(proc)], "fold_identity", None)
        if spec is None or (only is not None and id(proc) not in only):
            continue
        in_name, out_name = spec
        in_port = getattr(proc, in_name, None)
        reason = _identity_problem(sel, proc, in_name, out_name, incoming.get(id(in_port), []))
        if reason is None and mode is False:
            reason = "folding is off (fold=False)"
        if reason is not None:
            refused.append(RefusedFold(IDENTITY, (who(proc),), reason))
        else:
            candidates[id(proc)] = (proc, in_name, out_name)
    # identities that only feed each other in a ring have no outside input: keep them
    into = {id(e.dst.process): e for e in edges if id(e.dst.process) in candidates}
    for key in list(candidates):
        ring, cur = [], key
        while cur in candidates and cur not in ring:
            ring.append(cur)
            cur = id(into[cur].src.process)
        if cur in ring:
            for k in ring[ring.index(cur):]:
                proc = candidates.pop(k)[0]
                refused.append(RefusedFold(IDENTITY, (who(proc),), (
                    "it is in a ring of identities with no other input, which deadlocks with or without it")))
    for key, item in candidates.items():
        proc, in_name, out_name = item
        src = into[key].src
        while id(src.process) in candidates:
            src = into[id(src.process)].src
        dsts = [e.dst.who for e in edges if e.src is getattr(proc, out_name)]
        sel.identities[key] = item
        sel.removed[key] = proc
        sel.report.folded.append(FoldItem(IDENTITY, (who(proc),), (
            f"{src.who} sends straight to {', '.join(dsts) if dsts else 'nothing (no receivers)'}")))
    return [item[0] for item in candidates.values()]


def _refold_identities(sel: FoldedSelection, flat, hooks: dict, mode) -> int:
    """Identities refused for fan-in may have one input left once parallel maps merged: fold them
    now (by the same rules) and drop their earlier refusal. Returns how many were folded."""
    pending = {id(p) for p in sel.unfolded_leaves
               if getattr(sel.models[id(p)], "fold_identity", None) is not None and id(p) not in sel.removed}
    if not pending:
        return 0
    folded = _fold_identities(sel, current_graph(sel, flat, hooks).edges, mode, [], only=pending)
    names = {(who(p),) for p in folded}
    sel.report.refused[:] = [r for r in sel.report.refused if not (r.kind == IDENTITY and r.processes in names)]
    return len(folded)


