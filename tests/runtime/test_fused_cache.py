"""The fused-loop disk cache: damaged files are rebuilt, an unusable folder falls back, no leak."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numba
import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, NeuroprocWarning, RunSteps
from neuroproc.proc import io
from neuroproc.runtime import _codegen, _diskcache

DATA = np.arange(12.0).reshape(3, 4)


def _run_io(backend="compiled"):
    src = io.source.RingBuffer(data=DATA)
    sink = io.sink.RingBuffer(shape=(3,), buffer=6)
    src.s_out.connect(sink.a_in)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend)
    sink.create_runtime(cfg)  # before the run: 'auto' would run a short first run on python
    sink.run(condition=RunSteps(6), run_cfg=cfg)
    out, path, name = sink.data.get(), sink.runtime.backend.source_path, sink.runtime.backend.name
    sink.stop()
    return out, Path(path), name


EXPECTED = DATA[:, [0, 1, 2, 3, 0, 1]]  # column (t-1) % 4 at step t


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder and no loop loaded in this interpreter yet."""
    monkeypatch.setenv("NEUROPROC_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_codegen, "_LOADED", {})
    monkeypatch.setattr(_diskcache, "_fallback", None)
    monkeypatch.setattr(_diskcache, "_checked", set())
    return tmp_path


def _damage(path: Path, how: str) -> None:
    numba_files = sorted((path.parent / "__pycache__").glob(f"{path.stem}.*"))
    index = [f for f in numba_files if f.suffix == ".nbi"]
    data = [f for f in numba_files if f.suffix == ".nbc"]
    if how == "source truncated":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif how == "source empty":
        path.write_bytes(b"")
    elif how == "source edited":
        path.write_text(path.read_text().replace("for k in range(n):", "for k in range(n + 1):"))
    elif how == "index garbage":
        assert index, numba_files
        index[0].write_bytes(b"\x80\x04not a pickle")
    elif how == "index empty":
        assert index, numba_files
        index[0].write_bytes(b"")
    elif how == "data truncated":
        assert data, numba_files
        data[0].write_bytes(data[0].read_bytes()[:40])


#: numba writes its index and data files only with the JIT
NEEDS_JIT = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="no numba cache files without the JIT")


@pytest.mark.parametrize("how", ["source truncated", "source empty", "source edited",
                                 *(pytest.param(h, marks=NEEDS_JIT) for h in ("index garbage", "index empty",
                                                                              "data truncated"))])
def test_a_damaged_cache_entry_is_detected_and_rebuilt(fresh_cache, how):
    out, path, name = _run_io()
    assert name == "compiled" and path.parent == fresh_cache / "fused"
    np.testing.assert_array_equal(out, EXPECTED)
    source = path.read_text()
    _damage(path, how)
    _codegen._LOADED.clear()  # as in a new interpreter: the next network reads the disk
    out2, path2, name2 = _run_io()
    assert (path2, name2) == (path, "compiled")
    np.testing.assert_array_equal(out2, EXPECTED)
    assert path.read_text() == source  # rewritten from the content it is named after


@pytest.mark.parametrize("backend", ["compiled", "auto"])
def test_an_unusable_cache_folder_falls_back_with_one_warning(tmp_path, monkeypatch, backend):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("NEUROPROC_CACHE_DIR", str(blocker))
    monkeypatch.setattr(_codegen, "_LOADED", {})
    monkeypatch.setattr(_diskcache, "_fallback", None)
    monkeypatch.setattr(_diskcache, "_checked", set())
    with pytest.warns(NeuroprocWarning, match=r"not-a-folder/fused cannot be used \(\w+Error.*for this session only"):
        out, path, name = _run_io(backend)
    assert name == "compiled" and path.is_file() and blocker not in path.parents
    np.testing.assert_array_equal(out, EXPECTED)
    _codegen._LOADED.clear()
    out, path2, _ = _run_io(backend)  # no second warning (filterwarnings=error would raise)
    assert path2.parent == path.parent
    np.testing.assert_array_equal(out, EXPECTED)


_LEAK_SCRIPT = textwrap.dedent("""
    import gc
    from neuroproc import RunSteps
    from tests.runtime.faultnets import lif_net, cfg

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20

    for i in range(220):
        lif, _ = lif_net()
        lif.run(condition=RunSteps(3), run_cfg=cfg("compiled"))
        assert lif.runtime.backend.name == "compiled"
        lif.stop()
        if i == 19:  # after warm-up: imports, first compile, allocator pools
            gc.collect()
            base = rss_mb()
    gc.collect()
    print(rss_mb() - base)
""")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="RSS read from /proc")
def test_compiled_networks_do_not_leak_native_memory():
    # before the fix each network kept ~160 KB of machine code (200 networks: +34 MB)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", _LEAK_SCRIPT], capture_output=True, text=True,
                          timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    growth = float(proc.stdout.strip().splitlines()[-1])
    assert growth < 8.0, f"RSS grew {growth:.1f} MB over 200 compiled networks"


def _lif_pair(n=4):
    from neuroproc.proc.dense.process import Dense
    from neuroproc.proc.lif.process import LIF

    lif = LIF(shape=(n,), du=0.1, dv=0.1, vth=0.5, bias_mant=np.linspace(0.1, 0.4, n))
    dense = Dense(weights=np.full((n, n), 0.05))
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    return lif


@NEEDS_JIT
def test_auto_runs_a_short_first_run_on_python_until_the_loop_is_compiled(fresh_cache, monkeypatch):
    from neuroproc.runtime.backends import SHORT_RUN

    cfg = Loihi1SimCfg(select_tag="floating_pt")
    first = _lif_pair()
    first.run(condition=RunSteps(3), run_cfg=cfg)
    assert first.runtime.backend.name == "python"
    assert first.runtime.backend.reason.startswith("auto: the first run is RunSteps(3) and this network's "
                                                   "fused loop is not compiled yet")
    v_python = first.v.get()
    first.stop()
    long = _lif_pair(n=7)  # a long first run compiles; another size has the same fused loop
    long.run(condition=RunSteps(SHORT_RUN + 1), run_cfg=cfg)
    assert long.runtime.backend.name == "compiled" and long.runtime.backend.stats["source"] == "compiled"
    long.stop()
    again = _lif_pair()
    again.run(condition=RunSteps(3), run_cfg=cfg)
    assert again.runtime.backend.stats["source"] == "memory"
    np.testing.assert_array_equal(again.v.get(), v_python)
    again.stop()
    monkeypatch.setattr(_codegen, "_LOADED", {})  # a fresh interpreter: the disk cache serves it
    disk = _lif_pair(n=5)
    disk.run(condition=RunSteps(1), run_cfg=cfg)
    assert disk.runtime.backend.name == "compiled" and disk.runtime.backend.stats["source"] == "disk"
    disk.stop()


def test_the_cache_name_follows_the_modules_a_kernel_calls_into(monkeypatch):
    """numba inlines callees into the cached fused loop and checks only each function's own file,
    so the name must change when a module the kernel's module uses changes (here the learning
    engine's fast path, which the plastic connections' kernels call)."""
    import neuroproc.learning._fast as fast
    from neuroproc.learning import _kernels

    files = _codegen._source_files(sys.modules[_kernels.__name__])
    assert fast.__file__ in files and sys.modules["neuroproc.learning._engine"].__file__ in files
    before = _codegen.fused_name("src", {"k": _kernels.sparse_float_step})
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: real_read(self) + (b"# edited" if str(self) == fast.__file__ else b""))
    assert _codegen.fused_name("src", {"k": _kernels.sparse_float_step}) != before


def test_one_file_imported_under_two_names_gives_two_cache_names(tmp_path, monkeypatch):
    """A kernel's module imported as ``pkg.mod`` in one program and as ``mod`` in another (a script
    that puts ``pkg/`` on sys.path) is two modules: a loop cached for one imports that name when
    numba loads it, so the other program must not find it under the same name."""
    import importlib

    pkg = tmp_path / "kernpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "kmod.py").write_text("def step(t, a):\n    a[0] += 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(pkg))
    as_package = importlib.import_module("kernpkg.kmod")
    as_top = importlib.import_module("kmod")
    assert as_package is not as_top and as_package.__file__ == as_top.__file__
    assert _codegen.fused_name("src", {"k": as_package.step}) != _codegen.fused_name("src", {"k": as_top.step})
