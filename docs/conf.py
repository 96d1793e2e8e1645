"""Sphinx configuration: API reference from the docstrings, tutorials from executed notebooks.

Build with ``make docs`` (it installs the ``docs`` extra into ``.venv`` and executes the
tutorials first); see ``docs/README.md``.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")

import neuroproc  # noqa: E402

project = "neuroproc"
author = "the neuroproc developers"
copyright = "2026, the neuroproc developers"
release = neuroproc.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_nb",
]

# -- API reference ----------------------------------------------------------------------------
# autosummary walks the package (recursive), so every module added under src/neuroproc gets its
# page without editing a list. Each name is documented once, in the module that defines it
# (imported names are left out; the top-level page links the curated names to those pages).
autosummary_generate = True
autosummary_imported_members = False
autosummary_ignore_module_all = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_preserve_defaults = True
autodoc_inherit_docstrings = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = False

# -- notebooks and Markdown -------------------------------------------------------------------
# The tutorials are rendered as executed by docs/execute_notebooks.py (no Jupyter kernel).
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md", "api/generated/*.md", "**.ipynb_checkpoints"]
# "more than one target found" for words in parameter types such as "shape (n, m)": the
# type text is not a reference, and many classes have a "shape" attribute.
suppress_warnings = ["myst.header", "ref.python"]

html_theme = "furo"
html_title = f"neuroproc {release}"
html_static_path: list[str] = []


def _write_toplevel_names(app: object) -> None:
    """api/toplevel.rst: every name in ``neuroproc.__all__``, linked to where it is defined."""
    rows = []
    for name in neuroproc.__all__:
        obj = getattr(neuroproc, name)
        module = getattr(obj, "__module__", None) or "neuroproc"
        home = f"{module}.{getattr(obj, '__qualname__', name)}"
        try:
            importlib.import_module(module)
        except ImportError:
            home = f"neuroproc.{name}"
        rows.append(f"   * - :py:obj:`neuroproc.{name} <{home}>`\n     - ``{home}``")
    text = ("Top-level names\n===============\n\n"
            "``from neuroproc import ...`` gives these names; each is documented where it is "
            "defined.\n\n.. list-table::\n   :header-rows: 1\n\n   * - name\n     - defined in\n"
            + "\n".join(rows) + "\n")
    target = HERE / "api" / "toplevel.rst"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


def setup(app: object) -> None:
    app.connect("builder-inited", _write_toplevel_names)  # type: ignore[attr-defined]
