"""Sparse: synapses given as a scipy.sparse matrix; same behaviour as Dense, never densified."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.proc.dense.process import check_connection_params
from neuroproc.process import AbstractProcess
from neuroproc.utils.fixed_point import SignMode
from neuroproc.variable import Var

__all__ = ["Sparse"]


class Sparse(AbstractProcess):
    r"""Sparse synapses (Lava's ``lava.proc.sparse.process.Sparse``).

    Behaves like :class:`~neuroproc.proc.dense.process.Dense` -- one-step delay,
    ``a_buff[t] = W s_in[t]``, the same bit-accurate weight conversion and ``weight_exp`` -- but
    only the stored entries of ``W`` exist. Binary spikes touch only the synapses of active
    inputs (through a column-ordered index of the CSR structure); graded spikes use the CSR
    product.

    Parameters
    ----------
    weights : scipy.sparse matrix or ndarray, shape (n_out, n_in)
        Converted to canonical CSR (sorted indices, duplicates summed). The sparsity structure
        is fixed at construction; explicit zeros are kept as synapses.
    weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for ``Dense``.

    Notes
    -----
    Vars: ``weights`` holds the *stored values* (shape ``(nnz,)``, in CSR order), because a
    Var holds arrays; :meth:`weights_csr` returns the current weights as a ``csr_matrix``.
    ``a_buff`` (n_out,), ``num_message_bits`` (1,). Ports: ``s_in`` (n_in,), ``a_out`` (n_out,).
    A matrix without stored entries gets one explicit zero, so that ``weights`` is never empty.
    """

    def __init__(self, weights, *, weight_exp: int = 0, num_weight_bits: int = 8,
                 sign_mode: SignMode | None = None, num_message_bits: int = 0,
                 name: str | None = None, **kwargs):
        super().__init__(weight_exp=weight_exp, num_weight_bits=num_weight_bits,
                         sign_mode=sign_mode, num_message_bits=num_message_bits, name=name, **kwargs)
        csr = _canonical_csr(self, weights)
        check_connection_params(self, weight_exp, num_weight_bits, sign_mode, num_message_bits)
        self.proc_params.overwrite("sign_mode", None if sign_mode is None else SignMode(int(sign_mode)))
        # The structure goes to the models as parameters; the values live in the weights Var.
        self.proc_params["shape"] = csr.shape
        self.proc_params["indices"] = csr.indices
        self.proc_params["indptr"] = csr.indptr
        n_out, n_in = csr.shape
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n_out,))
        self.weights = Var(shape=(csr.nnz,), init=csr.data)
        self.a_buff = Var(shape=(n_out,), init=0)
        self.num_message_bits = Var(shape=(1,), init=num_message_bits)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_out, n_in)`` of the weight matrix."""
        return self.proc_params["shape"]

    def weights_csr(self) -> sp.csr_matrix:
        """The current weights (``weights.get()`` in the fixed structure) as a ``csr_matrix``."""
        p = self.proc_params
        return sp.csr_matrix((self.weights.get(), p["indices"].copy(), p["indptr"].copy()),
                             shape=p["shape"])


def _canonical_csr(owner, weights) -> sp.csr_matrix:
    if sp.issparse(weights):
        csr = sp.csr_matrix(weights, copy=True)
    else:
        try:
            arr = np.asarray(weights)
        except Exception as exc:
            raise ValidationError(f"{who(owner, 'weights')}: expected a scipy.sparse matrix "
                                  f"(got {short_repr(weights)}). Pass e.g. scipy.sparse.csr_matrix(w).") from exc
        if arr.ndim != 2:
            raise ShapeError(f"{who(owner, 'weights')}: expected a 2-D matrix of shape (n_out, n_in) "
                             f"(got shape {arr.shape}). Pass a scipy.sparse matrix.")
        if arr.dtype.kind not in "iuf":
            raise ValidationError(f"{who(owner, 'weights')}: expected numbers (got dtype {arr.dtype}). "
                                  "Pass a scipy.sparse matrix of ints or floats.")
        csr = sp.csr_matrix(arr)
    if csr.ndim != 2 or 0 in csr.shape:
        raise ShapeError(f"{who(owner, 'weights')}: expected a non-empty 2-D matrix (got shape "
                         f"{csr.shape}). Pass a matrix of shape (n_out, n_in).")
    if csr.dtype.kind not in "iuf":
        raise ValidationError(f"{who(owner, 'weights')}: expected numbers (got dtype {csr.dtype}). "
                              "Pass a matrix of ints or floats.")
    csr.sum_duplicates()
    csr.sort_indices()
    if csr.dtype.kind == "f" and not np.all(np.isfinite(csr.data)):
        raise ValidationError(f"{who(owner, 'weights')}: weights must be finite (got "
                              f"{int(np.sum(~np.isfinite(csr.data)))} NaN or inf). Pass finite numbers.")
    if csr.nnz == 0:
        csr = sp.csr_matrix((np.zeros(1, csr.dtype), (np.array([0]), np.array([0]))), shape=csr.shape)
    csr.indices = csr.indices.astype(np.int64)
    csr.indptr = csr.indptr.astype(np.int64)
    return csr
