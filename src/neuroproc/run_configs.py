"""RunConfigs choose one ProcessModel per Process.

``Loihi1SimCfg`` / ``Loihi2SimCfg`` apply these rules in order (one private function each):

1. an entry for the Process's class (or a base class) in ``exception_proc_model_map`` wins;
2. the candidates are the models registered for the class (then its bases, nearest first) that
   a CPU can simulate: Python models and sub-process models;
3. a single candidate is used; if ``select_tag`` is given and the candidate has tags but not
   that one, it is an error (an untagged model, such as Monitor's, fits every tag);
4. with several: keep those tagged ``select_tag`` (if given); among them prefer sub-process
   models when ``select_sub_proc_model`` is true, Python models otherwise; the first in
   registration order wins.

Subclasses may override ``select(proc, proc_models)`` and fall back on ``super().select``.
"""
from __future__ import annotations

from neuroproc._validation import short_repr, suggest, who
from neuroproc.exceptions import SelectionError, ValidationError
from neuroproc.model import AbstractProcessModel, AbstractPyProcessModel, AbstractSubProcessModel
from neuroproc.registry import looked_in

__all__ = ["Loihi1SimCfg", "Loihi2SimCfg", "RunConfig"]

_BACKENDS = ("auto", "python", "compiled")
_FOLDS = ("exact", "linear")


def _check_threads(value, where: str) -> int | str:
    """``threads`` of a RunConfig: ``'auto'`` or an int >= 1."""
    if isinstance(value, str) and value == "auto":
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return int(value)
    raise ValidationError(f"{where}.threads must be 'auto' or an int >= 1 (got {short_repr(value)}). "
                          "Pass threads=1 for one thread, or threads=2 to split a large network over two cores.")


class RunConfig:
    """Base RunConfig: subclasses implement ``select``.

    ``backend`` picks the runtime backend: ``'python'`` (cooperative reference runtime),
    ``'compiled'`` (fused numba loop where models provide kernels) or ``'auto'``.

    ``fold`` picks what the compiler's fold stage removes (see :mod:`neuroproc.compiler.fold`):
    ``'exact'`` (default) removes identity Processes such as ``Passthrough`` wherever results
    stay bit-identical; ``'linear'`` also merges chains and parallel paths of float Dense, Sparse
    and Conv into one weight matrix (same timing, equal up to float rounding) and removes all-zero
    connections; ``False`` folds nothing.

    ``precompute=True`` runs the host Processes that no chip output reaches (sources and the
    Python models they alone feed) ahead of the rest for each ``RunSteps(n)``, and replays what
    they send, so the rest can be fused by the compiled backend (Nengo-Loihi's ``precompute``;
    exact rule and limits in :mod:`neuroproc.runtime.precompute`).

    ``threads`` is how many threads the compiled backend's fused loop may run on: ``'auto'``
    (default: two for large networks, one otherwise), or an int (``1``: one thread). The results
    are the same bits either way; ``backend.stats['threads']`` and ``['threads_why']`` tell what
    was chosen (see :mod:`neuroproc.runtime._parallel`).
    """

    def __init__(self, custom_sync_domains=None, loglevel: int | None = None, backend: str = "auto",
                 fold: bool | str = "exact", precompute: bool = False, threads: int | str = "auto"):
        if backend not in _BACKENDS:
            raise ValidationError(f"{type(self).__name__}.backend must be one of {_BACKENDS} "
                                  f"(got {backend!r}).{suggest(backend, _BACKENDS)}")
        fold = check_fold(fold, type(self).__name__)
        if not isinstance(precompute, bool):
            raise ValidationError(f"{type(self).__name__}.precompute must be True or False "
                                  f"(got {short_repr(precompute)}).")
        self.precompute = precompute
        self.custom_sync_domains = custom_sync_domains or []
        self.loglevel = loglevel
        self.backend = backend
        self.fold = fold
        self.threads = _check_threads(threads, type(self).__name__)

    def select(self, proc, proc_models: list[type]) -> type:
        """Return the model class to use for ``proc`` among ``proc_models``."""
        raise NotImplementedError(f"{type(self).__name__} must implement select(proc, proc_models).")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(backend={self.backend!r})"


class AbstractLoihiSimRunCfg(RunConfig):
    """CPU simulation of a Loihi network: selection by tag, sub-model preference, exception map."""

    def __init__(self, custom_sync_domains=None, select_tag: str | None = None,
                 select_sub_proc_model: bool = False, exception_proc_model_map: dict | None = None,
                 loglevel: int | None = None, backend: str = "auto", fold: bool | str = "exact",
                 precompute: bool = False, threads: int | str = "auto"):
        super().__init__(custom_sync_domains, loglevel, backend, fold, precompute, threads)
        if select_tag is not None and not isinstance(select_tag, str):
            raise ValidationError(f"{type(self).__name__}.select_tag must be a str or None "
                                  f"(got {short_repr(select_tag)}).")
        self.select_tag = select_tag
        self.select_sub_proc_model = bool(select_sub_proc_model)
        self.exception_proc_model_map = dict(exception_proc_model_map or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(select_tag={self.select_tag!r}, backend={self.backend!r})"

    def select(self, proc, proc_models: list[type]) -> type:
        chosen = self._from_exception_map(proc)
        if chosen is not None:
            return chosen
        candidates = self._simulatable(proc, proc_models)
        if len(candidates) == 1:
            return self._single(proc, candidates[0])
        return self._by_tag_and_kind(proc, candidates)

    # rule 1
    def _from_exception_map(self, proc):
        for cls in type(proc).__mro__:
            if cls in self.exception_proc_model_map:
                return self.exception_proc_model_map[cls]
        return None

    # rule 2
    def _simulatable(self, proc, proc_models):
        out = [m for m in proc_models
               if isinstance(m, type) and issubclass(m, (AbstractPyProcessModel, AbstractSubProcessModel))]
        if not out:
            listed = ", ".join(_describe(m) for m in proc_models) or "none registered"
            looked = looked_in(type(proc))
            package = type(proc).__module__.rpartition(".")[0]
            where = ("; it is not defined in a package, so only imported models count" if looked is None
                     else f"; looked in {', '.join(looked)}" if looked
                     else f"; package {package} has no other modules to look in")
            raise SelectionError(
                f"{self!r} found no CPU-simulatable model for {who(proc)} (models: {listed}{where}). "
                f"Define a PyLoihiProcessModel with @implements(proc={type(proc).__name__}, ...) "
                "in the Process's package (models.py) or import the module that defines it.")
        return out

    # rule 3
    def _single(self, proc, model):
        tags = list(getattr(model, "tags", []))
        if self.select_tag is not None and tags and self.select_tag not in tags:
            raise SelectionError(self._no_tag_message(proc, [model]))
        return model

    # rule 4
    def _by_tag_and_kind(self, proc, candidates):
        tagged = candidates
        if self.select_tag is not None:
            tagged = [m for m in candidates if self.select_tag in getattr(m, "tags", [])]
            if not tagged:
                raise SelectionError(self._no_tag_message(proc, candidates))
        prefer = AbstractSubProcessModel if self.select_sub_proc_model else AbstractPyProcessModel
        preferred = [m for m in tagged if issubclass(m, prefer)]
        return (preferred or tagged)[0]

    def _no_tag_message(self, proc, candidates) -> str:
        listed = ", ".join(_describe(m) for m in candidates)
        all_tags = sorted({t for m in candidates for t in getattr(m, "tags", [])})
        return (f"{self!r} found no model for {who(proc)}. Candidates: {listed}."
                f"{suggest(str(self.select_tag), all_tags)}")


def _describe(model) -> str:
    tags = ", ".join(getattr(model, "tags", []))
    return f"{getattr(model, '__name__', model)} [{tags}]"


class Loihi1SimCfg(AbstractLoihiSimRunCfg):
    """Simulate a Loihi 1 network on the CPU: pick one model per Process by the rules above.

    Parameters
    ----------
    custom_sync_domains : list, optional
        Accepted for compatibility with Lava; every model runs in one Loihi-protocol domain.
    select_tag : str, optional
        Prefer models with this tag, e.g. ``'floating_pt'`` or ``'fixed_pt'`` (bit-accurate).
    select_sub_proc_model : bool
        Among tagged candidates, prefer sub-process models (hierarchy) over Python models.
    exception_proc_model_map : dict, optional
        ``{ProcessClass: ModelClass}`` entries that override every other rule.
    loglevel : int, optional
        Accepted for compatibility with Lava; neuroproc logs to the ``neuroproc`` logger.
    backend : {'auto', 'python', 'compiled'}
        Runtime backend (see :class:`RunConfig`).
    fold : {'exact', 'linear', False}
        What the compiler folds away (see :class:`RunConfig`).
    precompute : bool
        Run the host Processes no chip output reaches ahead of the rest (see :class:`RunConfig`).
    threads : 'auto' or int
        Threads of the compiled backend's fused loop (see :class:`RunConfig`).

    Examples
    --------
    >>> Loihi1SimCfg(select_tag="fixed_pt", backend="python")
    Loihi1SimCfg(select_tag='fixed_pt', backend='python')
    """


class Loihi2SimCfg(AbstractLoihiSimRunCfg):
    """Simulate a Loihi 2 network on the CPU; the same rules and parameters as
    :class:`Loihi1SimCfg` (models choose their Loihi generation through tags and ``@requires``).
    """


def check_fold(fold, owner: str = "RunConfig") -> bool | str:
    """``fold`` as a fold mode: ``False``, ``'exact'`` or ``'linear'`` (``True`` means ``'exact'``)."""
    if fold is True:
        return "exact"
    if fold is False or (isinstance(fold, str) and fold in _FOLDS):
        return fold
    raise ValidationError(f"{owner}.fold must be one of {(False,) + _FOLDS} (got {short_repr(fold)})."
                          f"{suggest(fold, _FOLDS)}")


def check_selected(run_cfg, proc, model) -> type:
    """A RunConfig's choice must be a ProcessModel class that implements ``proc``'s class."""
    if not (isinstance(model, type) and issubclass(model, AbstractProcessModel)):
        raise SelectionError(f"{type(run_cfg).__name__}.select() returned {short_repr(model)} for "
                             f"{who(proc)}; it must return a ProcessModel class.")
    impl = getattr(model, "implements_process", None)
    if impl is not None and not isinstance(proc, impl):
        raise SelectionError(f"{type(run_cfg).__name__}.select() returned {model.__name__} for "
                             f"{who(proc)}, but that model implements {impl.__name__}.")
    return model
