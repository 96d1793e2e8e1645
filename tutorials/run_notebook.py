"""Run a tutorial notebook headless: execute its code cells in order, save every figure as PNG.

    python tutorials/run_notebook.py tutorials/ei_network.ipynb --figures figures

No Jupyter needed: the notebook is JSON, its code cells run in one namespace (as a kernel would),
``plt.show()`` saves the open figures instead of displaying them. A failing cell stops the run
with the cell's number and source. The test suite runs every notebook this way.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


class CellError(RuntimeError):
    """A notebook cell raised."""


def code_cells(path: Path) -> list[str]:
    nb = json.loads(Path(path).read_text())
    cells = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            cells.append("".join(src) if isinstance(src, list) else src)
    return cells


def run_notebook(path, figures_dir=None, quiet: bool = True) -> dict:
    """Execute ``path``; return the final namespace. Figures go to ``figures_dir`` (if given)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path).resolve()
    saved: list[Path] = []
    if figures_dir is not None:
        figures_dir = Path(figures_dir)
        figures_dir.mkdir(parents=True, exist_ok=True)

    def show(*args, **kwargs):
        for num in plt.get_fignums():
            fig = plt.figure(num)
            if figures_dir is not None:
                out = figures_dir / f"{path.stem}_{len(saved) + 1:02d}.png"
                fig.savefig(out, dpi=90, bbox_inches="tight")
                saved.append(out)
            plt.close(fig)

    namespace = {"__name__": "__main__", "__file__": str(path.resolve())}
    real_show = plt.show
    plt.show = show
    cwd = os.getcwd()
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    try:
        for i, src in enumerate(code_cells(path), start=1):
            try:
                exec(compile(src, f"<{path.name} cell {i}>", "exec"), namespace)
            except Exception as exc:
                raise CellError(f"{path.name}: code cell {i} failed: {type(exc).__name__}: {exc}\n"
                                f"--- cell {i} ---\n{src}") from exc
        show()  # figures left open at the end
    finally:
        plt.show = real_show
        os.chdir(cwd)
        sys.path.remove(str(path.parent))
    namespace["__figures__"] = saved
    return namespace


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--figures", type=Path, default=None, help="folder for the PNG figures")
    args = ap.parse_args(argv)
    for nb in args.notebooks:
        t0 = time.perf_counter()
        try:
            ns = run_notebook(nb, args.figures.resolve() if args.figures else None)
        except CellError:
            traceback.print_exc()
            return 1
        figs = ns["__figures__"]
        print(f"{nb}: ran in {time.perf_counter() - t0:.1f} s, {len(figs)} figures")
    if args.figures:
        print(f"Figures written to {args.figures.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
