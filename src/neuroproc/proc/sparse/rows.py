"""RowBlocks: the weights of a large Sparse made block by block of output rows, on demand.

A network too large for one machine cannot build its weight matrix on every rank. A
``RowBlocks`` describes the matrix instead: ``make(start, stop)`` returns rows ``start:stop`` (Python slice)
(a scipy.sparse matrix of shape ``(stop - start, n_in)``) and must give the same rows however the
range is cut -- draw row ``i``'s synapses from a generator keyed by ``(seed, i)``, or read them
from a file. ``Sparse(RowBlocks(...))`` then builds, under the distributed runtime, only the rows
each rank owns (the partition needs the synapse count of every row, taken in one pass over the
blocks without keeping them); in a single process it builds the whole matrix at once, as if it
had been given as a matrix.

:meth:`RowBlocks.random` is such a generator: every row gets ``Binomial(n_in, p)`` distinct
random inputs and a weight per input from ``weight(pre indices)``.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import as_shape, check_int
from neuroproc.exceptions import ShapeError, ValidationError

__all__ = ["CHUNK", "RowBlocks"]

#: rows drawn together by :meth:`RowBlocks.random` (from one generator per chunk)
CHUNK = 1024


class RowBlocks:
    """A ``(n_out, n_in)`` weight matrix given by rows (see the module docstring).

    Parameters
    ----------
    shape : tuple of int
        ``(n_out, n_in)``.
    make : callable
        ``make(start, stop)`` -> scipy.sparse matrix (or array) of rows ``start:stop`` (Python slice).
    block : int
        Rows made at once when the whole range is walked (counting, building the whole matrix).
    """

    def __init__(self, shape, make: Callable[[int, int], object], block: int = 4096):
        self.shape = as_shape(shape, "RowBlocks.shape")
        if len(self.shape) != 2:
            raise ShapeError(f"RowBlocks.shape: expected (n_out, n_in) (got {self.shape}). "
                             "Pass the shape of the weight matrix.")
        self.make = make
        self.block = check_int(block, "RowBlocks.block", minimum=1)
        self._row_counts: np.ndarray | None = None
        self._before: dict[int, np.ndarray] = {}

    def rows(self, start: int, stop: int) -> sp.csr_matrix:
        """Rows ``start:stop`` (Python slice) as a canonical CSR matrix (duplicates summed, sorted)."""
        m = sp.csr_matrix(self.make(start, stop))
        if m.shape != (stop - start, self.shape[1]):
            raise ShapeError(f"RowBlocks.make({start}, {stop}) returned shape {m.shape}; expected "
                             f"{(stop - start, self.shape[1])}. Return exactly the rows asked for.")
        m.sum_duplicates()
        return m

    def _walk(self, start: int, stop: int):
        for a in range(start, stop, self.block):
            yield a, self.rows(a, min(a + self.block, stop))

    def row_counts(self) -> np.ndarray:
        """Stored entries per row (one pass over the blocks, kept: ``n_out`` integers)."""
        if self._row_counts is None:
            counts = np.zeros(self.shape[0], np.int64)
            for a, m in self._walk(0, self.shape[0]):
                counts[a:a + m.shape[0]] = np.diff(m.indptr)
            self._row_counts = counts
        return self._row_counts

    @property
    def nnz(self) -> int:
        return int(self.row_counts().sum())

    def col_counts(self, start: int, stop: int) -> np.ndarray:
        """Stored entries per column in rows ``start:stop`` (Python slice)."""
        counts = np.zeros(self.shape[1], np.int64)
        for _, m in self._walk(start, stop):
            counts += np.bincount(m.indices, minlength=self.shape[1])
        return counts

    def csc_positions(self, start: int, stop: int, local: sp.csc_matrix) -> np.ndarray:
        """Where the stored values of rows ``start:stop`` (Python slice) (``local``, in its CSC order) sit in
        the CSC order of the whole matrix (by input, then by output)."""
        if start not in self._before:
            self._before[start] = self.col_counts(0, start)
        if "all" not in self._before:
            self._before["all"] = self.col_counts(0, self.shape[0])  # type: ignore[index]
        col_ptr = np.concatenate([[0], np.cumsum(self._before["all"])])  # type: ignore[index]
        first = col_ptr[:-1] + self._before[start]
        cols = np.repeat(np.arange(self.shape[1]), np.diff(local.indptr))
        within = np.arange(local.nnz) - local.indptr[cols]
        return first[cols] + within

    def csc(self, start: int, stop: int) -> sp.csc_matrix:
        """Rows ``start:stop`` (Python slice) in canonical CSC form, built in two passes over the blocks so
        that memory peaks at the result plus one block (no CSR copy, no sort of the whole)."""
        n_in = self.shape[1]
        counts = self.col_counts(start, stop)
        col_ptr = np.zeros(n_in + 1, np.int64)
        np.cumsum(counts, out=col_ptr[1:])
        nnz = int(col_ptr[-1])
        data = np.empty(nnz, np.float64)
        rows = np.empty(nnz, np.int64 if stop - start > np.iinfo(np.int32).max else np.int32)
        fill = col_ptr[:-1].copy()
        for a, m in self._walk(start, stop):
            if m.dtype.kind == "f" and not np.all(np.isfinite(m.data)):
                raise ValidationError(f"RowBlocks.make({a}, ...) returned NaN or inf weights. "
                                      "Return finite numbers.")
            cols = m.indices
            order = np.argsort(cols, kind="stable")  # by column, rows ascending within one
            sorted_cols = cols[order]
            per_col = np.bincount(cols, minlength=n_in)
            first = np.cumsum(per_col) - per_col
            pos = fill[sorted_cols] + np.arange(cols.size) - first[sorted_cols]
            data[pos] = m.data[order]
            rows[pos] = np.repeat(np.arange(a - start, a - start + m.shape[0]), np.diff(m.indptr))[order]
            fill += per_col
        out = sp.csc_matrix((data, rows, col_ptr), shape=(stop - start, n_in), copy=False)
        out.has_sorted_indices = True
        return out

    def tocsc(self) -> sp.csc_matrix:
        """The whole matrix (a single process has no smaller part to build)."""
        return self.csc(0, self.shape[0])

    @classmethod
    def random(cls, shape, p: float, seed: int, weight: Callable[[np.ndarray], np.ndarray],
               block: int = 4096) -> RowBlocks:
        """Random connectivity keyed by ``(seed, chunk)``: the rows of each aligned chunk of
        :data:`CHUNK` rows are drawn together from ``np.random.default_rng([seed, chunk])`` (so
        any range gives the same rows): every row ``Binomial(n_in, p)`` inputs drawn uniformly,
        duplicates dropped; ``weight(pre)`` gives the weights of synapses from inputs ``pre``."""
        n_out, n_in = as_shape(shape, "RowBlocks.shape")

        def chunk(c: int) -> sp.csr_matrix:
            lo, hi = c * CHUNK, min((c + 1) * CHUNK, n_out)
            rng = np.random.default_rng([seed, c])
            k = rng.binomial(n_in, p, size=hi - lo)
            key = np.repeat(np.arange(hi - lo, dtype=np.int64), k) * n_in \
                + rng.integers(0, n_in, size=int(k.sum()), dtype=np.int64)
            key = np.unique(key)
            row, pre = key // n_in, key % n_in
            ptr = np.zeros(hi - lo + 1, np.int64)
            np.cumsum(np.bincount(row, minlength=hi - lo), out=ptr[1:])
            return sp.csr_matrix((np.asarray(weight(pre), dtype=np.float64), pre, ptr), shape=(hi - lo, n_in))

        def make(start: int, stop: int) -> sp.csr_matrix:
            parts = [chunk(c) for c in range(start // CHUNK, (stop - 1) // CHUNK + 1)] if stop > start else []
            if not parts:
                return sp.csr_matrix((0, n_in))
            first = (start // CHUNK) * CHUNK
            return sp.vstack(parts, format="csr")[start - first:stop - first]

        return cls((n_out, n_in), make, block)
