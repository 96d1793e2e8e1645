"""A Lava program runs unchanged through ``python -m neuroproc.compat.lava`` (issue 12)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).parent / "lava_scripts" / "tutorial02_style.py"


def _expected(num_steps: int) -> dict:
    """The script's network stepped by hand: LIF1 -> Dense (one step late) -> LIF2."""
    bias1, bias2 = np.array([2.0, 2.5, 3.0]), np.array([0.5, 0.0])
    w = np.array([[4.0, -1.0, 0.5], [1.0, 2.0, 3.0]])
    u1, v1, u2, v2 = np.zeros(3), np.zeros(3), np.zeros(2), np.zeros(2)
    dense_out = np.zeros(2)  # Dense sends W @ (the spikes it received the step before)
    for _ in range(num_steps):
        u1 = u1 * 0.9
        v1 = v1 * 0.9 + u1 + bias1
        s1 = v1 >= 10
        v1[s1] = 0
        u2 = u2 * 0.8 + dense_out
        v2 = v2 * 0.95 + u2 + bias2
        v2[v2 >= 8] = 0
        dense_out = w @ s1
    return {"v1": v1, "u2": u2, "v2": v2}


def test_tutorial_style_script_runs_unchanged_and_gives_the_numbers():
    num_steps = 25
    out = subprocess.run([sys.executable, "-m", "neuroproc.compat.lava", str(SCRIPT), str(num_steps)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    want = _expected(num_steps)
    assert np.any(want["u2"] != 0)  # spikes crossed the Dense, so the check covers the connection
    for key in ("v1", "u2", "v2"):
        # same operations in the same order as the model: float64 results agree to the last bit
        np.testing.assert_array_equal(np.array(got[key]), want[key], err_msg=key)
    assert "Variables of the LIF: ['u', 'v', 'du', 'dv', 'bias', 'vth']" in out.stderr


def test_module_runner_without_arguments_prints_usage():
    out = subprocess.run([sys.executable, "-m", "neuroproc.compat.lava"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert "usage: python -m neuroproc.compat.lava script.py" in out.stderr
