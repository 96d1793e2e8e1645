"""Explicit registry: Process class -> the ProcessModels registered for it (by ``@implements``).

A model is known as soon as its class statement has run, so models defined in a notebook or in
``__main__`` are found. Re-running a cell that defines a model with the same module and
qualified name replaces the earlier definition instead of adding a twin.

Discovery (:func:`discover`) fills the registry the way Lava finds models: when no model is
registered for a Process class defined in a package, the public modules beside the Process's own
module (``models`` first, then the others by name; sub-packages, private, ``test*`` and
``conftest`` modules are left alone) are imported once, so their ``@implements`` run. Nothing outside that package is scanned
and no source text is executed other than by ``import``; the registry stays the source of truth.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings

__all__ = ["discover", "find_models", "looked_in", "models_for", "register", "registered_models"]

_REGISTRY: dict[type, list[type]] = {}
#: Process class -> the modules discovery imported (or found imported) for it; None: no package
_LOOKED: dict[type, list[str] | None] = {}


def register(proc_cls: type, model_cls: type) -> None:
    models = _REGISTRY.setdefault(proc_cls, [])
    key = (model_cls.__module__, model_cls.__qualname__)
    for i, m in enumerate(models):
        if (m.__module__, m.__qualname__) == key:
            models[i] = model_cls
            return
    models.append(model_cls)


def models_for(proc_cls: type) -> list[type]:
    """Models for ``proc_cls``, then for its base classes, nearest first, in registration order."""
    out: list[type] = []
    for cls in proc_cls.__mro__:
        for m in _REGISTRY.get(cls, ()):
            if m not in out:
                out.append(m)
    return out


def registered_models() -> dict[type, list[type]]:
    """A copy of the whole registry (Process class -> models)."""
    return {k: list(v) for k, v in _REGISTRY.items()}


def _siblings(proc_cls: type) -> list[str] | None:
    """Modules beside the one defining ``proc_cls``, ``models`` first; None outside a package."""
    module = sys.modules.get(proc_cls.__module__)
    spec = getattr(module, "__spec__", None)
    if module is None or spec is None or proc_cls.__module__ == "__main__" or not spec.parent:
        return None  # a notebook, a script or a top-level module: only the registry knows models
    package = sys.modules.get(spec.parent)
    path = getattr(package, "__path__", None)
    if path is None:
        return None
    names = sorted(name for _, name, ispkg in pkgutil.iter_modules(path)
                   if not ispkg and not name.startswith(("_", "test", "conftest")))
    names.sort(key=lambda n: n != "models")
    own = proc_cls.__module__.rpartition(".")[2]
    return [f"{spec.parent}.{n}" for n in names if n != own]


def discover(proc_cls: type) -> list[str] | None:
    """Import the modules beside ``proc_cls``'s own module (once per class); return their names
    (None when the class is not defined in a package: a notebook, ``__main__``, a top-level module).

    A module that fails to import is skipped with a warning naming it, as Lava does.
    """
    if proc_cls in _LOOKED:
        return _LOOKED[proc_cls]
    looked = _siblings(proc_cls)
    _LOOKED[proc_cls] = looked
    for name in looked or ():
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # a broken sibling must not hide the models of the others
            from neuroproc.exceptions import NeuroprocWarning

            warnings.warn(f"model discovery for {proc_cls.__name__}: could not import {name} "
                          f"({type(exc).__name__}: {exc}). Its models, if any, are not known.",
                          NeuroprocWarning, stacklevel=2)
    return looked


def looked_in(proc_cls: type) -> list[str] | None:
    """The modules discovery looked at for ``proc_cls``: None if it never ran or the class is not
    in a package."""
    looked = _LOOKED.get(proc_cls)
    return None if looked is None else list(looked)


def find_models(proc_cls: type) -> list[type]:
    """:func:`models_for`, after :func:`discover` when no model is registered for the class itself."""
    if not _REGISTRY.get(proc_cls):
        discover(proc_cls)
    return models_for(proc_cls)
