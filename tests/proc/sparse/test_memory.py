"""Sparse keeps its weights once: the models and the kernels use the Process's own arrays."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi1SimCfg, RunSteps
from neuroproc.proc import io
from neuroproc.proc.sparse.process import Sparse


def _network(w, steps: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    conn = Sparse(w)
    src = io.source.RingBuffer(data=(rng.random((w.shape[1], steps)) < 0.3).astype(float))
    src.s_out.connect(conn.s_in)
    return src, conn


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_models_use_the_process_arrays(backend):
    w = sp.random(40, 30, density=0.2, format="csr", random_state=0)
    src, conn = _network(w, 5)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend)
    rt = src.create_runtime(cfg)
    try:
        assert rt.backend.name == backend
        model = rt.exe.entry_of(conn).model
        assert model.weights is conn.weights.init
        assert model.rows is conn.proc_params["rows"]
        assert model.col_ptr is conn.proc_params["col_ptr"]
        src.run(RunSteps(5), cfg)
        assert model.weights is conn.weights.init  # no per-run copy (for the kernel) either
    finally:
        src.stop()
    np.testing.assert_array_equal(conn.weights_csr().toarray(), w.toarray())


def test_peak_memory_to_build_and_run_stays_within_1_5x_the_csr_size():
    w = sp.random(3000, 3000, density=0.02, format="csr", random_state=1)
    csr_bytes = w.data.nbytes + w.indices.nbytes + w.indptr.nbytes
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="compiled")

    def build_and_run():
        src, _ = _network(w, 3)
        try:
            src.run(RunSteps(3), cfg)
        finally:
            src.stop()

    build_and_run()  # compiling (or loading) the fused loop is numba's memory, not the network's
    tracemalloc.start()
    try:
        build_and_run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # CSC copy (values + int32 indices) while the narrow row index is made: about 1.15x
    assert peak < 1.5 * csr_bytes, f"peak {peak} B for {csr_bytes} B of CSR weights"


def test_more_than_65536_outputs_use_uint32_rows_on_both_backends():
    n_out, n_in = 70_000, 20
    rng = np.random.default_rng(3)
    rows = np.concatenate([rng.integers(0, n_out, 200), [n_out - 1, 65_536]])
    cols = rng.integers(0, n_in, rows.size)
    w = sp.csr_matrix((rng.integers(-8, 9, rows.size) / 4, (rows, cols)), shape=(n_out, n_in))
    results = {}
    for backend in ("python", "compiled"):
        src, conn = _network(w, 4, seed=5)
        assert conn.proc_params["rows"].dtype == np.uint32
        try:
            src.run(RunSteps(4), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
            results[backend] = conn.a_buff.get()
        finally:
            src.stop()
    # a_buff after step 4 is W @ s[4] (multiples of 1/4: every sum exact)
    expected = w @ src.data.get()[:, 3]
    np.testing.assert_array_equal(results["python"], expected)
    np.testing.assert_array_equal(results["compiled"], expected)
