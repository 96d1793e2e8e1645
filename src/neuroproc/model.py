"""ProcessModels: how a Process behaves.

``PyLoihiProcessModel`` is stepped by the Loihi protocol (``run_spk``, then guarded management
phases); ``PyAsyncProcessModel`` runs ``run_async`` once per ``run``; ``AbstractSubProcessModel``
builds the behaviour out of child Processes. ``LavaPyType`` declares how each Var and Port of the
Process appears inside the model.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from neuroproc._validation import cast_to_dtype, short_repr

__all__ = [
    "AbstractProcessModel",
    "AbstractPyProcessModel",
    "AbstractSubProcessModel",
    "LavaPyType",
    "PyAsyncProcessModel",
    "PyLoihiModelToPyAsyncModel",
    "PyLoihiProcessModel",
]


@dataclass(frozen=True)
class LavaPyType:
    """How a Var or Port appears in a Python model.

    ``cls`` is ``np.ndarray`` (the Var becomes an array of ``d_type`` and the Var's shape),
    a scalar type such as ``int`` or ``float`` (the initial value is used as given, so a
    per-neuron array works too, as in Lava), or a model-side port class such as
    ``PyInPort.VEC_DENSE``. ``precision`` documents the bit width on hardware.
    """

    cls: type
    d_type: object = float
    precision: int | None = None

    def build_value(self, init, shape, what: str, share: bool = False):
        """The model-side value of a Var from its initial value.

        With ``share``, an ``init`` array that already has the declared dtype and the shape, in
        C order, is used as it is instead of copied: the compiler hands each Var's own (private)
        initial array to the one model built from it, so large state such as weights exists once.
        """
        if self.cls is np.ndarray:
            if (share and isinstance(init, np.ndarray) and init.dtype == np.dtype(self.d_type)
                    and init.shape == tuple(shape) and init.flags.c_contiguous and init.flags.writeable):
                return init
            return cast_to_dtype(init, self.d_type, shape, what)
        if isinstance(init, np.ndarray):
            return init.copy()
        return init

    def __repr__(self) -> str:
        dt = getattr(self.d_type, "__name__", self.d_type)
        prec = "" if self.precision is None else f", precision={self.precision}"
        return f"LavaPyType({getattr(self.cls, '__name__', self.cls)}, {dt}{prec})"


class AbstractProcessModel:
    """Base of every model; ``@implements``, ``@tag`` and ``@requires`` fill the class attributes."""

    implements_process: type | None = None
    implements_protocol: type | None = None
    required_resources: list = []
    tags: list[str] = []
    #: a logger for model code (Lava models log through ``self.log``)
    log: logging.Logger = logging.getLogger("neuroproc.model")

    def __init__(self, proc_params=None, **kwargs):
        self.proc_params = proc_params if proc_params is not None else {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        """Hook: raise ``ValidationError`` when ``value`` (as the user gave it, before any cast)
        is not acceptable for Var ``name``. Called when the model is built and on every ``set``."""

    @classmethod
    def lava_py_types(cls) -> dict[str, LavaPyType]:
        """Every LavaPyType declared on the class or its bases, by attribute name."""
        out: dict[str, LavaPyType] = {}
        for klass in reversed(cls.__mro__):
            for k, v in vars(klass).items():
                if isinstance(v, LavaPyType):
                    out[k] = v
        return out


class AbstractPyProcessModel(AbstractProcessModel):
    """A model whose behaviour is Python code run by the python backend.

    The runtime sets ``time_step`` before each phase. A model may offer a compiled kernel for the
    compiled backend by defining ``kernel_spec`` (see ``neuroproc.runtime.kernels``).
    """

    time_step: int = 0
    #: set by model code (or by ``_req_rs_pause``/``_req_rs_stop``) to pause or stop the run
    #: after the current time step, as a Lava model does
    _req_pause: bool = False
    _req_stop: bool = False

    def __init__(self, proc_params=None, **kwargs):
        super().__init__(proc_params, **kwargs)
        self.time_step = 0

    def _req_rs_pause(self) -> None:
        """Ask the runtime to pause after the current time step (``run`` returns; run again to
        resume)."""
        self._req_pause = True

    def _req_rs_stop(self) -> None:
        """Ask the runtime to stop after the current time step (as ``stop()`` does)."""
        self._req_stop = True

    def on_var_update(self) -> None:
        """Called after the user sets one of this model's Vars (``var.set``) between runs; a
        model may recompute what depends on it."""

    def kernel(self):
        """A ``neuroproc.runtime.kernels.KernelSpec`` for the compiled backend, or None.

        Return one to let the compiled backend fuse this model's ``run_spk`` into its jitted
        loop; the spec must compute exactly what ``run_spk`` does."""
        return None


class PyLoihiProcessModel(AbstractPyProcessModel):
    """A model stepped by the Loihi protocol. Override ``run_spk`` and, as needed, the guarded
    management phases (``pre_guard``/``run_pre_mgmt``, ``lrn_guard``/``run_lrn``,
    ``post_guard``/``run_post_mgmt``). ``time_step`` counts from 1."""

    def run_spk(self) -> None:
        """Spiking phase: receive, update, send."""

    def pre_guard(self) -> bool:
        return False

    def run_pre_mgmt(self) -> None:
        """Pre-management phase, run when ``pre_guard()`` is true."""

    def lrn_guard(self) -> bool:
        return False

    def run_lrn(self) -> None:
        """Learning phase, run when ``lrn_guard()`` is true."""

    def post_guard(self) -> bool:
        return False

    def run_post_mgmt(self) -> None:
        """Post-management phase, run when ``post_guard()`` is true (RefPorts live here)."""


class PyAsyncProcessModel(AbstractPyProcessModel):
    """A model with no phases: ``run_async`` is called once per ``run`` and handles
    ``num_steps`` steps itself (receiving and sending as it likes)."""

    num_steps: int = 0

    def run_async(self) -> None:
        """Run ``self.num_steps`` steps."""


_LOIHI_PHASES = ("run_spk", "pre_guard", "run_pre_mgmt", "lrn_guard", "run_lrn", "post_guard",
                 "run_post_mgmt", "kernel")


def PyLoihiModelToPyAsyncModel(py_loihi_model: type) -> type:  # noqa: N802 (Lava's name)
    """An asynchronous model class equivalent to the Loihi-protocol model ``py_loihi_model``.

    The new class (named ``<model>Async``) implements the same Process under ``AsyncProtocol``,
    declares the same Vars and Ports, and its ``run_async`` runs the Loihi phases step after step
    for ``num_steps`` steps: ``run_spk``, then each management phase whose guard holds. Messages
    flow as they do between the Loihi models, so the numbers are the same.
    """
    from neuroproc.sync import AsyncProtocol

    if not (isinstance(py_loihi_model, type) and issubclass(py_loihi_model, PyLoihiProcessModel)):
        raise TypeError(f"PyLoihiModelToPyAsyncModel: expected a PyLoihiProcessModel class "
                        f"(got {short_repr(py_loihi_model)}).")
    loihi = py_loihi_model

    def run_async(self) -> None:
        # its own step count: the runtime's time_step for asynchronous models is advisory
        for _ in range(self.num_steps):
            self._async_step = getattr(self, "_async_step", 0) + 1
            self.time_step = self._async_step
            loihi.run_spk(self)
            if loihi.pre_guard(self):
                loihi.run_pre_mgmt(self)
            if loihi.lrn_guard(self):
                loihi.run_lrn(self)
            if loihi.post_guard(self):
                loihi.run_post_mgmt(self)

    def kernel(self) -> None:
        return None  # the fused kernel steps in lock-step; the async model runs in Python

    # The Loihi model comes second in the bases so that its own methods (and their super()
    # calls) keep working, while PyAsyncProcessModel makes the runtime run it asynchronously.
    body = dict(run_async=run_async, kernel=kernel, implements_process=loihi.implements_process,
                implements_protocol=AsyncProtocol, tags=list(loihi.tags),
                required_resources=list(loihi.required_resources), __module__=loihi.__module__,
                __qualname__=loihi.__qualname__ + "Async",
                __doc__=f"{loihi.__name__} run asynchronously (made by PyLoihiModelToPyAsyncModel).")
    return type(loihi.__name__ + "Async", (PyAsyncProcessModel, loihi), body)


class AbstractSubProcessModel(AbstractProcessModel):
    """A model built from child Processes: ``__init__(self, proc)`` creates them, connects them
    to ``proc``'s ports, and aliases ``proc``'s Vars to the children's."""

    def __init__(self, proc):
        if type(self) is AbstractSubProcessModel:
            raise TypeError("AbstractSubProcessModel is abstract (got a direct instantiation). "
                            "Subclass it and build the child Processes in __init__.")
        super().__init__(getattr(proc, "proc_params", None))

    def find_sub_procs(self) -> dict[str, object]:
        """Child Processes held as attributes (also inside lists, tuples and dicts)."""
        from neuroproc.process import AbstractProcess

        found: dict[str, object] = {}
        for name, value in vars(self).items():
            if isinstance(value, AbstractProcess):
                found[name] = value
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    if isinstance(v, AbstractProcess):
                        found[f"{name}[{i}]"] = v
            elif isinstance(value, dict):
                for k, v in value.items():
                    if isinstance(v, AbstractProcess):
                        found[f"{name}[{k!r}]"] = v
        return found


def check_model_class(model_cls) -> None:
    """Raise TypeError when ``model_cls`` is not a ProcessModel class."""
    if not (isinstance(model_cls, type) and issubclass(model_cls, AbstractProcessModel)):
        raise TypeError(f"expected a ProcessModel class (got {short_repr(model_cls)}).")
