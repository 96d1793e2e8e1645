"""NoveltyDetector (Lava's ``lava.proc.clp.novelty_detector.process``)."""
from __future__ import annotations

from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["NoveltyDetector"]


class NoveltyDetector(AbstractProcess):
    """Signals an input that no prototype answered within ``t_wait`` steps.

    A non-zero ``input_aval_in`` (an input is being shown) starts a wait; a non-zero
    ``output_aval_in`` (some prototype fired) ends it quietly. When the wait has lasted more than
    ``t_wait`` steps, ``novelty_detected_out`` sends 1 once and the wait ends; otherwise it sends 0.

    Parameters
    ----------
    t_wait : int
        Steps to wait for an answer before calling the input novel.

    Notes
    -----
    Vars: ``t_wait``. Ports: ``input_aval_in``, ``output_aval_in``, ``novelty_detected_out``
    (all shape ``(1,)``).
    """

    def __init__(self, *, t_wait: int) -> None:
        super().__init__()
        self.input_aval_in = InPort(shape=(1,))
        self.output_aval_in = InPort(shape=(1,))
        self.novelty_detected_out = OutPort(shape=(1,))
        self.t_wait = Var(shape=(1,), init=t_wait)
