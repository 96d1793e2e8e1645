"""Compiler: Process graph -> Executable, in four stages that each take and return plain data.

``collect`` (reachable Processes) -> ``select`` (one model each; sub-process models expand) ->
``flatten`` (leaf-to-leaf channels, resolved aliases and RefPorts) -> ``plan`` (instantiated
models, channel specs). ``compile_network`` runs them all.
"""
from __future__ import annotations

from neuroproc.compiler.collect import collect
from neuroproc.compiler.flatten import Edge, FlatGraph, RefLink, flatten
from neuroproc.compiler.plan import Executable, ModelEntry, plan
from neuroproc.compiler.select import Selection, select

__all__ = [
    "Edge",
    "Executable",
    "FlatGraph",
    "ModelEntry",
    "RefLink",
    "Selection",
    "collect",
    "compile_network",
    "flatten",
    "plan",
    "select",
]


def compile_network(proc, run_cfg) -> Executable:
    """Run all four stages for the network around ``proc``."""
    return plan(flatten(select(collect(proc), run_cfg)))
