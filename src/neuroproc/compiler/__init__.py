"""Compiler: Process graph -> Executable, in stages that each take and return plain data.

``collect`` (reachable Processes) -> ``select`` (one model each; sub-process models expand) ->
``fold`` (identity leaves and all-zero connections removed, linear chains and parallel
connections merged, per ``RunConfig.fold``; a FoldReport says what and why) -> ``flatten``
(leaf-to-leaf channels, resolved aliases and RefPorts) -> ``plan`` (instantiated models, channel
specs). ``compile_network`` runs them all.
"""
from __future__ import annotations

from neuroproc.compiler.collect import collect
from neuroproc.compiler.flatten import Edge, FlatGraph, RefLink, flatten
from neuroproc.compiler.fold import FOLD_KINDS, FoldedSelection, FoldItem, FoldReport, RefusedFold, fold
from neuroproc.compiler.plan import Executable, ModelEntry, plan
from neuroproc.compiler.select import Selection, select

__all__ = [
    "Edge",
    "Executable",
    "FOLD_KINDS",
    "FlatGraph",
    "FoldItem",
    "FoldReport",
    "FoldedSelection",
    "ModelEntry",
    "RefLink",
    "RefusedFold",
    "Selection",
    "collect",
    "compile_network",
    "flatten",
    "fold",
    "plan",
    "select",
]


def compile_network(proc, run_cfg) -> Executable:
    """Run all stages for the network around ``proc``."""
    return plan(flatten(fold(select(collect(proc), run_cfg))))
