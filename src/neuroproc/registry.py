"""Explicit registry: Process class -> the ProcessModels registered for it (by ``@implements``).

No filesystem scanning: a model is known as soon as its class statement has run, so models
defined in a notebook or in ``__main__`` are found. Re-running a cell that defines a model with
the same module and qualified name replaces the earlier definition instead of adding a twin.
"""
from __future__ import annotations

__all__ = ["models_for", "register", "registered_models"]

_REGISTRY: dict[type, list[type]] = {}


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
