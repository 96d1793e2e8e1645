"""LearningSparse: Sparse synapses whose weights and tags follow a learning rule."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc.learning.connection_process import LearningConnectionProcess, tag_init
from neuroproc.learning.constants import GradedSpikeCfg
from neuroproc.proc.sparse.process import Sparse
from neuroproc.utils.fixed_point import SignMode

__all__ = ["LearningSparse"]


class LearningSparse(LearningConnectionProcess, Sparse):
    """Plastic Sparse synapses (Lava's ``lava.proc.sparse.process.LearningSparse``).

    :class:`~neuroproc.proc.dense.learning_process.LearningDense` on the stored synapses only:
    the sparsity structure is fixed, only stored entries learn.

    Parameters
    ----------
    weights : scipy.sparse matrix or ndarray, shape (n_out, n_in)
        As for Sparse (zeros of a dense array are not synapses).
    learning_rule, graded_spike_cfg, weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for LearningDense.
    tag_1, tag_2 : array_like or scipy.sparse matrix, optional
        Initial tags, read at the synapses of ``weights`` (0 by default).

    Notes
    -----
    Like ``weights``, the Vars ``tag_1`` and ``tag_2`` hold one value per stored synapse, in
    the same (CSC) order -- every synapse has its tags. Lava keeps each tag as a csr matrix of
    its own, so a tag initialised to 0 has no entries there and never learns; here it does.
    """

    def __init__(self, weights, *, learning_rule=None, tag_2=None, tag_1=None,
                 graded_spike_cfg: GradedSpikeCfg = GradedSpikeCfg.USE_REGULAR_IMPULSE, weight_exp: int = 0,
                 num_weight_bits: int = 8, sign_mode: SignMode | None = None, num_message_bits: int = 0,
                 name: str | None = None, **kwargs):
        Sparse.__init__(self, weights, weight_exp=weight_exp, num_weight_bits=num_weight_bits, sign_mode=sign_mode,
                        num_message_bits=num_message_bits, name=name, learning_rule=learning_rule,
                        graded_spike_cfg=graded_spike_cfg, **kwargs)
        n_out, n_in = self.shape
        nnz = self.weights.shape
        self.init_learning(n_out, n_in, learning_rule, graded_spike_cfg, nnz, self._at_synapses("tag_1", tag_1),
                           self._at_synapses("tag_2", tag_2))

    def _at_synapses(self, key: str, value):
        """A tag given as a matrix, read at the stored synapses (CSC order)."""
        if value is None:
            return 0.0
        dense = tag_init(self, key, value.toarray() if sp.issparse(value) else value, self.shape)
        p = self.proc_params
        cols = np.repeat(np.arange(self.shape[1]), np.diff(p["col_ptr"]))
        return np.asarray(dense)[p["rows"].astype(np.int64), cols]

    def tag_csr(self, key: str) -> sp.csr_matrix:
        """``tag_1`` or ``tag_2`` (``key``) as a ``csr_matrix`` in the weights' structure."""
        p = self.proc_params
        return sp.csc_matrix((getattr(self, key).get(), p["rows"].astype(np.int64), p["col_ptr"].copy()),
                             shape=p["shape"]).tocsr()
