"""``lava.magma.compiler.compiler.Compiler``: a facade over neuroproc's compile stages.

``Compiler().compile(proc, run_cfg)`` returns the same :class:`neuroproc.compiler.Executable`
as ``proc.compile(run_cfg)`` (collect -> select -> fold -> flatten -> plan); Lava's
``compile_config`` and ``loglevel`` are accepted and recorded.
"""
from __future__ import annotations

import logging

from neuroproc._validation import short_repr
from neuroproc.exceptions import ValidationError

__all__ = ["Compiler"]


class Compiler:
    """Lava's compiler entry point, backed by :func:`neuroproc.compiler.compile_network`."""

    def __init__(self, compile_config: dict | None = None, loglevel: int = logging.WARNING):
        if compile_config is not None and not isinstance(compile_config, dict):
            raise ValidationError(f"Compiler: compile_config must be a dict (got "
                                  f"{short_repr(compile_config)}).")
        self._compile_config = dict(compile_config or {})
        self.log = logging.getLogger(__name__)
        self.log.setLevel(loglevel)

    def compile(self, process, run_cfg):
        """The Executable of the network around ``process`` under ``run_cfg``."""
        from neuroproc.process import AbstractProcess

        if not isinstance(process, AbstractProcess):
            raise ValidationError(f"Compiler.compile: expected a Process (got {short_repr(process)}).")
        return process.compile(run_cfg)
