"""The ``lava`` import hook: module paths resolve to neuroproc's objects, missing names fail early."""
from __future__ import annotations

import subprocess
import sys

import pytest

import neuroproc
from neuroproc.compat import lava as compat
from neuroproc.compat.lava import NoCounterpartError
from neuroproc.exceptions import RuntimeStateError


@pytest.fixture
def lava_layer():
    compat.install()
    yield
    compat.uninstall()


def test_core_paths_resolve_to_neuroproc_objects(lava_layer):
    from lava.magma.core.decorator import implements
    from lava.magma.core.model.py.model import PyLoihiProcessModel
    from lava.magma.core.process.ports.ports import InPort
    from lava.magma.core.process.process import AbstractProcess
    from lava.magma.core.run_configs import Loihi1SimCfg

    assert AbstractProcess is neuroproc.AbstractProcess
    assert InPort is neuroproc.InPort
    assert PyLoihiProcessModel is neuroproc.PyLoihiProcessModel
    assert implements is neuroproc.implements
    assert Loihi1SimCfg is neuroproc.Loihi1SimCfg


def test_rule_paths_follow_module_names(lava_layer):
    import neuroproc.proc.lif.process as lif_process
    from lava.proc import io
    from lava.proc.lif.process import LIF

    assert LIF is lif_process.LIF
    from neuroproc.proc.io.source import RingBuffer

    assert io.source.RingBuffer is RingBuffer


def test_missing_name_fails_at_import_time_naming_the_lava_path(lava_layer):
    with pytest.raises(ImportError, match=r"neuroproc has no counterpart of lava\.proc\.lif\.process\.NoSuchLIF"):
        from lava.proc.lif.process import NoSuchLIF  # noqa: F401
    with pytest.raises(NoCounterpartError, match=r"no counterpart of module lava\.proc\.no_such_proc"):
        import lava.proc.no_such_proc  # noqa: F401


def test_private_and_dunder_lookups_stay_attribute_errors(lava_layer):
    import lava.proc.lif.process as mod

    assert not hasattr(mod, "__no_such_dunder__")
    assert not hasattr(mod, "_no_such_private")


def test_refused_when_a_real_lava_is_imported(monkeypatch):
    import types

    monkeypatch.setitem(sys.modules, "lava", types.ModuleType("lava"))
    with pytest.raises(RuntimeStateError, match="a real Lava package is already imported"):
        compat.install()
    assert not compat.installed()


def test_uninstall_forgets_the_lava_modules(lava_layer):
    import lava.proc.lif.process  # noqa: F401

    compat.uninstall()
    assert not any(n == "lava" or n.startswith("lava.") for n in sys.modules)
    with pytest.raises(ImportError):
        import lava  # noqa: F401
    compat.install()


def test_auto_module_installs_in_a_fresh_interpreter():
    code = ("import neuroproc.compat.lava.auto\n"
            "from lava.proc.dense.process import Dense\n"
            "import neuroproc.proc.dense.process as d\n"
            "assert Dense is d.Dense\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ipython_extension_installs(lava_layer):
    compat.uninstall()
    compat.load_ipython_extension(object())
    assert compat.installed()


def test_star_import_and_dir_list_the_neuroproc_names(lava_layer):
    import lava.magma.core.process.ports.ports as ports_mod

    assert "InPort" in dir(ports_mod) and "InPort" in ports_mod.__all__
    namespace: dict = {}
    exec("from lava.magma.core.run_conditions import *", namespace)
    assert namespace["RunSteps"] is neuroproc.RunSteps


def test_compiler_facade_returns_the_executable(lava_layer):
    from lava.magma.compiler.compiler import Compiler
    from lava.magma.compiler.compiler_graphs import find_processes
    from lava.magma.compiler.executable import Executable
    from lava.magma.core.run_configs import Loihi2SimCfg
    from lava.proc.monitor.process import Monitor

    from neuroproc.proc.lif.process import LIF

    lif, mon = LIF(shape=(2,)), Monitor()
    mon.probe(lif.v, 3)
    exe = Compiler().compile(mon, Loihi2SimCfg())
    assert isinstance(exe, Executable)
    assert set(exe.proc_builders) == {lif, mon}
    assert set(find_processes(lif)) == {lif, mon}
    with pytest.raises(NoCounterpartError, match="compiler_graphs.ProcGroupDiGraphs"):
        from lava.magma.compiler.compiler_graphs import ProcGroupDiGraphs  # noqa: F401


def test_no_loihi_hardware_is_reported(lava_layer):
    from lava.utils import loihi
    from lava.utils.system import Loihi2

    assert Loihi2.is_loihi2_available is False
    assert loihi.is_installed() is False and loihi.host is None
    assert loihi.is_installed("lava.proc.lif.process") is True
    with pytest.raises(ImportError, match="no Loihi back end"):
        loihi.use_slurm_host(partition="p")


def test_sparse_weights_read_and_write_as_csr_under_the_layer(lava_layer):
    import numpy as np
    import scipy.sparse as sp
    from lava.magma.core.run_conditions import RunSteps
    from lava.magma.core.run_configs import Loihi2SimCfg
    from lava.proc.sparse.process import Sparse

    import neuroproc.proc.sparse.process as native

    dense = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    conn = Sparse(weights=sp.csr_matrix(dense))
    assert isinstance(conn, native.Sparse)
    np.testing.assert_array_equal(conn.weights.__dict__["init"], [1.0, 2.0, 3.0])  # CSC storage inside
    assert isinstance(conn.weights.init, sp.csr_matrix)  # what Lava code reads (Lava's own tests do)
    np.testing.assert_array_equal(conn.weights.init.toarray(), dense)
    w = conn.weights.get()
    assert isinstance(w, sp.csr_matrix)
    np.testing.assert_array_equal(w.toarray(), dense)
    conn.run(condition=RunSteps(num_steps=1), run_cfg=Loihi2SimCfg())
    new = w.copy()
    new.data = np.array([5.0, 6.0, 7.0])  # csr order: (0,1), (1,0), (1,2)
    conn.weights.set(new)
    np.testing.assert_array_equal(conn.weights.get().toarray(), [[0, 5, 0], [6, 0, 7]])
    with pytest.raises(ValueError, match="other stored entries"):
        conn.weights.set(sp.csr_matrix(np.ones((2, 3))))
    conn.stop()


def test_raster_plot_has_lavas_defaults_and_checks_under_the_layer(lava_layer):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from lava.utils.plots import raster_plot

    spikes = np.zeros((12, 5), dtype=int)
    spikes[[0, 5, 6, 11], [1, 2, 3, 4]] = 1
    fig = raster_plot(spikes)  # Lava draws every 6th neuron: rows 0 and 6
    xy = fig.axes[0].lines[0].get_xydata()
    assert xy.tolist() == [[1.0, 0.0], [3.0, 6.0]]
    assert fig.axes[0].get_xlabel() == "Time Steps"
    plt.close(fig)
    with pytest.raises(ValueError, match="either 0 or 1"):
        raster_plot(2 * spikes)
    with pytest.raises(ValueError, match="Stride must not be greater"):
        raster_plot(spikes, stride=13)


def test_sparse_subclasses_added_later_get_the_csr_view_too(lava_layer):
    import numpy as np
    import scipy.sparse as sp
    from lava.proc.sparse.process import DelaySparse

    import neuroproc.proc.sparse.process as native

    w = sp.csr_matrix(np.array([[0.0, 2.0], [1.0, 0.0]]))
    d = sp.csr_matrix(np.array([[0, 3], [1, 0]]))
    conn = DelaySparse(weights=w, delays=d)
    assert isinstance(conn, native.DelaySparse) and type(conn).__module__ == native.__name__
    np.testing.assert_array_equal(conn.weights.get().toarray(), w.toarray())
    np.testing.assert_array_equal(conn.delays.get().toarray(), d.toarray())


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_fixed_point_source_casts_fractional_data_toward_zero_only_under_the_layer(backend):
    import numpy as np

    from neuroproc import Loihi2SimCfg, RunSteps
    from neuroproc.exceptions import ValidationError
    from neuroproc.proc.io import sink, source

    data = np.array([[2.7, -2.7, 5.0, 0.4]])

    def run():
        src = source.RingBuffer(data=data)
        out = sink.RingBuffer(shape=(1,), buffer=4)
        src.s_out.connect(out.a_in)
        try:
            src.run(condition=RunSteps(num_steps=4),
                    run_cfg=Loihi2SimCfg(select_tag="fixed_pt", backend=backend))
            return out.data.get()
        finally:
            src.stop()

    with pytest.raises(ValidationError, match="would truncate 2.7"):
        run()  # natively: refused, never sent as 2
    compat.install()
    try:
        np.testing.assert_array_equal(run(), np.trunc(data))  # Lava's int32 cast toward zero
    finally:
        compat.uninstall()
