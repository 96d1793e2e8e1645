"""``Injector``: a host program pushes data into a running network (Lava's ``lava.proc.io.injector``).

The user calls ``injector.send(data)`` from any thread, also while a non-blocking run
(``RunSteps(n, blocking=False)``, ``RunContinuous()``) steps the network in the background; at
each time step the model takes one item from the host channel (policies:
:mod:`neuroproc.proc.io.utils`) and sends it on ``out_port``.

On the compiled backend the fused loop cannot call back into Python every step: the model
exchanges with the host once per block of ``block`` steps (Nengo-Loihi's main speed lever). Before
each block it takes ``block`` items with the receive policies, in step order, into a block array
that the kernel reads row by row; the items each step sends are the same as on the python backend
whenever the host keeps ``block`` items ahead (``ReceiveEmpty.BLOCKING`` waits until it has).

``pause()`` or ``stop()`` while a step waits for host data ends the wait: on the python backend
that step has begun and sends zeros; on the compiled backend the block runs only the steps whose
items arrived, so no step sends zeros, and the next run continues with the next item.
"""
from __future__ import annotations

import numpy as np

from neuroproc.decorators import implements, requires
from neuroproc.exceptions import RuntimeStateError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import OutPort
from neuroproc.process import AbstractProcess
from neuroproc.proc.io import utils
from neuroproc.proc.io._host_channel import HostChannel
from neuroproc.proc.io._host_link import HostBlockModel, check_block, check_timeout, link
from neuroproc.py_ports import PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["Injector", "PyLoihiInjectorModel"]


class Injector(AbstractProcess):
    """Sends on ``out_port``, each step, one item the host program gave to :meth:`send`.

    Parameters
    ----------
    shape : tuple of int
        Shape of ``out_port`` and of each item.
    buffer_size : int, optional
        How many items the host channel holds (Lava's default, 50).
    channel_config : ChannelConfig, optional
        The channel's policies (default: ``send`` blocks on a full buffer, a step waits for an
        item, FIFO).
    block : int, optional
        Steps per host exchange on the compiled backend (1: every step).
    timeout : float, optional
        Seconds a blocking wait may last before it raises (default: no limit; a wait that no
        other thread can end raises at once).

    Ports: ``out_port``.
    """

    def __init__(self, shape: tuple[int, ...], buffer_size: int = 50,
                 channel_config: utils.ChannelConfig | None = None, *, block: int = 1,
                 timeout: float | None = None, **kwargs) -> None:
        channel_config = channel_config or utils.ChannelConfig()
        utils.validate_shape(shape)
        utils.validate_buffer_size(buffer_size)
        utils.validate_channel_config(channel_config)
        check_block(block, "Injector")
        check_timeout(timeout, "Injector")
        super().__init__(shape_1=shape, **kwargs)
        self.out_port = OutPort(shape=shape)
        self.proc_params["shape"] = shape
        self.proc_params["channel_config"] = channel_config
        self.proc_params["block"] = int(block)
        channel = HostChannel(shape, buffer_size, f"{self.who}.send", timeout)
        link(channel, self)
        self.proc_params["p_to_pm"] = channel
        self._send = channel_config.get_send_full_function()

    def send(self, data: np.ndarray) -> None:
        """Give one item (shape ``shape``) to the network; the policy decides on a full buffer."""
        if self._runtime is None:
            raise RuntimeStateError(
                f"{self.who}.send: the network has no runtime (got send() before run() or "
                "create_runtime(), or after stop()). Call create_runtime(run_cfg) or start a run "
                "first.")
        self._send(self.proc_params["p_to_pm"], data)


@implements(proc=Injector, protocol=LoihiProtocol)
@requires(CPU)
class PyLoihiInjectorModel(HostBlockModel, PyLoihiProcessModel):
    """Relays host items to ``out_port`` (float), one per step, or a block at a time when fused."""

    out_port: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)
        shape = self.proc_params["shape"]
        self._config = self.proc_params["channel_config"]
        # a model built by hand (not by a run) gets a channel of its own
        self._channel: HostChannel = self.proc_params.get("p_to_pm") or HostChannel(shape, 1, "injector")
        self._zeros = np.zeros(shape)
        self._setup_block(shape)
        self._filled = 0

    def _take(self) -> np.ndarray | None:
        self._zeros.fill(0)
        return self._channel.receive(self._config, model_side=True)  # None: pause() ended the wait

    def run_spk(self) -> None:
        item = self._take()
        self.out_port.send(self._zeros if item is None else item)

    def host_before(self, first_step: int, count: int) -> int:
        """Fill the block's rows for steps ``first_step + 1 .. first_step + count``; return how
        many are filled (fewer if a pause ended a wait: the block then runs only those)."""
        self.host_base[0] = first_step
        self._filled = count
        for row in range(count):
            item = self._take()
            if item is None:
                self._filled = row
                break
            self.host_block[row] = item
        return self._filled

    def host_after(self, first_step: int, count: int) -> None:
        """Give back the items of rows that did not run (another model had fewer ready)."""
        if count < self._filled:
            self._channel.give_back(list(self.host_block[count:self._filled]))

    def kernel(self):
        from neuroproc.proc.io._host_kernels import injector_spec

        return injector_spec()
