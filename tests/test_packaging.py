"""The package builds as a user's pip builds it, without deprecation warnings, with its license."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import neuroproc

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_builds_without_deprecation_warnings_and_carries_the_license(tmp_path):
    # an isolated build environment, as `pip install .` and `pip wheel .` use
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-v",
                          "-w", str(tmp_path)], capture_output=True, text=True, timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    warned = [line for line in log.splitlines() if "deprecat" in line.lower()]
    assert not warned, "\n".join(warned)
    (wheel,) = tmp_path.glob("neuroproc-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        license_text = zf.read(next(n for n in names if n.endswith("licenses/LICENSE"))).decode()
    assert f"\nVersion: {neuroproc.__version__}\n" in meta
    assert "\nLicense-Expression: BSD-3-Clause\n" in meta
    assert license_text == (ROOT / "LICENSE").read_text()
    assert license_text.startswith("BSD 3-Clause License")
    assert "neuroproc/py.typed" in names
