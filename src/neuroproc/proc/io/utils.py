"""Policies of the host channels of ``Injector``, ``Extractor`` and ``VarWire`` (Lava's names).

A host channel is a bounded FIFO between the user's program (any thread) and a model of a
running network. Three policies decide what happens at its ends, as in Lava:

* ``SendFull`` -- the sender finds the buffer full: ``BLOCKING`` waits for room,
  ``NON_BLOCKING_DROP`` drops the item with a warning;
* ``ReceiveEmpty`` -- the receiver finds it empty: ``BLOCKING`` waits for an item,
  ``NON_BLOCKING_ZEROS`` takes zeros;
* ``ReceiveNotEmpty`` -- the receiver finds items: ``FIFO`` takes the oldest, ``ACCUMULATE``
  takes the sum of all of them.

Unlike Lava, a blocking wait never hangs silently: it ends with a
:class:`~neuroproc.exceptions.DeadlockError` when no other thread is left that could serve the
other end, or after the channel's ``timeout`` (seconds) if one is given. The channel itself is in
:mod:`neuroproc.proc.io._host_channel`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum, auto

import numpy as np

from neuroproc._validation import short_repr
from neuroproc.exceptions import ParameterTypeError, ValidationError

__all__ = ["ChannelConfig", "ReceiveEmpty", "ReceiveNotEmpty", "SendFull", "validate_buffer_size",
           "validate_channel_config", "validate_shape"]


class SendFull(IntEnum):
    """What a sender does when the buffer is full: wait (``BLOCKING``) or drop and warn."""

    BLOCKING = auto()
    NON_BLOCKING_DROP = auto()


class ReceiveEmpty(IntEnum):
    """What a receiver does when the buffer is empty: wait (``BLOCKING``) or take zeros."""

    BLOCKING = auto()
    NON_BLOCKING_ZEROS = auto()


class ReceiveNotEmpty(IntEnum):
    """What a receiver takes from a non-empty buffer: the oldest item or the sum of all."""

    FIFO = auto()
    ACCUMULATE = auto()


@dataclass
class ChannelConfig:
    """The three policies of one host channel (Lava's defaults: block, block, FIFO)."""

    send_full: SendFull = SendFull.BLOCKING
    receive_empty: ReceiveEmpty = ReceiveEmpty.BLOCKING
    receive_not_empty: ReceiveNotEmpty = ReceiveNotEmpty.FIFO

    def get_send_full_function(self) -> Callable:
        """``f(channel, data)`` sending with this config's ``send_full`` policy."""
        policy = self.send_full
        return lambda channel, data: channel.send(data, policy)

    def get_receive_empty_function(self) -> Callable:
        """``f(channel, zeros)`` receiving from an empty channel with this config's policy."""
        policy = self.receive_empty
        return lambda channel, zeros: channel.recv_empty(zeros, policy)

    def get_receive_not_empty_function(self) -> Callable:
        """``f(channel, zeros, n)`` receiving from a channel holding ``n`` items."""
        policy = self.receive_not_empty
        return lambda channel, zeros, n: channel.recv_not_empty(zeros, n, policy)


def validate_shape(shape: tuple[int, ...]) -> None:
    """Raise unless ``shape`` is a tuple of positive ints (TypeError / ValueError, as Lava)."""
    if not isinstance(shape, tuple):
        raise ParameterTypeError(f"shape must be a tuple of positive ints (got {short_repr(shape)}). "
                                 f"Pass e.g. shape=({shape},).")
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise ParameterTypeError(f"shape must be a tuple of positive ints (got {short_repr(shape)}). "
                                     "Use whole numbers.")
        if s <= 0:
            raise ValidationError(f"shape must be a tuple of positive ints (got {short_repr(shape)}). "
                                  "Every axis needs at least one element.")


def validate_buffer_size(buffer_size: int) -> None:
    """Raise unless ``buffer_size`` is a positive int (TypeError / ValueError, as Lava)."""
    if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)):
        raise ParameterTypeError(f"buffer_size must be a positive int (got {short_repr(buffer_size)}). "
                                 "Pass the number of items the channel holds.")
    if buffer_size <= 0:
        raise ValidationError(f"buffer_size must be a positive int (got {buffer_size}). "
                              "Pass the number of items the channel holds, at least 1.")


def validate_channel_config(channel_config: ChannelConfig) -> None:
    """Raise ``TypeError`` unless ``channel_config`` is a ChannelConfig of the three enums."""
    if not isinstance(channel_config, ChannelConfig):
        raise ParameterTypeError(f"channel_config must be a ChannelConfig (got "
                                 f"{short_repr(channel_config)}). Pass utils.ChannelConfig(...).")
    for field, enum in (("send_full", SendFull), ("receive_empty", ReceiveEmpty),
                        ("receive_not_empty", ReceiveNotEmpty)):
        value = getattr(channel_config, field)
        if not isinstance(value, enum):
            raise ParameterTypeError(f"ChannelConfig.{field} must be a {enum.__name__} (got "
                                     f"{short_repr(value)}). Use e.g. {enum.__name__}."
                                     f"{next(iter(enum)).name}.")
