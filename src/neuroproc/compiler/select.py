"""Stage 2: one ProcessModel per Process; sub-process models are built and expanded recursively."""
from __future__ import annotations

from dataclasses import dataclass, field

from neuroproc._validation import who
from neuroproc.compiler.collect import bfs
from neuroproc.exceptions import CompilationError
from neuroproc.model import AbstractSubProcessModel
from neuroproc.registry import find_models
from neuroproc.run_configs import check_selected

__all__ = ["Selection", "select"]


@dataclass
class Selection:
    """Result of ``select``: every Process with its model class; leaves are the executable ones."""

    procs: list
    models: dict = field(default_factory=dict)  # id(proc) -> model class
    run_cfg: object = None

    @property
    def leaves(self) -> list:
        return [p for p in self.procs if not issubclass(self.models[id(p)], AbstractSubProcessModel)]

    def is_leaf(self, proc) -> bool:
        m = self.models.get(id(proc))
        return m is not None and not issubclass(m, AbstractSubProcessModel)

    def __str__(self) -> str:
        rows = [f"{who(p)} -> {self.models[id(p)].__name__}" for p in self.procs]
        return "Selection(\n  " + "\n  ".join(rows) + "\n)"


def select(procs: list, run_cfg) -> Selection:
    """Ask ``run_cfg`` for a model for each Process; build sub-process models and select for their
    children (and anything newly reachable) until only leaves remain unexpanded."""
    sel = Selection(procs=[], run_cfg=run_cfg)
    pending = list(procs)
    seen: set[int] = set()
    while pending:
        proc = pending.pop(0)
        if id(proc) in seen:
            continue
        seen.add(id(proc))
        sel.procs.append(proc)
        model = check_selected(run_cfg, proc, run_cfg.select(proc, find_models(type(proc))))
        sel.models[id(proc)] = model
        proc._model_class = model
        if issubclass(model, AbstractSubProcessModel):
            children = _expand(proc, model)
            pending.extend(q for q in bfs(children, proc) if id(q) not in seen)
    return sel


def _expand(proc, model_cls) -> list:
    """Build (once per Process and model class) the sub-process model and register its children."""
    cached = getattr(proc, "_sub_model", None)
    if cached is None or type(cached) is not model_cls:
        if cached is not None:
            raise CompilationError(
                f"{who(proc)} was already expanded by {type(cached).__name__}; it cannot be expanded "
                f"again by {model_cls.__name__}. Build a new {type(proc).__name__} for another model.")
        try:
            cached = model_cls(proc)
        except Exception as exc:
            raise CompilationError(f"{who(proc)} ({model_cls.__name__}) failed while building its "
                                   f"sub-processes: {exc!r}") from exc
        proc._sub_model = cached
    children = []
    for name, child in cached.find_sub_procs().items():
        child.parent_proc = proc
        if name not in proc.procs:
            proc.procs.add(name, child)
        children.append(child)
    if not children:
        raise CompilationError(f"{who(proc)} ({model_cls.__name__}) built no sub-processes. "
                               "Assign the child Processes as attributes of the sub-process model.")
    return children
