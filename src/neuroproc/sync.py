"""Synchronization protocols: how the runtime steps a model.

``LoihiProtocol``: every time step runs the spiking phase of every model, then the management
phases (pre, learning, post) where their guards say so; all models finish a phase before any
starts the next. ``AsyncProtocol``: the model's ``run_async`` runs once per ``run`` call.
"""
from __future__ import annotations

from neuroproc.exceptions import ValidationError

__all__ = ["AbstractSyncProtocol", "AsyncProtocol", "LoihiProtocol", "SyncDomain"]


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


class SyncDomain:
    """Processes that run under one protocol (Lava's ``custom_sync_domains`` of a RunConfig).

    neuroproc derives each model's protocol from the model itself (``@implements(protocol=...)``)
    and runs all of them in one runtime, so a domain is recorded, not needed.
    """

    def __init__(self, name: str, protocol: AbstractSyncProtocol | None = None,
                 processes: list | None = None):
        self.name = name
        self.protocol = protocol
        self.processes = list(processes or [])

    def set_protocol(self, protocol: AbstractSyncProtocol) -> None:
        if not isinstance(protocol, AbstractSyncProtocol):
            raise ValidationError(f"SyncDomain {self.name!r}: protocol must be a protocol instance "
                                  f"such as LoihiProtocol() (got {protocol!r}).")
        self.protocol = protocol

    def add_process(self, process) -> None:
        """Add a Process (or a list of them)."""
        self.processes += process if isinstance(process, list) else [process]

    def __repr__(self) -> str:
        return f"SyncDomain({self.name!r}, {type(self.protocol).__name__}, {len(self.processes)} processes)"
