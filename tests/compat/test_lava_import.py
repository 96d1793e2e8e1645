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
