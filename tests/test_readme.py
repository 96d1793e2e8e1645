"""The README's first example runs as a new user would run it: pasted into a fresh interpreter."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _first_python_block(text: str) -> str:
    match = re.search(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert match, "README.md has no ```python block"
    return match.group(1)


def test_readme_first_example_runs_in_a_fresh_interpreter(tmp_path):
    code = _first_python_block(README.read_text())
    env = {**os.environ, "MPLBACKEND": "Agg", "NEUROPROC_PROGRESS": "0"}
    # from an empty folder, so that nothing of the repository but the installed package is used
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    found = re.fullmatch(r"(\d+) spikes from LIF\(name='LIF_\d+', shape=\(100,\)\) on the "
                         r"(compiled|python) backend\n", out.stdout)
    assert found, out.stdout
    # the recurrent network is active but far from saturated: 100 neurons, 1000 steps
    assert 1000 < int(found.group(1)) < 50_000
