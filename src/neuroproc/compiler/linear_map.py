"""The linear-map hook: how a model tells the fold stage "I am ``a_out = W s_in``, ``delay`` steps later".

A model class may define a classmethod ``linear_map(proc)``. The fold stage
(:mod:`neuroproc.compiler.fold`) calls it for every selected leaf and, with
``RunConfig(fold='linear')``, merges chains of leaves that answer with a :class:`LinearMap`
(joined directly, through folded identities or reordering ports) into one Process with the
product of their matrices and the sum of their delays (:mod:`~neuroproc.compiler.fold_linear`),
merges parallel ones into one with the sum of their matrices
(:mod:`~neuroproc.compiler.fold_sum`), and removes all-zero ones
(:mod:`~neuroproc.compiler.fold_zero`, also under ``'exact'`` where bit-identical). The answer is one of:

``None``
    The process is not a linear map (a neuron, a source): it is not a candidate at all.
:class:`LinearMap` with ``refused`` set
    The process connects ``in_port`` to ``out_port`` linearly, but its present configuration
    does not compose with others, and ``refused`` says why (fixed-point weights, per-synapse
    delays that differ). The fold report lists its chain as refused with this reason.
:class:`LinearMap`
    The process sends ``matrix @ s.ravel()`` of what ``in_port`` received ``delay`` steps
    earlier, on ``out_port``, in float64, for graded input values; its first ``delay`` messages
    are the rows of ``pending``. With ``binary_input`` the map is ``matrix @ (s != 0)`` (binary
    spikes: every non-zero input counts as 1); such a map may head a merged chain, and its
    factory is then called with ``binary_input=True`` (a factory that does not take it keeps the
    chain unmerged, with the reason in the report). ``matrix`` may be a function of no argument
    that builds it, called only when a fold needs it, with ``values`` the stored weights (any
    shape) for the all-zero check (see :mod:`~neuroproc.compiler.fold_zero`). ``merge`` builds
    the Process that replaces a merged chain or sum (the head's, or the first member's, is
    used): the fold stage instantiates only what a declaring model names, never a class of its
    own choosing. The merged Process has an in-port named as the head's ``in_port`` and an
    out-port named as the tail's ``out_port``.

The Dense, Sparse, DelayDense, DelaySparse and Conv models declare it; any user model can.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["LinearMap", "MergeFactory", "chain_pipeline", "chain_product", "dense_matrix", "is_zero_map",
           "stored_values"]

#: ``merge(weights, delay, pipeline, name, in_shape, out_shape) -> (process, model class)``
MergeFactory = Callable[..., tuple]


@dataclass(frozen=True)
class LinearMap:
    """What a linear connection declares (see the module docstring)."""

    in_port: str
    out_port: str
    #: (n_out, n_in) over the flattened ports: an ndarray or a scipy.sparse matrix, or a function
    #: of no argument that returns one (called only when a fold needs the matrix: building a
    #: large sparse matrix costs memory)
    matrix: Any = None
    #: the builder of the merged chain's Process and its model class
    merge: MergeFactory | None = None
    #: steps from input to output (a Dense: 1)
    delay: int = 1
    #: (delay, n_out): what is sent in the first ``delay`` steps; zeros when None
    pending: np.ndarray | None = None
    #: non-empty: linear, but not to be merged, for this reason
    refused: str = ""
    #: True: the map is ``matrix @ (s != 0)`` -- binary spikes, each non-zero input counts as 1
    binary_input: bool = False
    #: the stored weight values, any shape, for the all-zero check without building the matrix
    #: (None: the matrix's values)
    values: Any = None

    def weights(self):
        """The matrix (calls ``matrix`` when it is a function)."""
        return self.matrix() if callable(self.matrix) else self.matrix


def dense_matrix(m) -> np.ndarray:
    """``m`` (an ndarray or a scipy.sparse matrix) as a dense float64 array."""
    return m.toarray().astype(np.float64) if sp.issparse(m) else np.asarray(m, dtype=np.float64)


def stored_values(m: LinearMap) -> np.ndarray:
    """The weights ``m`` stores: ``values``, else the (sparse) matrix's stored values."""
    if m.values is not None:
        return np.asarray(m.values)
    w = m.weights()
    return w.data if sp.issparse(w) else np.asarray(w)


def is_zero_map(m: LinearMap) -> bool:
    """True when ``m`` sends nothing but zeros: every weight and every pending message is 0."""
    if m.refused or m.matrix is None:
        return False
    data = stored_values(m)
    return not np.any(data) and (m.pending is None or not np.any(m.pending))


def chain_product(maps: list[LinearMap]) -> np.ndarray:
    """The product of the chain's weight matrices in float64, multiplied from the input side
    (``W_2 @ W_1`` for two maps)."""
    weights = dense_matrix(maps[0].weights())
    for m in maps[1:]:
        weights = dense_matrix(m.weights()) @ weights
    return weights


def chain_pipeline(maps: list[LinearMap]) -> np.ndarray:
    """What the chain sends in its first ``sum(delay)`` steps: each map's pending messages carried
    through the rest of the chain as the maps themselves would (``W @ v``, map after map)."""
    total = sum(m.delay for m in maps)
    matrices = [dense_matrix(m.weights()) for m in maps]
    n_out = matrices[-1].shape[0]

    def pending(m: LinearMap, step: int) -> np.ndarray:
        if m.pending is None:
            return np.zeros(matrices[maps.index(m)].shape[0])
        return np.asarray(m.pending[step - 1], dtype=np.float64)

    def out(i: int, step: int) -> np.ndarray:
        """What map ``i`` sends at ``step`` (<= total), from pending values only."""
        m = maps[i]
        if step <= m.delay:
            return pending(m, step)
        return matrices[i].dot(out(i - 1, step - m.delay))

    rows = np.zeros((total, n_out))
    for step in range(1, total + 1):
        rows[step % total] = out(len(maps) - 1, step)
    return rows
