"""The same scripts under ``mpiexec -n 1/2/3/4``: every recorded array equals the single-process run.

Each case runs ``scenarios.py`` once alone (the reference, in a subprocess without a launcher)
and under ``mpiexec`` with the distributed runtime, and compares spikes, Var values and Monitor
and sink data exactly (floats included: the distributed runtime must not change one bit).
Without MPI (mpi4py and an ``mpiexec``) these tests skip, except in CI (``CI=true``), whose
``.ci/run`` installs the ``neuroproc[mpi]`` extra.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("scenarios.py")
_LAUNCH_VARS = ("PMI_", "PMIX_", "OMPI_", "MPI_", "HYDRA_", "MV2_")


def _mpiexec() -> str | None:
    local = Path(sys.executable).parent / "mpiexec"
    return str(local) if local.exists() else shutil.which("mpiexec")


def _need_mpi() -> str:
    exe = _mpiexec()
    missing = []
    if importlib.util.find_spec("mpi4py") is None:
        missing.append("mpi4py")
    if exe is None:
        missing.append("an mpiexec")
    if missing:
        why = f"needs {' and '.join(missing)}: pip install 'neuroproc[mpi]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the distributed tests, but it {why}")
        pytest.skip(why)
    return exe


def _env(distributed: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LAUNCH_VARS)}
    env.pop("NEUROPROC_DISTRIBUTED", None)
    if distributed is not None:
        env["NEUROPROC_DISTRIBUTED"] = distributed
    return env


def _run(cmd: list, env: dict, path: Path) -> tuple[dict, list]:
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{res.stdout}\n{res.stderr[-4000:]}"
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    infos = [json.loads(p.read_text()) for p in sorted(path.parent.glob(path.name + ".*.json"))]
    return data, infos


_REFS: dict = {}


def _reference(tmp_path_factory, name: str, steps: int) -> dict:
    if (name, steps) not in _REFS:
        path = tmp_path_factory.mktemp(f"ref_{name}") / "out.npz"
        data, infos = _run([sys.executable, str(SCRIPT), name, "python", str(path), str(steps)], _env(None), path)
        assert infos[0]["partition"] is None  # no launcher: the ordinary runtime
        _REFS[(name, steps)] = data
    return _REFS[(name, steps)]


CASES = [  # (scenario, backend, ranks, steps)
    ("ei", "python", 1, 60),
    ("ei", "compiled", 2, 60),
    ("ei", "compiled", 4, 60),
    ("ei_root", "python", 2, 60),
    ("ei_split", "compiled", 2, 60),
    ("ei_split", "python", 3, 60),
    ("cuba", "compiled", 2, 40),
    ("cuba", "python", 4, 40),
    ("cuba_rows", "compiled", 2, 40),
    ("tiny", "compiled", 3, 30),
    ("delays", "compiled", 2, 30),
    ("mixed_float", "python", 2, 30),
    ("mixed_float", "python", 4, 30),
    ("mixed_fixed", "compiled", 2, 30),
    ("mixed_fixed", "compiled", 4, 30),
]


@pytest.mark.parametrize("name,backend,ranks,steps", CASES, ids=[f"{c[0]}-{c[1]}-n{c[2]}" for c in CASES])
def test_distributed_run_equals_single_process(tmp_path, tmp_path_factory, name, backend, ranks, steps):
    exe = _need_mpi()
    ref = _reference(tmp_path_factory, name, steps)
    path = tmp_path / "out.npz"
    got, infos = _run([exe, "-n", str(ranks), sys.executable, str(SCRIPT), name, backend, str(path), str(steps)],
                      _env("1"), path)
    assert len(infos) == ranks
    assert all(i["backend"] == backend and i["ranks"] == ranks for i in infos)
    assert sorted(got) == sorted(ref)
    for key in ref:
        assert got[key].dtype == ref[key].dtype and got[key].shape == ref[key].shape, key
        assert np.array_equal(got[key], ref[key]), f"{key} differs from the single-process run"
    # the ranges of every split Process tile it, rank after rank
    for name_ in infos[0]["partition"]:
        ranges = [i["partition"][name_] for i in infos]
        if ranges[0] is None:
            assert all(r is None for r in ranges)
            continue
        assert ranges[0][0] == 0
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
        assert all(lo <= hi for lo, hi in ranges)


def test_tutorial_script_gives_the_same_numbers_on_two_ranks(tmp_path):
    exe = _need_mpi()
    script = Path(__file__).resolve().parents[2] / "tutorials" / "ei_distributed.py"
    alone, ranks = tmp_path / "alone.npz", tmp_path / "ranks.npz"
    outs = []
    for cmd, path, env in (([sys.executable], alone, _env(None)), ([exe, "-n", "2", sys.executable], ranks, _env(None))):
        res = subprocess.run(cmd + [str(script), "--out", str(path)], env=env, capture_output=True, text=True,
                             timeout=300)
        assert res.returncode == 0, res.stderr[-4000:]
        outs.append(re.findall(r"spikes: \d+; v trace sha1: [0-9a-f]{12}", res.stdout))  # ranks' lines may interleave
    assert len(outs[0]) == 1 and outs[1] == outs[0] * 2, outs  # spike count and v hash, on every rank
    with np.load(alone) as a, np.load(ranks) as b:
        for key in a.files:
            assert np.array_equal(a[key], b[key]), key
