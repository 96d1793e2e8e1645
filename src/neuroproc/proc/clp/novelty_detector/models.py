"""Model of NoveltyDetector."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.clp.novelty_detector.process import NoveltyDetector
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyNoveltyDetectorModel"]


@implements(proc=NoveltyDetector, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt", "bit_accurate_loihi")
class PyNoveltyDetectorModel(PyLoihiProcessModel):
    """Tags ``fixed_pt``, ``bit_accurate_loihi``; int32 ports.

    A wait started at step ``s`` counts one per step; the step after the count passes ``t_wait``
    sends the novelty signal (``t_wait = 10``, input at step 4: signal at step 15), as Lava's does.
    """

    input_aval_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32)
    output_aval_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32)
    novelty_detected_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    t_wait: Any = LavaPyType(np.ndarray, np.int32, precision=32)

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        #: [waiting (0/1), steps waited], in an array the compiled backend's kernel updates
        self.state = np.zeros(2, np.int64)

    @property
    def waiting(self) -> bool:
        return bool(self.state[0])

    @waiting.setter
    def waiting(self, value: bool) -> None:
        self.state[0] = int(value)

    @property
    def t_passed(self) -> int:
        return int(self.state[1])

    @t_passed.setter
    def t_passed(self, value: int) -> None:
        self.state[1] = value

    def kernel(self):
        from neuroproc.proc.clp._kernels import novelty_spec

        return novelty_spec()

    def run_spk(self) -> None:
        novel = False
        if self.input_aval_in.recv().any():
            self.waiting, self.t_passed = True, 0
        if self.output_aval_in.recv().any():
            self.waiting, self.t_passed = False, 0
        elif self.t_passed > int(np.asarray(self.t_wait).ravel()[0]):
            novel, self.waiting, self.t_passed = True, False, 0
        if self.waiting:
            self.t_passed += 1
        self.novelty_detected_out.send(np.array([int(novel)], np.int32))
