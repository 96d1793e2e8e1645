"""Linear folds of kind ``'linear'``: chains of linear maps merged into one connection.

A chain ``s -> M_1 -> ... -> M_k`` of Processes whose models declare a
:class:`~neuroproc.compiler.linear_map.LinearMap` (joined directly, through folded identities or
through reshaping ports) becomes one Process -- built by the factory the head names -- with
``W_k @ P_k-1 @ ... @ W_1`` and the sum of the delays. ``P`` is the permutation a transposing
port makes (the identity for a reshape: the maps act on flattened messages, which a reshape
does not reorder). What the tail sends then goes wherever it went, into a neuron or anything
else.

Refused, each with the reason in the report, and why that is a necessity:

* a member after the head takes binary spikes: it sends ``W (x != 0)`` of the graded value
  ``x`` before it, which is not a product with ``W`` (the head may take binary spikes: the chain
  is then ``W (s != 0)`` and the merged Process binarises its input as the head does);
* fan-out from a member before the tail, or fan-in to a member after the head: something needs
  the value between them, or the later member would have to run for its other inputs too;
* a Monitor, RefPort or alias on a member's Var: that Var would not exist;
* a path between members that is not a reordering (a concatenation);
* models whose answer to the hook is a refusal (bit-accurate connections, differing delays);
* a loop of linear maps;
* ``fold='exact'`` (rounding: ``(W2 W1) s`` and ``W2 (W1 s)`` differ in the last bits) and
  ``fold=False``.
"""
from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import who
from neuroproc.compiler.fold_graph import Graph, between, names, register_merged
from neuroproc.compiler.fold_state import LINEAR, FoldedSelection, FoldItem, RefusedFold
from neuroproc.compiler.linear_map import LinearMap, chain_pipeline, chain_product
from neuroproc.ports import VirtualPort

__all__ = ["factory_problem", "fold_chains", "link_permutation", "merge_maps", "permute_columns"]


def link_permutation(edge) -> np.ndarray | str | None:
    """How the virtual ports on ``edge`` reorder the flattened message: None (no reordering),
    ``perm`` (the receiver sees ``x.ravel()[perm]``), or a reason when they do more than reorder."""
    transform = edge.transform()
    if transform is None:
        return None
    n = int(np.prod(edge.src.shape))
    try:
        out = np.asarray(transform(np.arange(n, dtype=np.int64).reshape(edge.src.shape))).ravel()
    except Exception as exc:  # a user's virtual port that cannot carry an index array
        return f"the path through {', '.join(q.who for q in edge.virtual_ports)} cannot be followed ({exc})"
    if out.size != n or out.dtype.kind not in "iu" or not np.array_equal(np.sort(out), np.arange(n)):
        return (f"the path through {', '.join(q.who for q in edge.virtual_ports)} does more than reorder "
                "the messages (a concatenation), so it is not one permutation")
    return None if np.array_equal(out, np.arange(n)) else out


def permute_columns(m: LinearMap, perm) -> LinearMap:
    """``m`` as seen from before the reordering ``perm``: ``W[:, argsort(perm)]``."""
    if perm is None:
        return m
    inv = np.argsort(perm)
    w = m.weights()
    matrix = w.tocsc()[:, inv] if sp.issparse(w) else np.asarray(w)[:, inv]
    return dataclasses.replace(m, matrix=matrix, values=None)


def merge_maps(head: LinearMap, weights, delay: int, pipeline, name: str, in_shape, out_shape):
    """Call the head's ``merge`` factory; ``binary_input=True`` is passed only when the merged
    map binarises its input, so factories written before it existed keep working."""
    if head.merge is None:
        raise TypeError("merge_maps: the head's LinearMap has no merge factory")
    if head.binary_input:
        return head.merge(weights, delay, pipeline, name, in_shape, out_shape, binary_input=True)
    return head.merge(weights, delay, pipeline, name, in_shape, out_shape)


def factory_problem(m: LinearMap, proc) -> str | None:
    """Why ``m``'s factory cannot build the merged Process (none, or it takes no ``binary_input``)."""
    if m.merge is None:
        return f"{who(proc)} declares a linear map without a merge factory, so nothing can replace the merge"
    if not m.binary_input:
        return None
    try:
        params = inspect.signature(m.merge).parameters
    except (TypeError, ValueError):
        return None
    if "binary_input" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    return (f"{who(proc)} takes binary spikes and its merge factory {getattr(m.merge, '__name__', m.merge)} "
            "takes no binary_input argument, so the merged Process could not binarise its input")


def _link_problem(g: Graph, a, b, edge, mode) -> str | None:
    ma, mb = g.maps[id(a)], g.maps[id(b)]
    for p in (a, b):
        if g.maps[id(p)].refused:
            return g.maps[id(p)].refused
    if mb.binary_input:
        return (f"{who(b)} takes binary spikes (num_message_bits=0): it adds its weights where "
                f"{who(a)} sends a non-zero value, whatever the value, so W2 (W1 s != 0) is not a product")
    a_out, b_in = g.out_port(a), g.in_port(b)
    if len(g.out_edges[id(a_out)]) != 1:
        others = ", ".join(e.dst.who for e in g.out_edges[id(a_out)] if e is not edge)
        return f"{a_out.who} also sends to {others}, which need the value between the two"
    if len(g.in_edges[id(b_in)]) != 1:
        others = ", ".join(e.src.who for e in g.in_edges[id(b_in)] if e is not edge)
        return (f"fan-in: {b_in.who} also receives from {others}; {who(b)} would have to run for them "
                "anyway, with its state shared between both")
    perm = link_permutation(edge)
    if isinstance(perm, str):
        return perm
    for p in (a, b):
        if id(p) in g.watched:
            return f"{g.watched[id(p)]} reaches a Var of {who(p)}, which would not exist after folding"
    if mode is False:
        return "folding is off (fold=False)"
    if mode != "linear":
        return ("fold='exact' keeps graded Dense chains: (W2 @ W1) @ s rounds differently from "
                "W2 @ (W1 @ s). Pass fold='linear' to merge them (equal up to rounding, same timing)")
    return factory_problem(ma, a)


def fold_chains(sel: FoldedSelection, g: Graph, mode, refused: list) -> int:
    """Merge the chains in ``g``; returns how many were merged, appends the refusals to ``refused``."""
    nxt, links = {}, {}
    for a in g.linear.values():
        for e in g.out_edges.get(id(g.out_port(a)), []):
            b = e.dst.process
            if id(b) not in g.linear or e.dst is not g.in_port(b):
                continue
            reason = _link_problem(g, a, b, e, mode)
            if reason is None:
                nxt[id(a)], links[id(a)] = b, e
            else:
                refused.append(RefusedFold(LINEAR, names([a, *between(sel, e), b]), reason))
    heads = [k for k in nxt if k not in {id(b) for b in nxt.values()}]
    in_chain: set = set()
    for k in heads:
        chain = [g.linear[k]]
        while id(chain[-1]) in nxt:
            chain.append(nxt[id(chain[-1])])
        in_chain.update(id(p) for p in chain)
        _merge(sel, chain, [links[id(p)] for p in chain[:-1]], g)
    for k in nxt:
        if k not in in_chain:  # a ring of linear maps: every member has a predecessor
            a, b = g.linear[k], nxt[k]
            refused.append(RefusedFold(LINEAR, (who(a), who(b)), (
                f"the {type(a).__name__} form a loop: its delays cannot be merged into one connection")))
    return len(heads)


def _merge(sel: FoldedSelection, chain: list, links: list, g: Graph) -> None:
    maps = [g.maps[id(chain[0])]]
    for p, e in zip(chain[1:], links):
        perm = link_permutation(e)
        maps.append(permute_columns(g.maps[id(p)], perm if not isinstance(perm, str) else None))
    weights = chain_product(maps)
    delay = sum(m.delay for m in maps)
    in_port, out_port = g.in_port(chain[0]), g.out_port(chain[-1])
    merged, model = merge_maps(maps[0], weights, delay, chain_pipeline(maps),
                               f"folded[{chain[0].name}..{chain[-1].name}]", tuple(in_port.shape),
                               tuple(out_port.shape))
    register_merged(sel, chain, merged, model, [in_port], [out_port], maps[0].in_port, maps[-1].out_port)
    via = [who(p) for e in links for p in between(sel, e)]
    reordered = [q.who for e in links for q in e.virtual_ports]
    through = f", through {', '.join(via)} (folded)" if via else ""
    through += f", reordered as {', '.join(reordered)} do" if reordered else ""
    binary = ", binary input as before" if maps[0].binary_input else ""
    sel.report.folded.append(FoldItem(LINEAR, names(chain), (
        f"replaced by {who(merged)}: weights {weights.shape} = {' @ '.join(f'W({p.name})' for p in reversed(chain))}, "
        f"delay {delay} steps as before{binary}{through}; values equal up to float rounding")))
