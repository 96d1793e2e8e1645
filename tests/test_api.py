"""The public API: a curated, sorted __all__, and one-way layering of the modules."""
from __future__ import annotations

import ast
from pathlib import Path

import neuroproc

SRC = Path(neuroproc.__file__).parent

# lower layers must not import higher ones (the single upward call is imported lazily)
LAYERS = [
    {"exceptions", "_validation", "_ids"},
    {"variable", "ports", "resources", "sync", "chips"},
    {"process", "model", "decorators", "registry", "py_ports"},
    {"run_conditions", "run_configs"},
    {"compiler"},
    {"runtime"},
    {"proc", "utils", "learning"},
    {"report", "traffic", "placement"},
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


def test_compiler_and_runtime_name_no_standard_process():
    """Hooks, not names: compiler/ and runtime/ import nothing from neuroproc.proc, not even lazily
    inside functions (a model declares what they need: kernel, identity, linear map, recordings)."""
    bad = []
    for pkg in ("compiler", "runtime"):
        for path in (SRC / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                        "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                    names = [str(node.args[0].value)]
                bad += [f"{pkg}/{path.name} imports {n}" for n in names
                        if n == "neuroproc.proc" or n.startswith("neuroproc.proc.")]
    assert not bad, bad
