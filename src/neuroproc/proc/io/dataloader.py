"""Dataloaders (Lava's ``lava.proc.io.dataloader``): feed the samples of a dataset into a network.

A dataset is anything indexable with ``len``; ``dataset[i]`` returns ``(input, ground_truth)``.
A new sample is loaded every ``interval`` steps, at the steps ``t`` with
``(t - 1) % interval == offset % interval`` (post-management phase), and its ground truth is sent
on ``ground_truth`` from the next step on. Samples are taken in order and wrap around.

* :class:`StateDataloader` writes the input into a Var of another Process (``connect_var``).
* :class:`SpikeDataloader` plays the input (time last) on ``s_out``, one column per step; a
  sample shorter than ``interval`` is padded with zeros, a longer one cut.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import OutPort, RefPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyOutPort, PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["AbstractDataloader", "PySpikeModelFixed", "PySpikeModelFloat", "PyStateModelFixed",
           "PyStateModelFloat", "SpikeDataloader", "StateDataloader"]


def _gt_shape(ground_truth) -> tuple[int, ...]:
    return (1,) if np.isscalar(ground_truth) else np.shape(ground_truth)


class AbstractDataloader(AbstractProcess):
    """What both dataloaders share: ``interval``, ``offset`` and the ``ground_truth`` port."""

    def __init__(self, gt_shape: tuple[int, ...], dataset: Sequence, interval: int = 1,
                 offset: int = 0, **kwargs) -> None:
        super().__init__(gt_shape=gt_shape, dataset=dataset, interval=interval, offset=offset,
                         **kwargs)
        self.interval = Var((1,), interval)
        self.offset = Var((1,), offset % interval)
        self.ground_truth = OutPort(shape=gt_shape)
        self.proc_params["saved_dataset"] = dataset


class AbstractPyDataloaderModel(PyLoihiProcessModel):
    """Loads sample after sample; subclasses say where the input goes."""

    ground_truth: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    interval: np.ndarray = LavaPyType(np.ndarray, int)
    offset: np.ndarray = LavaPyType(np.ndarray, int)

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)
        self.dataset = self.proc_params["saved_dataset"]
        self.sample_id = 0
        self.ground_truth_state: np.ndarray = np.zeros(1)
        #: the ground truth as the compiled backend's kernel sends it (float64, the port's shape)
        self.truth = np.zeros(self.proc_params["gt_shape"])

    def post_guard(self) -> bool:
        return (self.time_step - 1) % int(self.interval[0]) == int(self.offset[0])

    # -- compiled backend: the host-block hook loads between fused blocks ------------------------
    @property
    def host_every(self) -> int:
        return int(self.interval[0])

    def host_before(self, time_step: int, count: int) -> int:
        """End the block on the next load step (steps ``time_step + 1 ...`` come next)."""
        return min(count, 1 + (int(self.offset[0]) - time_step) % int(self.interval[0]))

    def host_after(self, time_step: int, count: int) -> None:
        """After a block that ended on a load step: what ``run_post_mgmt`` does there."""
        if count > 0 and (time_step + count - 1) % int(self.interval[0]) == int(self.offset[0]):
            self.run_post_mgmt()
            self.truth[...] = self.ground_truth_state

    def _next_sample(self) -> np.ndarray:
        data, truth = self.dataset[self.sample_id]
        self.ground_truth_state = np.atleast_1d(np.asarray(truth))
        self.sample_id = (self.sample_id + 1) % len(self.dataset)
        return np.asarray(data)


class StateDataloader(AbstractDataloader):
    """Writes each sample's input into a Var (:meth:`connect_var`) every ``interval`` steps.

    Ports: ``state`` (RefPort), ``ground_truth``. Vars: ``interval``, ``offset``.
    """

    def __init__(self, *, dataset: Sequence, interval: int = 1, offset: int = 0, **kwargs) -> None:
        data, truth = dataset[0]
        super().__init__(_gt_shape(truth), dataset, interval, offset, **kwargs)
        self.state = RefPort(np.shape(data))

    def connect_var(self, var: Var) -> None:
        """Write the samples into ``var`` (of another Process)."""
        self.state = RefPort(var.shape)
        self.state.connect_var(var)


class AbstractPyStateDataloaderModel(AbstractPyDataloaderModel):
    """Sends the ground truth each step; writes the input in post-management."""

    state: PyRefPort

    def run_spk(self) -> None:
        self.ground_truth.send(self.ground_truth_state)

    def run_post_mgmt(self) -> None:
        self.state.write(self._next_sample())

    def kernel(self):
        from neuroproc.proc.io._loader_kernels import state_loader_spec

        return state_loader_spec()


@implements(proc=StateDataloader, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyStateModelFixed(AbstractPyStateDataloaderModel):
    """Writes int32 values."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, np.int32)


@implements(proc=StateDataloader, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyStateModelFloat(AbstractPyStateDataloaderModel):
    """Writes float values."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, float)


class SpikeDataloader(AbstractDataloader):
    """Plays each sample (time last) on ``s_out``, a new one every ``interval`` steps.

    Ports: ``s_out`` (shape of a sample without its time axis), ``ground_truth``.
    Vars: ``data`` (the current sample, ``interval`` columns), ``interval``, ``offset``.
    """

    def __init__(self, *, dataset: Sequence, interval: int = 1, offset: int = 0, **kwargs) -> None:
        data, truth = dataset[0]
        super().__init__(_gt_shape(truth), dataset, interval, offset, **kwargs)
        shape = np.shape(data)[:-1]
        self.data = Var(shape=shape + (interval,), init=np.zeros(shape + (interval,)))
        self.s_out = OutPort(shape=shape)


class AbstractPySpikeDataloaderModel(AbstractPyDataloaderModel):
    """Sends column ``sample_time`` of ``data`` and the ground truth each step."""

    s_out: PyOutPort
    data: np.ndarray

    def __init__(self, proc_params: dict) -> None:
        super().__init__(proc_params)
        #: steps into the current sample, in an array the compiled backend's kernel counts in
        self.clock = np.zeros(1, np.int64)

    @property
    def sample_time(self) -> int:
        return int(self.clock[0])

    @sample_time.setter
    def sample_time(self, value: int) -> None:
        self.clock[0] = value

    def kernel(self):
        from neuroproc.proc.io._loader_kernels import spike_loader_spec

        return spike_loader_spec()

    def run_spk(self) -> None:
        self.s_out.send(self.data[..., self.sample_time % int(self.interval[0])])
        self.ground_truth.send(self.ground_truth_state)
        self.sample_time += 1

    def run_post_mgmt(self) -> None:
        sample = self._next_sample()
        width = min(sample.shape[-1], int(self.interval[0]))
        self.data[...] = 0  # in place: the Var keeps its buffer
        self.data[..., :width] = sample[..., :width]
        self.sample_time = 0


@implements(proc=SpikeDataloader, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PySpikeModelFixed(AbstractPySpikeDataloaderModel):
    """int32 data and spikes."""

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    data: np.ndarray = LavaPyType(np.ndarray, np.int32)


@implements(proc=SpikeDataloader, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PySpikeModelFloat(AbstractPySpikeDataloaderModel):
    """float data and spikes."""

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    data: np.ndarray = LavaPyType(np.ndarray, float)
