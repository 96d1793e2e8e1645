"""Kernels that read a Var through a RefPort (``KernelSpec.ref_ports``): BitCheck and Read give
on the compiled backend what the python backend's post-management phase gives -- values, flags
and BitCheck's debug output -- and the hook's own rules (order, unconnected ports, views)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numba import njit

from neuroproc import Loihi1SimCfg, Monitor, NeuroprocWarning, RunSteps
from neuroproc.decorators import implements, requires
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import RefPort
from neuroproc.proc import io
from neuroproc.proc.bit_check import BitCheck
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io.sink import Read
from neuroproc.proc.lif.process import LIF
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyRefPort
from neuroproc.resources import CPU
from neuroproc.runtime.kernels import KernelSpec
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

BACKENDS = ("python", "compiled")


def _net(fixed: bool, seed: int = 3):
    """Spikes -> Dense -> LIF, with BitChecks on the LIF's v and the Dense's a_buff, Reads of
    both and a Monitor of v (the expectation for the Reads)."""
    rng = np.random.default_rng(seed)
    n_in, n = 6, 4
    spikes = (rng.random((n_in, 30)) < 0.5).astype(np.int32 if fixed else float)
    if fixed:
        w = rng.integers(-40, 120, (n, n_in))
        lif = LIF(shape=(n,), du=300, dv=200, vth=400, bias_mant=rng.integers(0, 60, n), bias_exp=4)
    else:
        w = rng.normal(1.0, 1.5, (n, n_in))
        lif = LIF(shape=(n,), du=0.2, dv=0.1, vth=30.0, bias_mant=rng.random(n) * 3)
    src = io.source.RingBuffer(data=spikes)
    dense = Dense(weights=w)
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    check_v = BitCheck(bits=12, debug=1, layerid=7)
    check_v.connect_var(lif.v)
    check_a = BitCheck(bits=8)
    check_a.connect_var(dense.a_buff)
    read_v = Read(buffer=5, interval=3, offset=1)
    read_v.connect_var(lif.v)
    read_a = Read(buffer=40)
    read_a.connect_var(dense.a_buff)
    mon = Monitor()
    mon.probe(lif.v, 30)
    return lif, (check_v, check_a), (read_v, read_a), mon


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
def test_bitcheck_and_read_are_identical_on_both_backends(fixed, capsys):
    out: dict[str, Any] = {}
    for backend in BACKENDS:
        lif, checks, reads, mon = _net(fixed)
        cfg = Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
        try:
            lif.run(condition=RunSteps(4), run_cfg=cfg)
            assert lif.runtime.backend.name == backend
            checks[0].debug.set(np.array([0]))  # quiet from here on: no one-step blocks
            lif.run(condition=RunSteps(9), run_cfg=cfg)
            checks[0].debug.set(np.array([1]))
            lif.run(condition=RunSteps(2), run_cfg=cfg)
            checks[0].debug.set(np.array([0]))
            lif.run(condition=RunSteps(15), run_cfg=cfg)
            out[backend] = ([c.overflowed.tolist() for c in checks], [r.data.get() for r in reads],
                            mon.get_data()[lif.name]["v"], capsys.readouterr().out)
        finally:
            lif.stop()
    py, comp = out["python"], out["compiled"]
    assert comp[0] == py[0]
    for got, want in zip(comp[1], py[1]):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(comp[2], py[2])
    assert comp[3] == py[3]
    # independent expectations: the Read of v holds the Monitor's v on steps 2, 5, 8, ... (the
    # last five reads of ten, in the ring's columns), and the debug output shows steps 1-4, 14, 15
    v = py[2]
    picked = np.arange(1, 30, 3)  # 0-based rows of steps 2, 5, ..., 29
    ring = np.zeros_like(py[1][0])
    for k, row in enumerate(picked):
        ring[:, k % 5] = v[row]
    np.testing.assert_array_equal(py[1][0], ring.astype(py[1][0].dtype))
    steps = [int(line.rsplit(" ", 1)[1]) for line in py[3].splitlines() if line.startswith("Value is")]
    assert steps == [1, 2, 3, 4, 14, 15]
    vi = v.astype(np.int32)
    needs = bool((vi > 2047).any() or (vi < -2048).any())
    assert py[0][0] == [int(needs)]


@njit(cache=True)
def _copy_step(t, seen, value):
    for i in range(seen.size):
        seen[i] = value[i]


class RefProbe(AbstractProcess):
    """Test process: copies the Var its RefPort reaches into ``seen`` after every step."""

    def __init__(self, shape=(3,)):
        super().__init__()
        self.ref = RefPort(shape)
        self.seen = Var(shape, init=-1)


@implements(proc=RefProbe, protocol=LoihiProtocol)
@requires(CPU)
class PyRefProbeModel(PyLoihiProcessModel):
    ref: Any = LavaPyType(PyRefPort.VEC_DENSE, np.int32)
    seen: Any = LavaPyType(np.ndarray, np.int64)

    def post_guard(self) -> bool:
        return True

    def run_post_mgmt(self) -> None:
        self.seen[:] = self.ref.read()

    def kernel(self):
        return KernelSpec(step=_copy_step, arrays=("seen",), ref_ports=("ref",))


def test_a_user_kernel_reads_the_var_after_its_holders_step_and_zeros_when_unconnected():
    for connected in (True, False):
        seen = {}
        for backend in BACKENDS:
            lif = LIF(shape=(3,), du=100, dv=50, vth=900, bias_mant=np.array([13, 40, 85]), bias_exp=3)
            probe = RefProbe()
            if connected:
                probe.ref.connect_var(lif.v)
            try:
                # the probe comes first in the network: the backend must still run it after LIF
                probe.run(condition=RunSteps(5), run_cfg=Loihi1SimCfg(select_tag="fixed_pt", backend=backend))
                assert probe.runtime.backend.name == backend
                seen[backend] = (probe.seen.get(), lif.v.get() if connected else None)
            finally:
                probe.stop()
        np.testing.assert_array_equal(seen["compiled"][0], seen["python"][0])
        want = seen["python"][1] if connected else np.zeros(3)
        np.testing.assert_array_equal(seen["python"][0], want)


def _reset_net(fixed: bool, read_var: str):
    lif = LIF(shape=(3,), du=500 if fixed else 0.1, dv=300 if fixed else 0.05, vth=10 ** 5 if fixed else 1e6,
              bias_mant=np.array([3, 7, 11]) if fixed else np.array([0.3, 0.7, 1.1]), bias_exp=4 if fixed else 0)
    src = io.source.RingBuffer(data=(np.arange(15).reshape(3, 5) % 4 + 1).astype(np.int32 if fixed else float))
    src.s_out.connect(lif.a_in)
    reset = io.reset.Reset(reset_value=0, interval=4, offset=2)
    reset.connect_var(lif.u)
    read = Read(buffer=16)
    read.connect_var(getattr(lif, read_var))
    return lif, read


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
def test_reset_writes_through_its_ref_port_as_the_python_backend_does(fixed):
    """io.Reset clears LIF's u after steps 3, 7, 11, ... (interval 4, phase 2) while a Read
    records v: fused, identical, and u is zero right after a reset step."""
    out = {}
    for backend in BACKENDS:
        lif, read = _reset_net(fixed, "v")
        cfg = Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
        try:
            lif.run(condition=RunSteps(7), run_cfg=cfg)
            assert lif.runtime.backend.name == backend
            u7 = lif.u.get()
            lif.run(condition=RunSteps(9), run_cfg=cfg)
            out[backend] = (u7, lif.u.get(), lif.v.get(), read.data.get())
        finally:
            lif.stop()
    for got, want in zip(out["compiled"], out["python"]):
        np.testing.assert_array_equal(got, want)
    # step 7 reset u; so did step 15, so after step 16 u is that step's input alone (a << 6 fixed)
    assert not out["python"][0].any()
    a16 = (np.arange(15).reshape(3, 5) % 4 + 1)[:, 0]
    np.testing.assert_array_equal(out["python"][1], a16 * 64 if fixed else a16)


def test_a_var_written_and_read_through_ref_ports_is_not_fused():
    """Reset writes u and a Read reads u in the same management phase: their order would decide
    what the Read sees, so the network runs on the python backend, which says why."""
    lif, read = _reset_net(True, "u")
    try:
        with pytest.warns(NeuroprocWarning, match="fell back"):
            lif.run(condition=RunSteps(4), run_cfg=Loihi1SimCfg(select_tag="fixed_pt", backend="compiled"))
        assert lif.runtime.backend.name == "python"
        assert "writes" in lif.runtime.backend.reason and "Read" in lif.runtime.backend.reason
    finally:
        lif.stop()


def test_a_write_to_a_var_the_holders_kernel_takes_as_a_parameter_is_not_fused():
    """The bit-accurate LIF's kernel gets bias_mant << bias_exp once per run: a Reset of
    bias_mant every step would not reach it, so the network stays on the python backend."""
    lif = LIF(shape=(2,), du=100, dv=100, vth=1000, bias_mant=np.array([5, 9]), bias_exp=2)
    reset = io.reset.Reset(reset_value=1, interval=3)
    reset.connect_var(lif.bias_mant)
    try:
        with pytest.warns(NeuroprocWarning, match="fell back"):
            lif.run(condition=RunSteps(3), run_cfg=Loihi1SimCfg(select_tag="fixed_pt", backend="compiled"))
        assert "does not read as an array" in lif.runtime.backend.reason
    finally:
        lif.stop()
