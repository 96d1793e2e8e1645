"""Every notebook in tutorials/ runs headless; a failing cell fails the suite."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from tests.tutorials.figure_labels import unlabelled_axes

ROOT = Path(__file__).resolve().parents[2] / "tutorials"
NOTEBOOKS = sorted(ROOT.glob("*.ipynb"))
# the E/I tutorial runs in test_ei_notebook.py, which also checks its numbers against Lava
QUICK = [p for p in NOTEBOOKS if p.stem != "ei_network"]


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebook", ROOT / "run_notebook.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_are_notebooks():
    assert NOTEBOOKS, "tutorials/ holds no notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", QUICK, ids=lambda p: p.stem)
def test_notebook_runs(notebook, tmp_path):
    t0 = time.perf_counter()
    with unlabelled_axes() as unlabelled:
        ns = _runner().run_notebook(notebook, figures_dir=tmp_path)
    elapsed = time.perf_counter() - t0
    assert ns["__figures__"], f"{notebook.name} drew no figure"
    assert not unlabelled, f"{notebook.name}: every axis of every figure needs a label"
    assert all(p.stat().st_size > 1000 for p in ns["__figures__"])
    print(f"{notebook.name}: {elapsed:.1f} s")


def test_runner_reports_the_failing_cell(tmp_path):
    import json

    nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n"]},
                    {"cell_type": "code", "source": ["1 / 0\n"]}], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    runner = _runner()
    with pytest.raises(runner.CellError, match="bad.ipynb: code cell 2 failed: ZeroDivisionError"):
        runner.run_notebook(path)
