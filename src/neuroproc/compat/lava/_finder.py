"""The import hook: a meta-path finder that answers every ``lava.…`` module with a proxy module.

A proxy holds no objects of its own: each attribute read is looked up in its targets (the shim,
then the neuroproc modules of ``_table``), so ``lava.proc.lif.process.LIF`` *is*
``neuroproc.proc.lif.process.LIF`` and names added to neuroproc later are seen at once. A public
name that no target has raises :class:`NoCounterpartError` at once, so ``from lava.x.y import
Name`` fails at import time and never hands out a stub.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Sequence

from neuroproc.compat.lava._table import CORE, RULES, SHIMS
from neuroproc.exceptions import NeuroprocError

__all__ = ["LavaFinder", "LavaModule", "NoCounterpartError", "targets_of"]

ROOT = "lava"


class NoCounterpartError(NeuroprocError, ModuleNotFoundError):
    """A ``lava.…`` module or name that neuroproc does not provide.

    A ``ModuleNotFoundError`` (so an ``ImportError``): ``except ImportError`` guards in Lava code
    keep working.
    """


def _exists(modname: str) -> bool:
    try:
        return importlib.util.find_spec(modname) is not None
    except (ImportError, ValueError):
        return False


def _namespaces() -> set[str]:
    """Lava package names that exist only to hold the mapped modules (``lava``, ``lava.magma``…)."""
    out = {ROOT}
    for name in [*CORE, *SHIMS, *(lava for lava, _ in RULES)]:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


_NAMESPACES = _namespaces()


def targets_of(lava_name: str) -> list[str] | None:
    """The modules that hold ``lava_name``'s objects, in lookup order; None when there are none.

    A namespace package (``lava.magma``) has an empty list.
    """
    found: list[str] = []
    shim = SHIMS.get(lava_name)
    if shim is not None:
        found.append(shim)
    mapped: Sequence[str] = ()
    if lava_name in CORE:
        mapped = CORE[lava_name]
    else:
        for lava_root, np_root in RULES:
            if lava_name == lava_root or lava_name.startswith(lava_root + "."):
                mapped = (np_root + lava_name[len(lava_root):],)
                break
    found.extend(m for m in mapped if _exists(m))
    if found or lava_name in _NAMESPACES:
        return found
    return None


def _is_package(lava_name: str, targets: list[str]) -> bool:
    if lava_name in _NAMESPACES:
        return True
    for t in targets:
        spec = importlib.util.find_spec(t)
        if spec is not None and spec.submodule_search_locations is not None:
            return True
    return False


class LavaModule(types.ModuleType):
    """A ``lava.…`` module whose attributes are read from its neuroproc targets."""

    __lava_targets__: list[str]

    def _target_modules(self) -> list[types.ModuleType]:
        return [importlib.import_module(t) for t in self.__dict__["__lava_targets__"]]

    def __getattr__(self, name: str):
        d = self.__dict__
        full = f"{d['__name__']}.{name}"
        if name == "__all__":
            names: list[str] = []
            for mod in self._target_modules():
                for n in getattr(mod, "__all__", [k for k in vars(mod) if not k.startswith("_")]):
                    if n not in names:
                        names.append(n)
            return names
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module {d['__name__']!r} has no attribute {name!r}")
        sub = sys.modules.get(full)
        if sub is not None:
            return sub
        for mod in self._target_modules():
            try:
                value = getattr(mod, name)
            except AttributeError:
                continue
            if isinstance(value, types.ModuleType) and "__path__" in d:
                break  # a sub-module: answer with its lava proxy, imported below
            return value
        if name.startswith("_"):
            raise AttributeError(f"module {d['__name__']!r} has no attribute {name!r}")
        if "__path__" in d:
            try:
                return importlib.import_module(full)
            except NoCounterpartError:
                pass
        raise NoCounterpartError(
            f"neuroproc has no counterpart of {full}. Looked in: "
            f"{', '.join(d['__lava_targets__']) or 'nothing (a namespace package)'}; "
            "see the README's 'Coming from Lava' table for what exists.", name=full)

    def __dir__(self) -> list[str]:
        names = set(self.__dict__)
        for mod in self._target_modules():
            names.update(k for k in dir(mod) if not k.startswith("_"))
        return sorted(names)

    def __repr__(self) -> str:
        targets = ", ".join(self.__dict__["__lava_targets__"]) or "namespace"
        return f"<module {self.__name__!r} (neuroproc: {targets})>"


class LavaFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads every ``lava.…`` module as a :class:`LavaModule`."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != ROOT and not fullname.startswith(ROOT + "."):
            return None
        targets = targets_of(fullname)
        if targets is None:
            raise NoCounterpartError(
                f"neuroproc has no counterpart of module {fullname}. See the README's 'Coming "
                "from Lava' table for what exists.", name=fullname)
        is_pkg = _is_package(fullname, targets)
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=is_pkg)
        spec.loader_state = targets
        if is_pkg:
            spec.submodule_search_locations = []
        return spec

    def create_module(self, spec):
        module = LavaModule(spec.name)
        module.__dict__["__lava_targets__"] = list(spec.loader_state)
        return module

    def exec_module(self, module) -> None:
        targets = module.__dict__["__lava_targets__"]
        for t in targets:
            importlib.import_module(t)  # import errors of the targets surface at import time
        if targets:
            origin = getattr(sys.modules[targets[-1]], "__file__", None)
            if origin is not None:
                module.__dict__["__file__"] = origin
