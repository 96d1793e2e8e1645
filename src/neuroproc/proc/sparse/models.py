"""Sparse models: floating point (``floating_pt``) and bit-accurate (``bit_accurate_loihi``,
``fixed_pt``).

They reuse the Dense step (send the previous ``a_buff``, receive, accumulate; the bit-accurate
weight conversion and ``weight_exp``) and replace only ``accumulate``, which walks the sparse
structure instead of a dense matrix.

Summation order. Every output adds its active synapses one after the other, in increasing
input index, starting from 0: binary spikes add the weights, graded spikes ``weight * s_in`` (the
order of scipy's CSC and CSR products alike). Dense (``W[:, s].sum(axis=1)``, as in Lava) adds
the same active columns in the same sequential order, its extra terms being the zeros of absent
synapses, and ``x + 0.0 == x``: so float Sparse equals float Dense bit for bit for binary spikes
(up to the sign of a zero sum) -- except for a single output row, which numpy sums pairwise.
Graded float Dense adds four fused partial sums per output (neuroproc.proc.dense._graded_kernels,
Lava's BLAS order), so float results may differ by rounding there. The bit-accurate models add
integers and are always identical.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc.compiler.linear_map import LinearMap
from neuroproc.decorators import implements, requires, tag
from neuroproc.proc.dense.models import (
    AbstractPyDelayModel,
    AbstractPyDenseModel,
    AbstractPyDenseModelBitAcc,
    BitAccConnectionTypes,
    BitAccDelayTypes,
    FloatConnectionTypes,
    FloatDelayTypes,
    delay_linear_map,
    float_linear_map,
)
from neuroproc.proc.sparse._active import active_sum
from neuroproc.proc.sparse.process import DelaySparse, Sparse, _row_dtype
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = [
    "AbstractPyDelaySparseModel",
    "AbstractPySparseModel",
    "PyDelaySparseModelBitAcc",
    "PyDelaySparseModelFloat",
    "PySparseModelBitAcc",
    "PySparseModelFloat",
]


class AbstractPySparseModel(AbstractPyDenseModel):
    """Accumulation over the pre-major (CSC) structure; ``weights`` holds the stored values.

    The structure arrays are the Process's own (``proc_params``), not copies. A binary step
    gathers only the synapses of active inputs: O(active synapses), never O(n_out * n_in).
    """

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        p = self.proc_params
        self.shape = tuple(p["shape"])
        #: output of each stored value, and where each input's synapses start (shared, read only)
        self.rows = p["rows"]
        self.col_ptr = p["col_ptr"]
        self._csc = None

    @classmethod
    def partition(cls, proc):
        """Partition hook (distributed runtime): rows (outputs) split as for Dense; a rank keeps the
        stored values of its rows, in their CSC order (by input, then by output), and a local
        structure (``rows`` shifted to the range, ``col_ptr`` counted over the kept values)."""
        from neuroproc.runtime.distributed.hooks import Part, PartitionSpec

        p = proc.proc_params
        fixed = cls.split_params(proc)
        if p.get("row_blocks") is not None:
            return _by_rows(p["row_blocks"], fixed)
        n_out, n_in = p["shape"]
        rows_all, col_ptr = p["rows"], p["col_ptr"]

        def keep(start, stop):
            return (rows_all >= start) & (rows_all < stop)

        def positions(start, stop):
            return np.flatnonzero(keep(start, stop))

        def params(start, stop):
            kept = keep(start, stop)
            ptr = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])[col_ptr]
            return {"shape": (stop - start, n_in), "rows": (rows_all[kept] - start).astype(rows_all.dtype),
                    "col_ptr": ptr.astype(np.int64), **fixed}

        rows = Part(0, 1)
        return PartitionSpec(units=n_out, members={"weights": Part(0, 1, positions), "a_buff": rows,
                                                   "a_out": rows},
                             cost=np.bincount(rows_all, minlength=n_out).astype(np.float64),
                             align="a_out", delayed=("s_in",), params=params)

    @classmethod
    def linear_matrix(cls, proc) -> sp.csc_matrix:
        p = proc.proc_params
        return sp.csc_matrix((np.asarray(proc.weights._host_value(), dtype=np.float64), p["rows"], p["col_ptr"]),
                             shape=p["shape"])

    def csc(self) -> sp.csc_matrix:
        """A csc_matrix that shares the ``weights`` buffer (rebuilt if the buffer changed)."""
        if self._csc is None or self._csc.data is not self.weights:
            self._csc = sp.csc_matrix((self.weights, self.rows, self.col_ptr), shape=self.shape,
                                      copy=False)
            if self._csc.data is not self.weights:  # scipy copied (dtype): keep it in sync by hand
                self._csc.data = self.weights
        return self._csc

    def accumulate(self, s_in: np.ndarray) -> np.ndarray:
        if self.num_message_bits[0] > 0:
            return self.csc() @ s_in
        return self._from_float_sum(active_sum(self.weights, self.rows, self.col_ptr, self.shape[0], s_in))

    def _from_float_sum(self, acc: np.ndarray) -> np.ndarray:
        return acc


def _by_rows(blocks, fixed: dict):
    """Partition of a Sparse built from RowBlocks: each rank makes its own rows, in CSC order."""
    from neuroproc.runtime.distributed.hooks import Part, PartitionSpec

    n_out, n_in = blocks.shape
    made: dict = {}

    def local(start, stop):
        if (start, stop) not in made:
            made.clear()  # one range per rank: keep one block
            made[(start, stop)] = blocks.csc(start, stop)
        return made[(start, stop)]

    def params(start, stop):
        csc = local(start, stop)
        return {"shape": (stop - start, n_in), "rows": csc.indices.astype(_row_dtype(n_out)),
                "col_ptr": csc.indptr.astype(np.int64), "row_blocks": None, **fixed}

    def positions(start, stop):
        return blocks.csc_positions(start, stop, local(start, stop))

    rows = Part(0, 1)
    return PartitionSpec(units=n_out, members={"weights": Part(0, 1, positions), "a_buff": rows, "a_out": rows},
                         cost=blocks.row_counts().astype(np.float64), align="a_out", delayed=("s_in",), params=params,
                         inits=lambda start, stop: {"weights": local(start, stop).data})


@implements(proc=Sparse, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PySparseModelFloat(FloatConnectionTypes, AbstractPySparseModel):
    """Float Sparse (tag ``floating_pt``): float64 weights, ``a_buff`` and ``a_out``.

    Ignores ``weight_exp``, ``num_weight_bits`` and ``sign_mode``.
    """

    @classmethod
    def graded_linear_map(cls, proc) -> LinearMap | None:
        return float_linear_map(cls, proc)

    def kernel(self):
        from neuroproc.proc.sparse._kernels import float_spec

        return float_spec(self)


@implements(proc=Sparse, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PySparseModelBitAcc(BitAccConnectionTypes, AbstractPySparseModel,
                          AbstractPyDenseModelBitAcc):
    """Bit-accurate Sparse (tags ``bit_accurate_loihi``, ``fixed_pt``); equals the bit-accurate
    Dense on the same weights, bit for bit.

    The stored values are converted once on the first step, like Dense's (the sign mode comes
    from the stored values, which gives the same mode as the dense matrix with its zeros).
    Binary accumulation sums the int32 weights in float64, exact below 2**53 (more than 4
    million inputs at the largest int32 weight), and returns int64 like Dense's sum.
    """

    def kernel(self):
        from neuroproc.proc.sparse._kernels import bitacc_spec

        return bitacc_spec(self)

    def _from_float_sum(self, acc: np.ndarray) -> np.ndarray:
        return acc.astype(np.int64)


class AbstractPyDelaySparseModel(AbstractPyDelayModel, AbstractPySparseModel):
    """DelaySparse accumulation: per output and delay, the stored synapses of the active inputs
    added one after the other in increasing input order from 0 -- the order of Lava's
    ``csr_matrix.dot`` on its per-delay blocks -- in float64 (float model) or in the weights'
    int32 with wrap-around (bit-accurate: scipy sums int32 matrices in int32)."""

    @staticmethod
    def get_delay_wgts_mat(weights, delays, max_delay: int) -> sp.csr_matrix:
        """Lava's layout of the weights by delay (see ``AbstractPyDelayDenseModel``) for sparse
        ``weights`` and ``delays`` (a stored synapse without a stored delay has delay 0)."""
        w = sp.csr_matrix(weights)
        d = sp.csr_matrix(w.shape, dtype=np.int64) + sp.csr_matrix(delays)
        coo = w.tocoo()
        dk = np.asarray(d[coo.row, coo.col]).ravel() if coo.nnz else np.zeros(0, np.int64)
        blocks = [sp.csr_matrix((coo.data * (dk == k), (coo.row, coo.col)), shape=w.shape)
                  for k in range(max_delay + 1)]
        out = sp.vstack(blocks, format="csr")
        out.eliminate_zeros()
        return out

    def accumulate(self, s_in: np.ndarray) -> np.ndarray:
        s = self._spikes(s_in)
        cols = self.a_buff.shape[1]
        acc = np.zeros((self.shape[0], cols), dtype=np.result_type(self.weights.dtype, s.dtype))
        active = np.flatnonzero(s)
        starts = self.col_ptr[active]
        counts = self.col_ptr[active + 1] - starts
        pos = np.arange(int(counts.sum())) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
        inputs = np.repeat(active, counts)
        keep = self.delays[pos] < cols  # delays beyond max_delay never arrive, as in Lava
        pos, inputs = pos[keep], inputs[keep]
        np.add.at(acc, (self.rows[pos], self.delays[pos]), (self.weights[pos] * s[inputs]).astype(acc.dtype))
        return acc


@implements(proc=DelaySparse, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyDelaySparseModelFloat(FloatDelayTypes, AbstractPyDelaySparseModel):
    """Float DelaySparse (tag ``floating_pt``): float64 weights and ``a_buff``, int delays."""

    @classmethod
    def graded_linear_map(cls, proc) -> LinearMap | None:
        return delay_linear_map(cls, proc)

    def kernel(self):
        from neuroproc.proc.dense._delay_kernels import delay_sparse_spec

        return delay_sparse_spec(self, bitacc=False)


@implements(proc=DelaySparse, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyDelaySparseModelBitAcc(BitAccDelayTypes, AbstractPyDenseModelBitAcc, AbstractPyDelaySparseModel):
    """Bit-accurate DelaySparse (tags ``bit_accurate_loihi``, ``fixed_pt``): Dense's weight
    conversion of the stored values, delays of at most 63 steps, int32 sums that wrap, scaled
    by ``2**weight_exp``."""

    max_delay_allowed = 63

    def kernel(self):
        from neuroproc.proc.dense._delay_kernels import delay_sparse_spec

        return delay_sparse_spec(self, bitacc=True)


from neuroproc.proc.sparse.learning_models import (  # noqa: E402  (built on the models above)
    PyLearningSparseModelBitApproximate,
    PyLearningSparseModelFloat,
)

__all__ = sorted([*__all__, "PyLearningSparseModelBitApproximate", "PyLearningSparseModelFloat"])
