"""The partition stage and the per-rank pieces, without MPI (pure functions over the flat graph)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi1SimCfg, Monitor
from neuroproc.compiler import collect, flatten, fold, select
from neuroproc.exceptions import CompilationError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.models import PySparseModelFloat
from neuroproc.proc.sparse.process import Sparse
from neuroproc.proc.sparse.rows import CHUNK, RowBlocks
from neuroproc.runtime.distributed import Part, balanced_cuts, partition
from neuroproc.runtime.distributed.partition import local_shape, place, take
from neuroproc.utils.fixed_point import SignMode


def _flat(proc, tag="floating_pt"):
    return flatten(fold(select(collect(proc), Loihi1SimCfg(select_tag=tag))))


@pytest.mark.parametrize("ranks", [1, 2, 3, 4, 7])
def test_balanced_cuts_tile_the_units_with_about_equal_cost(ranks):
    rng = np.random.default_rng(ranks)
    costs = rng.integers(1, 50, 500).astype(float)
    cuts = balanced_cuts(costs, ranks)
    assert cuts[0] == 0 and cuts[-1] == 500 and all(a <= b for a, b in zip(cuts, cuts[1:]))
    sums = [costs[a:b].sum() for a, b in zip(cuts, cuts[1:])]
    assert max(sums) - min(sums) <= 2 * costs.max()  # each cut is off by less than one unit


@pytest.mark.parametrize("n,ranks", [(2, 2), (3, 2), (3, 3), (5, 4), (2, 4), (9, 8)])
def test_no_range_holds_a_single_unit_of_several(n, ranks):
    cuts = balanced_cuts(np.ones(n), ranks)
    sizes = [b - a for a, b in zip(cuts, cuts[1:])]
    assert sum(sizes) == n and 1 not in sizes and all(s >= 0 for s in sizes)


def test_connection_takes_the_ranges_of_the_population_it_feeds():
    n = 100
    w = np.zeros((n, n))
    w[:10] = 1.0  # neurons 0..9 receive all the synapses: they cost far more
    lif = LIF(shape=(n,), name="lif")
    dense = Sparse(sp.csr_matrix(w), name="dense")
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    mon = Monitor()
    mon.probe(lif.v, 5)
    layout = partition(_flat(lif), 2)
    lif_cuts = layout.cuts[id(lif)]
    assert layout.cuts[id(dense)] == lif_cuts
    # cost = 1 per neuron + its synapses (100 for rows 0..9): the first rank gets few neurons
    assert 3 <= lif_cuts[1] <= 12
    dense_lif = LIF(shape=(n,))
    full = Dense(w)  # a Dense row costs its n_in weights, zero or not: equal halves
    dense_lif.s_out.connect(full.s_in)
    full.a_out.connect(dense_lif.a_in)
    assert partition(_flat(dense_lif), 2).cuts[id(dense_lif)] == [0, 50, 100]
    assert layout.range_of(mon, 1) == (lif_cuts[1], n)
    part, _ = layout.split(mon, f"data_{0}")
    assert part.axis == 1  # the recording (num_steps, n) follows v along its second axis
    assert layout.split(lif, "du") is None  # a shared parameter stays whole


def test_pinned_partition_option():
    lif = LIF(shape=(10,), name="pinned")
    dense = Dense(np.ones((10, 10)), name="d")
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    layout = partition(_flat(lif), 3, {"pinned": [0, 2, 2, 10]})
    assert layout.cuts[id(lif)] == [0, 2, 2, 10] == layout.cuts[id(dense)]
    layout = partition(_flat(lif), 3, {"pinned": 1})
    assert layout.range_of(lif, 0) == (0, 0) and layout.range_of(lif, 1) == (0, 10)
    with pytest.raises(CompilationError, match="expected 4 increasing boundaries"):
        partition(_flat(lif), 3, {"pinned": [0, 5, 10]})


def test_take_and_place_are_inverse():
    rng = np.random.default_rng(3)
    value = rng.normal(size=(4, 6, 5))
    part = Part(1, 1)
    cuts = [0, 2, 2, 6]
    pieces = [take(value, part, a, b) for a, b in zip(cuts, cuts[1:])]
    assert [p.shape for p in pieces] == [local_shape(value.shape, part, a, b) for a, b in zip(cuts, cuts[1:])]
    assert np.array_equal(place(pieces, part, cuts, value.shape, value.dtype), value)


def test_sparse_part_keeps_each_ranks_rows_in_csc_order():
    w = sp.random(30, 20, density=0.3, random_state=5, format="csr")
    conn = Sparse(w, name="s")
    spec = PySparseModelFloat.partition(conn)
    csc = w.tocsc()
    for a, b in [(0, 11), (11, 30)]:
        local = spec.params(a, b)
        got = sp.csc_matrix((take(conn.weights.init, spec.members["weights"], a, b), local["rows"], local["col_ptr"]),
                            shape=local["shape"])
        assert (got != csc[a:b]).nnz == 0
    assert np.array_equal(spec.unit_costs(), np.diff(w.indptr).astype(float))


def test_bit_accurate_split_keeps_the_sign_mode_of_the_whole_matrix():
    from neuroproc.proc.dense.models import PyDenseModelBitAcc

    w = np.array([[5, 6], [7, -8]])  # the first row alone would look excitatory
    spec = PyDenseModelBitAcc.partition(Dense(w))
    assert spec.params(0, 1) == {"sign_mode": SignMode.MIXED}
    spec = PyDenseModelBitAcc.partition(Dense(w, sign_mode=SignMode.MIXED))
    assert spec.params(0, 1) == {}


def test_float_graded_dense_is_not_split():
    from neuroproc.proc.dense.models import PyDenseModelFloat

    assert PyDenseModelFloat.partition(Dense(np.ones((3, 3)), num_message_bits=8)) is None
    assert PyDenseModelFloat.partition(Dense(np.ones((3, 3)))) is not None


def test_row_blocks_give_the_same_rows_however_cut():
    blocks = RowBlocks.random((2 * CHUNK + 100, 500), p=0.02, seed=9, weight=lambda pre: pre * 0.5, block=333)
    whole = blocks.tocsc().tocsr()
    for a, b in [(0, 1), (5, CHUNK + 7), (CHUNK - 1, 2 * CHUNK + 100)]:
        assert (blocks.rows(a, b) != whole[a:b]).nnz == 0
        csc, expected = blocks.csc(a, b), whole[a:b].tocsc()
        assert np.array_equal(csc.indptr, expected.indptr) and np.array_equal(csc.indices, expected.indices)
        assert np.array_equal(csc.data, expected.data)
    assert blocks.nnz == whole.nnz
    assert np.array_equal(blocks.row_counts(), np.diff(whole.indptr))
    # positions of a range's stored values in the whole matrix's CSC order
    data = blocks.tocsc().data
    for a, b in [(0, 700), (700, 2 * CHUNK + 100)]:
        local = blocks.rows(a, b).tocsc()
        assert np.array_equal(data[blocks.csc_positions(a, b, local)], local.data)


def test_sparse_from_row_blocks_in_one_process_is_the_whole_matrix():
    blocks = RowBlocks.random((300, 200), p=0.05, seed=2, weight=lambda pre: np.ones(pre.size))
    a, b = Sparse(blocks), Sparse(blocks.tocsc())
    assert np.array_equal(a.weights.get(), b.weights.get())
    assert np.array_equal(a.proc_params["rows"], b.proc_params["rows"])
