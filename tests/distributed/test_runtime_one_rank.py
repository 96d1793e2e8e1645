"""The distributed runtime in this process, on one rank of a stand-in communicator (no MPI needed):
the same numbers as the ordinary runtime, collective get/set, and the runs it refuses."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunContinuous, RunSteps
from neuroproc.exceptions import RuntimeStateError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.runtime.distributed import _mpi


class OneRank:
    """The part of an mpi4py communicator the runtime uses, for a world of one rank."""

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 1

    def Allgather(self, send, recv) -> None:
        recv[...] = send

    def allgather(self, obj) -> list:
        return [obj]

    def gather(self, obj, root: int = 0) -> list:
        return [obj]

    def Barrier(self) -> None:
        pass


def _net(steps: int):
    rng = np.random.default_rng(7)
    lif = LIF(shape=(40,), du=0.1, dv=0.05, vth=1.0, bias_mant=rng.uniform(0.04, 0.08, 40), name="lif")
    dense = Dense(rng.normal(0.0, 0.4, (40, 40)), name="dense")
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    mon = Monitor()
    mon.probe(lif.s_out, steps)
    return lif, dense, mon


def _story(backend: str) -> dict:
    lif, dense, mon = _net(30)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend)
    lif.run(RunSteps(10), cfg)
    out = {"v10": lif.v.get()}
    lif.v.set(0.5, idx=slice(5, 15))
    dense.weights.set(dense.weights.get() * 1.5)
    lif.run(RunSteps(20), cfg)
    out.update(spikes=mon.get_data()["lif"]["s_out"], u=lif.u.get(), runtime=type(lif.runtime).__name__,
               partition=getattr(lif.runtime, "partition", None))
    lif.stop()
    out["v_after_stop"] = lif.v.get()
    return out


@pytest.fixture
def one_rank(monkeypatch):
    monkeypatch.setenv("NEUROPROC_DISTRIBUTED", "1")
    monkeypatch.setenv("NEUROPROC_NATIVE_EXCHANGE", "0")  # no MPI library here
    monkeypatch.setattr(_mpi, "comm", lambda: OneRank())


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_one_rank_equals_the_ordinary_runtime(monkeypatch, one_rank, backend):
    got = _story(backend)
    monkeypatch.setenv("NEUROPROC_DISTRIBUTED", "0")
    ref = _story(backend)
    assert got["runtime"] == "DistributedRuntime" and ref["runtime"] == "Runtime"
    part = got["partition"]
    assert part["lif"] == part["dense"] == (0, 40) and len(part) == 3  # the Monitor follows lif
    for key in ("v10", "spikes", "u", "v_after_stop"):
        assert np.array_equal(got[key], ref[key]), key


def test_runs_that_would_end_at_different_steps_are_refused(one_rank):
    lif, _, _ = _net(5)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="python")
    with pytest.raises(RuntimeStateError, match="blocking RunSteps"):
        lif.run(RunContinuous(), cfg)
    with pytest.raises(RuntimeStateError, match="blocking RunSteps"):
        lif.run(RunSteps(3, blocking=False), cfg)
    with pytest.raises(RuntimeStateError, match="pause"):
        lif.pause()
    lif.run(RunSteps(3), cfg)
    assert lif.runtime.time_step == 3
    lif.stop()


def test_missing_mpi4py_says_how_to_install(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_mpi(name, *args, **kwargs):
        if name.startswith("mpi4py"):
            raise ImportError("No module named 'mpi4py'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mpi)
    with pytest.raises(RuntimeStateError, match=r"pip install 'neuroproc\[mpi\]'"):
        _mpi.comm()


def test_launcher_detection_reads_the_environment(monkeypatch):
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE", "NEUROPROC_DISTRIBUTED"):
        monkeypatch.delenv(name, raising=False)
    assert _mpi.launched_ranks() == 1 and not _mpi.wanted()
    monkeypatch.setenv("PMI_SIZE", "4")
    assert _mpi.launched_ranks() == 4 and _mpi.wanted()
    monkeypatch.setenv("NEUROPROC_DISTRIBUTED", "0")
    assert not _mpi.wanted()
