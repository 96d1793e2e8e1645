"""Model discovery: models beside their Process are found the way Lava finds them (issue 19).

Each check runs in a fresh interpreter, so that no earlier import has registered the models.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_addon_runs_with_only_its_process_modules_imported(backend):
    # columns [1, 2], [10, 20], [100, 200] cycle; 7 steps: 1+10+100+1+10+100+1 = 223 for row 0
    out = _run(f"""
        import numpy as np
        from neuroproc import Loihi2SimCfg, RunSteps
        from tests.compat.lava_addon.pattern.process import Pattern
        from tests.compat.lava_addon.accumulate.process import Accumulate

        src = Pattern(pattern=[[1, 10, 100], [2, 20, 200]])
        acc = Accumulate(shape=(2,))
        src.s_out.connect(acc.a_in)
        acc.run(condition=RunSteps(num_steps=7), run_cfg=Loihi2SimCfg(backend={backend!r}))
        print(acc.total.get().tolist(), type(src.model).__name__, type(acc.model).__name__)
        acc.stop()
        """)
    assert out.split()[0:2] == ["[223.0,", "446.0]"]
    assert out.split()[2:] == ["PyPatternModel", "PyAccumulateModel"]


def test_discovery_imports_nothing_outside_the_process_package():
    out = _run("""
        import sys
        from neuroproc import Loihi2SimCfg, RunSteps
        from neuroproc.registry import looked_in
        from tests.compat import lava_addon
        from tests.compat.lava_addon.pattern.process import Pattern
        from tests.compat.lava_addon.accumulate.process import Accumulate

        before = set(sys.modules)
        src = Pattern(pattern=[[1.0]])
        acc = Accumulate(shape=(1,))
        src.s_out.connect(acc.a_in)
        acc.run(condition=RunSteps(num_steps=2), run_cfg=Loihi2SimCfg(backend="python"))
        acc.stop()
        new = sorted(m for m in set(sys.modules) - before if m.startswith("tests"))
        print(new)
        print(lava_addon.IMPORTED)
        print(looked_in(Pattern))
        """)
    new, imported, looked = out.strip().splitlines()
    assert new == ("['tests.compat.lava_addon.accumulate.float_models', "
                   "'tests.compat.lava_addon.pattern.models']")
    assert imported == "[]"
    assert looked == "['tests.compat.lava_addon.pattern.models']"


def test_not_found_error_names_the_modules_it_looked_in(tmp_path):
    pkg = tmp_path / "empty_addon"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "process.py").write_text(textwrap.dedent("""
        from neuroproc import AbstractProcess, Var

        class Orphan(AbstractProcess):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.x = Var(shape=(1,), init=0)
        """))
    (pkg / "helpers.py").write_text("VALUE = 1\n")
    out = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        from neuroproc import Loihi2SimCfg, RunSteps
        from empty_addon.process import Orphan
        try:
            Orphan().run(condition=RunSteps(num_steps=1), run_cfg=Loihi2SimCfg())
        except LookupError as exc:
            print(exc)
        """)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "none registered; looked in empty_addon.helpers)" in out.stdout, out.stderr


def test_models_defined_in_main_are_found_without_discovery():
    out = _run("""
        import numpy as np
        from neuroproc import (AbstractProcess, LavaPyType, Loihi2SimCfg, LoihiProtocol,
                               PyLoihiProcessModel, RunSteps, Var, implements)
        from neuroproc.registry import looked_in

        class Clock(AbstractProcess):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.t = Var(shape=(1,), init=0)

        @implements(proc=Clock, protocol=LoihiProtocol)
        class PyClockModel(PyLoihiProcessModel):
            t = LavaPyType(np.ndarray, int)

            def run_spk(self):
                self.t[:] = self.time_step

        c = Clock()
        c.run(condition=RunSteps(num_steps=3), run_cfg=Loihi2SimCfg())
        print(c.t.get().tolist(), looked_in(Clock))
        c.stop()
        """)
    assert out.split() == ["[3]", "None"]
