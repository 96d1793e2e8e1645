"""Synchronization protocols: how the runtime steps a model.

``LoihiProtocol``: every time step runs the spiking phase of every model, then the management
phases (pre, learning, post) where their guards say so; all models finish a phase before any
starts the next. ``AsyncProtocol``: the model's ``run_async`` runs once per ``run`` call.
"""
from __future__ import annotations

__all__ = ["AbstractSyncProtocol", "AsyncProtocol", "LoihiProtocol"]


class AbstractSyncProtocol:
    """Base of the protocols."""

    phases: tuple[str, ...] = ()


class LoihiProtocol(AbstractSyncProtocol):
    """Lock-step phases per time step: spk, pre_mgmt, lrn, post_mgmt."""

    SPK = "run_spk"
    PRE_MGMT = "run_pre_mgmt"
    LRN = "run_lrn"
    POST_MGMT = "run_post_mgmt"
    phases = (SPK, PRE_MGMT, LRN, POST_MGMT)
    #: guard method of each management phase
    guards = {PRE_MGMT: "pre_guard", LRN: "lrn_guard", POST_MGMT: "post_guard"}


class AsyncProtocol(AbstractSyncProtocol):
    """No phases: the model runs ``run_async`` for the whole run."""

    ASYNC = "run_async"
    phases = (ASYNC,)
