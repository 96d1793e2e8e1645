"""Compliance check for ProcessModels: :func:`check_process_model`.

In the spirit of scikit-learn's ``check_estimator``: any model, of the standard library or of a
user, can be run through the same checks. Failures raise ``AssertionError`` naming the model and
every problem found, so the function drops straight into a pytest test::

    @pytest.mark.parametrize("model", [PyLifModelFloat, PyLifModelBitAcc])
    def test_lif_model(model):
        check_process_model(lambda: LIF(shape=(3,), bias_mant=3), model)
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from neuroproc.exceptions import RuntimeStateError
from neuroproc.model import AbstractProcessModel, AbstractSubProcessModel, LavaPyType
from neuroproc.ports import InPort, OutPort, RefPort, VarPort
from neuroproc.proc.io import sink, source
from neuroproc.py_ports import PyInPort, PyOutPort, PyRefPort, PyVarPort
from neuroproc.run_conditions import RunSteps
from neuroproc.run_configs import Loihi1SimCfg

__all__ = ["check_process_model"]

_FIXED_TAGS = ("fixed_pt", "bit_accurate_loihi")
_PORT_KINDS = ((InPort, PyInPort), (OutPort, PyOutPort), (RefPort, PyRefPort), (VarPort, PyVarPort))


def check_process_model(proc_factory: Callable[[], object], model_cls: type,
                        num_steps: int = 3, backend: str = "python") -> None:
    """Check that ``model_cls`` implements the Process that ``proc_factory()`` builds.

    1. The model is a ProcessModel class that implements the Process's class.
    2. A leaf (Python) model declares every Var of the Process with a LavaPyType that is not a
       port type (and has a valid numpy dtype), and every port with a LavaPyType of the matching
       model-side port class (``PyInPort`` for an ``InPort``, ...).
    3. The Process runs ``num_steps`` steps with the model forced through
       ``exception_proc_model_map``; unconnected InPorts get a ``RingBuffer`` source of random
       0/1 spikes and unconnected OutPorts a ``RingBuffer`` sink (fixed-point ones for models
       tagged ``fixed_pt`` or ``bit_accurate_loihi``, float ones otherwise).
    4. While paused, every Var survives ``set(get())`` unchanged (shape, dtype and values), and
       the model still runs one more step afterwards.

    Parameters
    ----------
    proc_factory : callable
        Returns a new Process (with whatever it needs connected, e.g. a Monitor with its
        probes, which must hold at least ``num_steps + 1`` steps).
    model_cls : type
        The model to check.
    num_steps : int
        Steps of the first run.
    backend : str
        Runtime backend; ``'python'`` (default) runs the model's own Python code.

    Raises
    ------
    AssertionError
        Listing every problem found.
    """
    if not (isinstance(model_cls, type) and issubclass(model_cls, AbstractProcessModel)):
        raise AssertionError(f"check_process_model: {model_cls!r} is not a ProcessModel class.")
    proc = proc_factory()
    problems = _declaration_problems(proc, model_cls)
    if problems:
        raise AssertionError(_report(model_cls, proc, problems))
    fixed = any(t in getattr(model_cls, "tags", []) for t in _FIXED_TAGS)
    helpers = _connect_helpers(proc, num_steps + 1, fixed)
    cfg = Loihi1SimCfg(
        select_sub_proc_model=issubclass(model_cls, AbstractSubProcessModel),
        exception_proc_model_map={**helpers, type(proc): model_cls}, backend=backend,
        fold=False)  # the model under test must run, not be folded away
    try:
        proc.run(RunSteps(num_steps), cfg)
        if proc.model_class is not model_cls:
            problems.append(f"the run selected {proc.model_class!r}, not the forced model")
        problems += _round_trip_problems(proc)
        proc.run(RunSteps(1), cfg)
    finally:
        proc.stop()
    if problems:
        raise AssertionError(_report(model_cls, proc, problems))


def _report(model_cls, proc, problems) -> str:
    lines = "\n  - ".join(problems)
    return f"{model_cls.__name__} does not comply for {proc.who}:\n  - {lines}"


def _py_type(model_cls, name, member):
    finder = getattr(model_cls, "py_type_for", None)
    return finder(name, member) if finder is not None else model_cls.lava_py_types().get(name)


def _declaration_problems(proc, model_cls) -> list[str]:
    problems = []
    impl = getattr(model_cls, "implements_process", None)
    if impl is None or not isinstance(proc, impl):
        problems.append(f"implements {getattr(impl, '__name__', impl)}, not {type(proc).__name__} "
                        "(use @implements(proc=...))")
    if issubclass(model_cls, AbstractSubProcessModel):
        return problems
    port_classes = tuple(py for _, py in _PORT_KINDS)
    for var in proc.vars:
        lpt = _py_type(model_cls, var.name, var)
        if not isinstance(lpt, LavaPyType):
            problems.append(f"Var {var.name!r} has no LavaPyType")
        elif isinstance(lpt.cls, type) and issubclass(lpt.cls, port_classes):
            problems.append(f"Var {var.name!r} is declared as a port type {lpt!r}")
        elif not _valid_dtype(lpt.d_type):
            problems.append(f"Var {var.name!r} has no valid numpy dtype: {lpt!r}")
    for port in proc._all_ports():
        expected = next(py for kind, py in _PORT_KINDS if isinstance(port, kind))
        lpt = _py_type(model_cls, port.name, port)
        if not isinstance(lpt, LavaPyType):
            if expected is not PyVarPort:  # VarPorts are served by the runtime directly
                problems.append(f"{type(port).__name__} {port.name!r} has no LavaPyType")
        elif not (isinstance(lpt.cls, type) and issubclass(lpt.cls, expected)):
            problems.append(f"{type(port).__name__} {port.name!r} is declared as {lpt!r}; "
                            f"expected a {expected.__name__} type")
    return problems


def _valid_dtype(d_type) -> bool:
    try:
        np.dtype(d_type)
    except TypeError:
        return False
    return True


def _connect_helpers(proc, steps: int, fixed: bool) -> dict:
    """Sources on unconnected InPorts, sinks on unconnected OutPorts; their models by class."""
    rng = np.random.default_rng(0)
    used = {}
    for port in proc.in_ports:
        if not port.in_connections:
            data = (rng.random(port.shape + (steps,)) < 0.5).astype(np.int32 if fixed else float)
            source.RingBuffer(data=data).s_out.connect(port)
            used[source.RingBuffer] = source.PySendModelFixed if fixed else source.PySendModelFloat
    for port in proc.out_ports:
        if not port.out_connections:
            port.connect(sink.RingBuffer(shape=port.shape, buffer=steps).a_in)
            used[sink.RingBuffer] = sink.PyReceiveModelFixed if fixed else sink.PyReceiveModelFloat
    return used


def _round_trip_problems(proc) -> list[str]:
    problems = []
    for var in proc.vars:
        if var.fixed_after_compile:  # set() is refused while paused, by design
            try:
                var.set(var.get())
            except RuntimeStateError:
                continue
            problems.append(f"Var {var.name!r}: fixed after compile, but set() while paused was "
                            "accepted")
            continue
        try:
            before = var.get()
            var.set(before)
            after = var.get()
        except Exception as exc:  # report every Var, not only the first that fails
            problems.append(f"Var {var.name!r}: get/set while paused raised {type(exc).__name__}: {exc}")
            continue
        before, after = np.asarray(before), np.asarray(after)
        if before.shape != after.shape or before.dtype != after.dtype:
            problems.append(f"Var {var.name!r}: set(get()) changed {before.shape}/{before.dtype} "
                            f"into {after.shape}/{after.dtype}")
        elif not np.array_equal(before, after, equal_nan=before.dtype.kind == "f"):
            problems.append(f"Var {var.name!r}: set(get()) changed its values")
    return problems
