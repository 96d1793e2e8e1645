"""The public API: a curated, sorted __all__, and one-way layering of the modules."""
from __future__ import annotations

import ast
from pathlib import Path

import neuroproc

SRC = Path(neuroproc.__file__).parent

# lower layers must not import higher ones (the single upward call is imported lazily)
LAYERS = [
    {"exceptions", "_validation"},
    {"variable", "ports", "resources", "sync"},
    {"process", "model", "decorators", "registry", "py_ports"},
    {"run_conditions", "run_configs"},
    {"compiler"},
    {"runtime"},
    {"proc", "utils", "learning"},
    {"report", "traffic"},
]


def _layer(module: str) -> int:
    top = module.split(".")[1] if module.startswith("neuroproc.") else module
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return len(LAYERS)


def test_all_is_sorted_and_complete():
    assert neuroproc.__all__ == sorted(neuroproc.__all__)
    for name in neuroproc.__all__:
        assert hasattr(neuroproc, name), name


def test_layering_runs_one_way():
    bad = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        mod = ".".join(rel.parts)
        if mod in ("neuroproc.__init__",):
            continue
        own = _layer(mod)
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module-level imports only: lazy imports inside functions are allowed
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("neuroproc"):
                if _layer(node.module) > own:
                    bad.append(f"{mod} imports {node.module}")
    assert not bad, bad
