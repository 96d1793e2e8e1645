"""neuroproc: build and simulate neuromorphic programs with Lava's concepts and numbers.

Processes declare state and interface; ProcessModels declare behaviour; a RunConfig picks a
model per Process; the runtime steps them in lock-step through FIFO channels.
"""
from __future__ import annotations

from neuroproc._version import __version__
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import (
    CompilationError,
    DeadlockError,
    NeuroprocError,
    NeuroprocWarning,
    PortConnectionError,
    RuntimeStateError,
    SelectionError,
    ShapeError,
    SimulationError,
    ValidationError,
)
from neuroproc.model import (
    AbstractProcessModel,
    AbstractPyProcessModel,
    AbstractSubProcessModel,
    LavaPyType,
    PyAsyncProcessModel,
    PyLoihiProcessModel,
)
from neuroproc.ports import InPort, OutPort, RefPort, VarPort
from neuroproc.process import AbstractProcess
from neuroproc.proc.monitor import Monitor
from neuroproc.py_ports import PyInPort, PyOutPort, PyRefPort, PyVarPort
from neuroproc.report import deployment_report
from neuroproc.resources import CPU, GPU, LMT, Loihi1NeuroCore, Loihi2NeuroCore, NeuroCore
from neuroproc.run_conditions import RunContinuous, RunSteps
from neuroproc.run_configs import Loihi1SimCfg, Loihi2SimCfg, RunConfig
from neuroproc.sync import AsyncProtocol, LoihiProtocol
from neuroproc.traffic import count_traffic
from neuroproc.variable import Var


__all__ = [
    "AbstractProcess",
    "AbstractProcessModel",
    "AbstractPyProcessModel",
    "AbstractSubProcessModel",
    "AsyncProtocol",
    "CPU",
    "CompilationError",
    "DeadlockError",
    "GPU",
    "InPort",
    "LMT",
    "LavaPyType",
    "Loihi1NeuroCore",
    "Loihi1SimCfg",
    "Loihi2NeuroCore",
    "Loihi2SimCfg",
    "LoihiProtocol",
    "Monitor",
    "NeuroCore",
    "NeuroprocError",
    "NeuroprocWarning",
    "OutPort",
    "PortConnectionError",
    "PyAsyncProcessModel",
    "PyInPort",
    "PyLoihiProcessModel",
    "PyOutPort",
    "PyRefPort",
    "PyVarPort",
    "RefPort",
    "RunConfig",
    "RunContinuous",
    "RunSteps",
    "RuntimeStateError",
    "SelectionError",
    "ShapeError",
    "SimulationError",
    "ValidationError",
    "Var",
    "VarPort",
    "count_traffic",
    "deployment_report",
    "implements",
    "requires",
    "tag",
]
