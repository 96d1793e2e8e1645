"""Monitor process: records a Var (after each step, as Lava does) or an OutPort's messages."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import check_int, short_repr, who
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.ports import InPort, OutPort, RefPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["Monitor"]


class Monitor(AbstractProcess):
    """Records Vars and OutPorts of other Processes into preallocated arrays.

    ``probe(var, num_steps)`` reads the Var in the post-management phase of every step, so row
    ``t-1`` holds its value at the end of step ``t`` (after any reset). ``probe(out_port, n)``
    stores the message the port sent in step ``t``. ``get_data()`` returns
    ``{process name: {var or port name: array(num_steps, *shape)}}`` (float64, as in Lava).
    One Monitor may probe several targets.
    """

    def __init__(self, name: str | None = None):
        super().__init__(name=name, probes=[])
        self._probes: list[dict] = []

    def probe(self, target, num_steps: int) -> None:
        """Record ``target`` (a Var or an OutPort) for ``num_steps`` steps."""
        num_steps = check_int(num_steps, f"{who(self)}.probe num_steps", minimum=1)
        if self._runtime is not None:
            raise RuntimeStateError(f"{who(self)}.probe: the network is already compiled. "
                                    "Add probes before the first run.")
        i = len(self._probes)
        port: RefPort | InPort
        if isinstance(target, Var):
            port = RefPort(shape=target.shape)
            setattr(self, f"ref_port_{i}", port)
            port.connect_var(target)
            kind, port_name = "var", f"ref_port_{i}"
        elif isinstance(target, OutPort):
            port = InPort(shape=target.shape)
            setattr(self, f"in_port_{i}", port)
            target.connect(port)
            kind, port_name = "port", f"in_port_{i}"
        else:
            raise ValidationError(f"{who(self)}.probe: target must be a Var or an OutPort "
                                  f"(got {short_repr(target)}).")
        if target.process is None:
            raise ValidationError(f"{who(self)}.probe: {short_repr(target)} belongs to no Process.")
        setattr(self, f"data_{i}", Var(shape=(num_steps,) + tuple(target.shape), init=0.0))
        entry = {"kind": kind, "port": port_name, "data": f"data_{i}", "num_steps": num_steps,
                 "proc_name": target.process.name, "name": target.name, "target": target}
        self._probes.append(entry)
        self.proc_params.overwrite("probes", [{k: v for k, v in p.items() if k != "target"}
                                              for p in self._probes])

    def _entry(self, target) -> dict:
        for p in self._probes:
            if p["target"] is target:
                return p
        raise ValidationError(f"{who(self)}: {short_repr(target)} is not probed by this Monitor.")

    def get_data(self) -> dict:
        """``{process name: {name: array(num_steps, *shape)}}`` for every probe."""
        out: dict = {}
        for p in self._probes:
            out.setdefault(p["proc_name"], {})[p["name"]] = getattr(self, p["data"]).get()
        return out

    def plot(self, ax, target, *args, **kwargs):
        """Plot the recorded data of ``target`` against the time step on ``ax``."""
        data = getattr(self, self._entry(target)["data"]).get()
        steps = np.arange(1, data.shape[0] + 1)
        lines = ax.plot(steps, data.reshape(data.shape[0], -1), *args, **kwargs)
        ax.set_xlabel("Time step")
        ax.set_ylabel(f"{target.process.name}.{target.name}")
        return lines
