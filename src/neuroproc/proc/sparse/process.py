"""Sparse: synapses given as a scipy.sparse matrix; same behaviour as Dense, never densified."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.proc.dense.process import check_connection_params, check_delays, check_max_delay
from neuroproc.process import AbstractProcess
from neuroproc.utils.fixed_point import SignMode
from neuroproc.variable import Var

__all__ = ["DelaySparse", "Sparse"]


class Sparse(AbstractProcess):
    r"""Sparse synapses (Lava's ``lava.proc.sparse.process.Sparse``).

    Behaves like :class:`~neuroproc.proc.dense.process.Dense` -- one-step delay,
    ``a_buff[t] = W s_in[t]``, the same bit-accurate weight conversion and ``weight_exp`` -- but
    only the stored entries of ``W`` exist, kept once, pre-major: the outgoing synapses of each
    input are contiguous, so a step touches only the synapses of active inputs.

    Parameters
    ----------
    weights : scipy.sparse matrix or ndarray, shape (n_out, n_in)
        Copied into canonical compressed-column (CSC) form: duplicates summed, row indices
        sorted within each column. The sparsity structure is fixed at construction; explicit
        zeros are kept as synapses.
    weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for ``Dense``.

    Notes
    -----
    Vars: ``weights`` holds the *stored values* (shape ``(nnz,)``) in CSC order -- by input,
    then by output -- because a Var holds arrays; :meth:`weights_csr` returns the current
    weights as a ``csr_matrix``. ``a_buff`` (n_out,), ``num_message_bits`` (1,). Ports: ``s_in``
    (n_in,), ``a_out`` (n_out,). The structure is in ``proc_params``: ``rows`` (the output of
    each stored value, the narrowest unsigned dtype that holds ``n_out - 1``) and ``col_ptr``
    (int64, where each input's synapses start). A matrix without stored entries gets one
    explicit zero, so that ``weights`` is never empty.

    Memory: the values (plus 2 or 4 bytes of row index each) exist once; the models use the
    same arrays, so a float64 network needs about 10 bytes per synapse.
    """

    def __init__(self, weights, *, weight_exp: int = 0, num_weight_bits: int = 8,
                 sign_mode: SignMode | None = None, num_message_bits: int = 0,
                 name: str | None = None, **kwargs):
        super().__init__(weight_exp=weight_exp, num_weight_bits=num_weight_bits,
                         sign_mode=sign_mode, num_message_bits=num_message_bits, name=name, **kwargs)
        csc = _canonical_csc(self, weights)
        check_connection_params(self, weight_exp, num_weight_bits, sign_mode, num_message_bits)
        self.proc_params.overwrite("sign_mode", None if sign_mode is None else SignMode(int(sign_mode)))
        n_out, n_in = csc.shape
        # The structure goes to the models as parameters; the values live in the weights Var.
        self.proc_params["shape"] = csc.shape
        self.proc_params["rows"] = csc.indices.astype(_row_dtype(n_out))
        self.proc_params["col_ptr"] = csc.indptr.astype(np.int64)
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n_out,))
        self.weights = Var(shape=(csc.nnz,), init=0)
        self.weights.init = csc.data  # our own copy already (made by _canonical_csc): not a second one
        self.a_buff = Var(shape=(n_out,), init=0)
        # the models choose binary or graded arithmetic (and the compiled kernel) when built
        self.num_message_bits = Var(shape=(1,), init=num_message_bits, fixed_after_compile=True)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_out, n_in)`` of the weight matrix."""
        return self.proc_params["shape"]

    def weights_csr(self) -> sp.csr_matrix:
        """The current weights (``weights.get()`` in the fixed structure) as a ``csr_matrix``."""
        p = self.proc_params
        csc = sp.csc_matrix((self.weights.get(), p["rows"].astype(np.int64), p["col_ptr"].copy()),
                            shape=p["shape"])
        return csc.tocsr()


class DelaySparse(Sparse):
    r"""Sparse synapses with a delay per synapse (Lava's ``lava.proc.sparse.process.DelaySparse``).

    Behaves like :class:`~neuroproc.proc.dense.process.DelayDense` (a spike through a synapse of
    delay ``d`` arrives ``1 + d`` steps later; ``a_buff`` is (n_out, max_delay + 1)) with the
    storage of :class:`Sparse`: only the stored entries of ``weights`` are synapses.

    Parameters
    ----------
    weights : scipy.sparse matrix or ndarray, shape (n_out, n_in)
        As for :class:`Sparse`.
    delays : int, ndarray or scipy.sparse matrix, shape (n_out, n_in)
        The delay of each synapse (>= 0); entries of a sparse matrix that it does not store are
        0, entries where ``weights`` stores nothing are ignored.
    max_delay : int
        As for ``DelayDense``: 0 takes the largest value in ``delays``.
    weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for :class:`Sparse`.

    Notes
    -----
    Vars: ``weights`` and ``delays`` hold the values of the stored synapses (shape ``(nnz,)``, CSC
    order, see :class:`Sparse`); :meth:`delays_csr` returns the delays as a ``csr_matrix``.
    ``a_buff`` (n_out, max_delay + 1), ``num_message_bits`` (1,). Ports: ``s_in`` (n_in,),
    ``a_out`` (n_out,).
    """

    def __init__(self, weights, *, delays, max_delay: int = 0, name: str | None = None, **kwargs):
        label = f"{name or 'DelaySparse'}::{type(self).__name__}"
        shape = tuple(weights.shape) if sp.issparse(weights) else np.shape(weights)
        if sp.issparse(delays):
            if tuple(delays.shape) != shape:
                raise ValidationError(f"{label}.delays: expected shape {shape} (got {delays.shape}). "
                                      "Pass delays of the weights' shape.")
            full = delays.tocsr()
            top = int(full.max()) if full.nnz else 0
            if full.nnz and full.min() < 0:
                check_delays(label, shape, np.array(-1))
        else:
            full = check_delays(label, shape, delays)
            top = int(full.max())
        max_delay = check_max_delay(label, max_delay, np.array([top]))
        super().__init__(weights, name=name, max_delay=max_delay, **kwargs)
        p = self.proc_params
        cols = np.repeat(np.arange(shape[1]), np.diff(p["col_ptr"]))
        rows = p["rows"].astype(np.int64)
        stored = np.asarray(full[rows, cols]).ravel() if sp.issparse(full) else full[rows, cols]
        self.delays = Var(shape=(len(rows),), init=0)
        self.delays.init = np.ascontiguousarray(stored, dtype=np.int64)
        self.a_buff = Var(shape=(shape[0], max_delay + 1), init=0)

    def delays_csr(self) -> sp.csr_matrix:
        """The current delays (``delays.get()`` in the fixed structure) as a ``csr_matrix``."""
        p = self.proc_params
        csc = sp.csc_matrix((self.delays.get(), p["rows"].astype(np.int64), p["col_ptr"].copy()),
                            shape=p["shape"])
        return csc.tocsr()


def _row_dtype(n_out: int) -> np.dtype:
    """The narrowest unsigned dtype for output indices below ``n_out``: less memory per synapse."""
    for dt in (np.uint16, np.uint32):
        if n_out - 1 <= np.iinfo(dt).max:
            return np.dtype(dt)
    return np.dtype(np.uint64)


def _canonical_csc(owner, weights) -> sp.csc_matrix:
    """A canonical CSC copy of ``weights`` (never sharing the caller's arrays)."""
    if sp.issparse(weights):
        csc = weights.tocsc(copy=True)
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
        csc = sp.csc_matrix(arr)
    if csc.ndim != 2 or 0 in csc.shape:
        raise ShapeError(f"{who(owner, 'weights')}: expected a non-empty 2-D matrix (got shape "
                         f"{csc.shape}). Pass a matrix of shape (n_out, n_in).")
    if csc.dtype.kind not in "iuf":
        raise ValidationError(f"{who(owner, 'weights')}: expected numbers (got dtype {csc.dtype}). "
                              "Pass a matrix of ints or floats.")
    csc.sum_duplicates()  # also sorts the row indices of every column
    if csc.dtype.kind == "f" and not np.all(np.isfinite(csc.data)):
        raise ValidationError(f"{who(owner, 'weights')}: weights must be finite (got "
                              f"{int(np.sum(~np.isfinite(csc.data)))} NaN or inf). Pass finite numbers.")
    if csc.nnz == 0:
        csc = sp.csc_matrix((np.zeros(1, csc.dtype), (np.array([0]), np.array([0]))), shape=csc.shape)
    if not csc.data.flags.c_contiguous:
        csc.data = np.ascontiguousarray(csc.data)
    return csc


from neuroproc.proc.sparse.learning_process import LearningSparse  # noqa: E402  (built on Sparse)

__all__ = sorted([*__all__, "LearningSparse"])
