"""Execute tutorial notebooks without a Jupyter kernel and write copies that hold their outputs.

    python docs/execute_notebooks.py tutorials/*.ipynb --out docs/_generated/tutorials

The documentation renders notebooks as they were last executed (myst-nb with execution off),
and the tutorials are kept in git without outputs. This script fills the outputs in as a
kernel with matplotlib's inline backend would: code cells run in order in one namespace;
printed text becomes a stream output; the value of a cell's last expression becomes its
result; every figure drawn in a cell (shown or not) becomes a PNG image. A failing cell stops
with the notebook's name, the cell's number and its source.
"""
from __future__ import annotations

import argparse
import ast
import base64
import contextlib
import copy
import io
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")


class CellError(RuntimeError):
    """A notebook cell raised."""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _figures_png(plt: Any) -> list[str]:
    """Every open figure as base64 PNG, then closed (what the inline backend shows)."""
    images = []
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
        images.append(base64.b64encode(buf.getvalue()).decode("ascii"))
        plt.close(fig)
    return images


def _run_cell(src: str, namespace: dict, filename: str, plt: Any) -> list[dict]:
    tree = ast.parse(src, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not src.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    out, err = io.StringIO(), io.StringIO()
    images: list[str] = []
    real_show = plt.show

    def show(*args: Any, **kwargs: Any) -> None:
        images.extend(_figures_png(plt))

    plt.show = show
    value = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(tree, filename, "exec"), namespace)
            if last is not None:
                value = eval(compile(last, filename, "eval"), namespace)
    finally:
        plt.show = real_show
    outputs: list[dict] = []
    for name, stream in (("stdout", out), ("stderr", err)):
        text = stream.getvalue()
        if name == "stderr":  # progress bars redraw with carriage returns: keep the final state
            text = "\n".join(line.split("\r")[-1] for line in text.split("\n"))
        if text.strip():
            outputs.append({"output_type": "stream", "name": name, "text": text})
    matplotlib_value = type(value).__module__.startswith("matplotlib") or (
        isinstance(value, (list, tuple)) and value
        and all(type(v).__module__.startswith("matplotlib") for v in value))
    images.extend(_figures_png(plt))
    if value is not None and not matplotlib_value:
        outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                        "data": {"text/plain": repr(value)}})
    for png in images:
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"image/png": png, "text/plain": "<Figure>"}})
    return outputs


def execute(path: Path, out_dir: Path) -> Path:
    """Run the notebook at ``path``; write it with outputs to ``out_dir``; return that path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = path.resolve()
    nb = json.loads(path.read_text())
    executed = copy.deepcopy(nb)
    namespace: dict = {"__name__": "__main__", "__file__": str(path)}
    cwd = os.getcwd()
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    count = 0
    try:
        for cell in executed["cells"]:
            if cell.get("cell_type") != "code":
                continue
            count += 1
            src = _source(cell)
            try:
                outputs = _run_cell(src, namespace, f"<{path.name} cell {count}>", plt)
            except Exception as exc:
                raise CellError(f"{path.name}: code cell {count} failed: {type(exc).__name__}: "
                                f"{exc}\n--- cell {count} ---\n{src}") from exc
            cell["outputs"] = outputs
            cell["execution_count"] = count
            for o in outputs:
                if o["output_type"] == "execute_result":
                    o["execution_count"] = count
    finally:
        os.chdir(cwd)
        sys.path.remove(str(path.parent))
        plt.close("all")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    target.write_text(json.dumps(executed, indent=1) + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="folder for the executed copies")
    args = ap.parse_args(argv)
    for nb in args.notebooks:
        t0 = time.perf_counter()
        try:
            target = execute(nb, args.out.resolve())
        except CellError:
            traceback.print_exc()
            return 1
        print(f"{nb}: executed in {time.perf_counter() - t0:.1f} s -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
