"""Readout and Allocator, the host-side state machines of CLP (Lava's ``lava.proc.clp.nsm``)."""
from __future__ import annotations

import numpy as np

from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["Allocator", "Readout"]


class Readout(AbstractProcess):
    """Turns the winning prototype into a label, and labels prototypes from user feedback.

    Each step: if a prototype fired (the first non-zero entry of ``inference_in`` wins), its
    label is the prediction; an unlabelled winner ``i`` gets the pseudo-label ``-(i + 1)``. If
    ``label_in`` carries a user label, it is compared with the last winner's label: a real label
    gives feedback ``+1`` (right) or ``-1`` (wrong, and ``trigger_alloc`` asks for a new
    prototype); a pseudo-label is replaced by the user's label.

    Parameters
    ----------
    n_protos : int
        Number of prototype neurons read.
    proto_labels : numpy.ndarray, optional
        Initial labels (0 = unlabelled; default all 0).

    Notes
    -----
    Vars: ``proto_labels`` (``(n_protos,)``), ``last_winner_id``. Ports: ``inference_in``
    (``(n_protos,)``), ``label_in``, ``user_output``, ``feedback``, ``trigger_alloc``
    (shape ``(1,)``).
    """

    def __init__(self, *, n_protos: int, proto_labels: np.ndarray | None = None) -> None:
        if proto_labels is None:
            proto_labels = np.zeros((n_protos,), dtype=int)
        super().__init__(proto_labels=proto_labels, n_protos=n_protos)
        self.inference_in = InPort(shape=(n_protos,))
        self.label_in = InPort(shape=(1,))
        self.user_output = OutPort(shape=(1,))
        self.feedback = OutPort(shape=(1,))
        self.trigger_alloc = OutPort(shape=(1,))
        self.proto_labels = Var(shape=(n_protos,), init=proto_labels)
        self.last_winner_id = Var(shape=(1,), init=0)


class Allocator(AbstractProcess):
    """Sends the id (from 1) of the next free prototype whenever it is triggered.

    Parameters
    ----------
    n_protos : int
        Number of prototypes it can allocate.
    next_alloc_id : int
        Id of the first prototype to allocate (ids start at 1: 0 means "no allocation").

    Notes
    -----
    Vars: ``next_alloc_id``, ``n_protos``. Ports: ``trigger_in``, ``allocate_out`` (shape
    ``(1,)``).
    """

    def __init__(self, *, n_protos: int, next_alloc_id: int = 1) -> None:
        super().__init__()
        self.trigger_in = InPort(shape=(1,))
        self.allocate_out = OutPort(shape=(1,))
        self.next_alloc_id = Var(shape=(1,), init=next_alloc_id)
        self.n_protos = Var(shape=(1,), init=n_protos)
