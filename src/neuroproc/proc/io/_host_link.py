"""What ``Injector``, ``Extractor`` share: argument checks, the pause check, the host-block hook.

The host-block hook (see :mod:`neuroproc.runtime.compiled_backend`): a model with
``host_every`` (an int k) makes the compiled backend run its fused loop in blocks of at most k
steps and call, around each block of ``count`` steps after step ``first_step``,
``host_before(first_step, count)`` (which may return a smaller count of steps that are ready) and
``host_after(first_step, count)`` in Python. The kernel
reads or writes row ``t - 1 - host_base[0]`` of ``host_block`` at step ``t``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from neuroproc._validation import short_repr
from neuroproc.exceptions import ParameterTypeError, ValidationError

__all__ = ["HostBlockModel", "check_block", "check_timeout", "interrupt_check", "link"]


def check_block(block, who: str) -> None:
    """``block`` must be an int >= 1."""
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)):
        raise ParameterTypeError(f"{who}: block must be an int >= 1 (got {short_repr(block)}). "
                                 "Pass the number of steps per host exchange.")
    if block < 1:
        raise ValidationError(f"{who}: block must be an int >= 1 (got {block}). Pass 1 to "
                              "exchange with the host every step.")


def check_timeout(timeout, who: str) -> None:
    """``timeout`` must be None or a positive number of seconds."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValidationError(f"{who}: timeout must be None or a positive number of seconds (got "
                              f"{short_repr(timeout)}).")


def interrupt_check(proc) -> Callable[[], bool]:
    """A function telling whether ``proc``'s network was asked to pause or stop."""
    def interrupted() -> bool:
        rt = proc._live_runtime()
        return rt is not None and rt.pause_requested
    return interrupted


def link(channel, proc) -> None:
    """Let ``channel``'s waits see ``proc``'s network pause (model side) and stop (host side)."""
    channel.interrupted = interrupt_check(proc)
    channel.ended = lambda: proc._live_runtime() is None and proc._ended is not None


class HostBlockModel:
    """Mixin: the block array and base step of a model that exchanges with the host in blocks."""

    host_block: np.ndarray
    host_base: np.ndarray
    host_every: int
    proc_params: Mapping  # of the model this is mixed into

    def _setup_block(self, shape: tuple[int, ...]) -> None:
        self.host_every = int(self.proc_params.get("block", 1))
        self.host_block = np.zeros((self.host_every,) + tuple(shape))
        self.host_base = np.zeros(1, np.int64)

    def host_before(self, first_step: int, count: int) -> int | None:
        """Called before a fused block of ``count`` steps after ``first_step``; None: all ready."""
        self.host_base[0] = first_step
        return None

    def host_after(self, first_step: int, count: int) -> None:
        """Called after a fused block of ``count`` steps after ``first_step``."""
