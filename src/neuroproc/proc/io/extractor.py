"""``Extractor`` and ``VarWire``: a host program pulls data out of a running network (Lava's
``lava.proc.io.extractor``).

The Extractor's model puts what ``in_port`` receives each step into a host channel; the user
takes it with ``extractor.receive()`` from any thread, also during a non-blocking run. A
``VarWire`` does the same with the value of a Var, read after every step. Policies:
:mod:`neuroproc.proc.io.utils`. On the compiled backend the Extractor fills a block of ``block``
steps inside the fused loop and hands the block's rows to the channel after it, in step order.
"""
from __future__ import annotations

import warnings

import numpy as np

from neuroproc.decorators import implements, requires
from neuroproc.exceptions import NeuroprocWarning, RuntimeStateError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort, OutPort, RefPort
from neuroproc.process import AbstractProcess
from neuroproc.proc.io import utils
from neuroproc.proc.io._host_channel import HostChannel
from neuroproc.proc.io._host_link import HostBlockModel, check_block, check_timeout, link
from neuroproc.py_ports import PyInPort, PyOutPort, PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["Extractor", "PyLoihiExtractorModel", "PyLoihiVarWireModel", "VarWire"]


class _HostReceiver(AbstractProcess):
    """The host side shared by Extractor and VarWire: ``receive()`` with the channel's policies."""

    def _receive(self, channel: HostChannel | None, need_runtime: bool = True) -> np.ndarray:
        if channel is None or (need_runtime and self._runtime is None and self._ended is None):
            raise RuntimeStateError(
                f"{self.who}.receive: the network has no runtime (got receive() before run() or "
                "create_runtime()). Call create_runtime(run_cfg) or start a run first.")
        return channel.receive(self.proc_params["channel_config"])

    def before_stop(self) -> None:
        """Called by ``stop()`` after the last step: a thread still receiving takes what is left
        (see :meth:`HostChannel.hand_over`)."""
        channel = self.proc_params.get("pm_to_p") or self.proc_params.get("pm_to_p_src_port")
        if channel is not None:
            channel.hand_over()


def _relay(channel: HostChannel, config: utils.ChannelConfig, data: np.ndarray) -> None:
    """Model side: hand ``data`` to the host; a pause that ends a wait on a full buffer drops it."""
    if not channel.send(data, config.send_full, model_side=True) \
            and config.send_full == utils.SendFull.BLOCKING:
        warnings.warn(f"{channel.label}: pause() or stop() ended a wait on a full buffer; the item "
                      "of this step was dropped. Receive before pausing to keep every item.",
                      NeuroprocWarning, stacklevel=3)


class Extractor(_HostReceiver):
    """Hands what ``in_port`` receives each step to the host program (:meth:`receive`).

    Parameters
    ----------
    shape : tuple of int
        Shape of ``in_port`` and of each item.
    buffer_size : int, optional
        How many items the host channel holds (Lava's default, 50).
    channel_config : ChannelConfig, optional
        The channel's policies (default: a step waits while the buffer is full, ``receive``
        waits for an item, FIFO).
    block : int, optional
        Steps per host exchange on the compiled backend (1: every step).
    timeout : float, optional
        Seconds a blocking wait may last before it raises (default: no limit; a wait that no
        other thread can end raises at once).

    Ports: ``in_port``; ``out_port`` (Lava's external pipe, read by :meth:`receive`) also sends
    each step what ``in_port`` received, should it be connected.
    """

    def __init__(self, shape: tuple[int, ...], buffer_size: int = 50,
                 channel_config: utils.ChannelConfig | None = None, *, block: int = 1,
                 timeout: float | None = None, **kwargs) -> None:
        channel_config = channel_config or utils.ChannelConfig()
        utils.validate_shape(shape)
        utils.validate_buffer_size(buffer_size)
        utils.validate_channel_config(channel_config)
        check_block(block, "Extractor")
        check_timeout(timeout, "Extractor")
        super().__init__(shape_1=shape, **kwargs)
        self._shape = shape
        self.in_port = InPort(shape=shape)
        self.out_port = OutPort(shape=shape)
        self.proc_params["shape"] = shape
        self.proc_params["channel_config"] = channel_config
        self.proc_params["block"] = int(block)
        channel = HostChannel(shape, buffer_size, f"{self.who}.receive", timeout)
        link(channel, self)
        self.proc_params["pm_to_p"] = channel

    def receive(self) -> np.ndarray:
        """Take one item (or, with ``ReceiveNotEmpty.ACCUMULATE``, the sum of all waiting)."""
        return self._receive(self.proc_params["pm_to_p"])


@implements(proc=Extractor, protocol=LoihiProtocol)
@requires(CPU)
class PyLoihiExtractorModel(HostBlockModel, PyLoihiProcessModel):
    """Relays ``in_port`` (float) to the host, each step, or a block at a time when fused."""

    in_port: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    out_port: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)
        self._config = self.proc_params["channel_config"]
        shape = self.proc_params.get("shape", (1,))
        # a model built by hand (not by a run) gets a channel of its own
        self._channel: HostChannel = self.proc_params.get("pm_to_p") or HostChannel(shape, 1, "extractor")
        self._setup_block(shape)

    def run_spk(self) -> None:
        data = self.in_port.recv()
        self.out_port.send(data)
        _relay(self._channel, self._config, data)

    def host_after(self, first_step: int, count: int) -> None:
        """Hand the block's rows for steps ``first_step + 1 .. first_step + count`` to the host."""
        for row in range(count):
            _relay(self._channel, self._config, self.host_block[row])

    def kernel(self):
        from neuroproc.proc.io._host_kernels import extractor_spec

        return extractor_spec()


class VarWire(_HostReceiver):
    """Hands the value of a Var, read after every step, to the host program (:meth:`receive`).

    Connect it with :meth:`connect_var` before the run.

    Parameters
    ----------
    buffer_size : int, optional
        How many values the host channel holds (Lava's default, 50).
    channel_config : ChannelConfig, optional
        The channel's policies, as for :class:`Extractor`.
    timeout : float, optional
        Seconds a blocking wait may last before it raises.

    Ports: ``wire_tap`` (a RefPort of the tapped Var's shape).
    """

    def __init__(self, buffer_size: int = 50, channel_config: utils.ChannelConfig | None = None,
                 *, timeout: float | None = None, **kwargs) -> None:
        channel_config = channel_config or utils.ChannelConfig()
        utils.validate_buffer_size(buffer_size)
        utils.validate_channel_config(channel_config)
        check_timeout(timeout, "VarWire")
        super().__init__(**kwargs)
        self.shape: tuple[int, ...] | None = None
        self.buffer_size = buffer_size
        self._timeout = timeout
        self.proc_params["channel_config"] = channel_config
        self.wire_tap = RefPort((1,))

    def connect_var(self, var: Var) -> None:
        """Tap ``var``: after every step its value goes to the host channel."""
        self.shape = var.shape
        self.wire_tap = RefPort(var.shape)
        self.wire_tap.connect_var(var)
        channel = HostChannel(var.shape, self.buffer_size, f"{self.who}.receive", self._timeout)
        link(channel, self)
        self.proc_params.overwrite("pm_to_p_src_port", channel)

    def receive(self) -> np.ndarray:
        """Take one value (or, with ``ReceiveNotEmpty.ACCUMULATE``, the sum of all waiting)."""
        return self._receive(self.proc_params.get("pm_to_p_src_port"), need_runtime=False)


@implements(proc=VarWire, protocol=LoihiProtocol)
@requires(CPU)
class PyLoihiVarWireModel(HostBlockModel, PyLoihiProcessModel):
    """Reads the tapped Var after every step (post-management) and relays it to the host; fused,
    its kernel reads the Var through the ref-port into a block relayed after every step."""

    wire_tap: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, float)

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)
        self._config = self.proc_params["channel_config"]
        self._channel: HostChannel | None = self.proc_params.get("pm_to_p_src_port")

    def host_after(self, first_step: int, count: int) -> None:
        """Hand the block's rows for steps ``first_step + 1 .. first_step + count`` to the host."""
        channel = self._channel
        if channel is None:  # not fused (kernel() gave none): nothing was stored
            return
        for row in range(count):
            _relay(channel, self._config, self.host_block[row])

    def kernel(self):
        if self._channel is None:
            return None  # the python backend says what is missing
        from neuroproc.proc.io._host_kernels import var_wire_spec

        return var_wire_spec()

    def setup_block(self) -> None:
        """The block the kernel fills (one row per step; set up when the network is fused)."""
        self._setup_block(self._channel.shape if self._channel is not None else (1,))

    def post_guard(self) -> bool:
        return True

    def run_post_mgmt(self) -> None:
        if self._channel is None:
            raise RuntimeStateError(
                "VarWire: no Var is connected (got a run without connect_var()). Call "
                "wire.connect_var(var) before the run.")
        _relay(self._channel, self._config, self.wire_tap.read())
