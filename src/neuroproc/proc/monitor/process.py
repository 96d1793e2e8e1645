"""Monitor process: records a Var (after each step, as Lava does) or an OutPort's messages."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import check_int, short_repr, who
from neuroproc.exceptions import ParameterTypeError, RuntimeStateError, ValidationError
from neuroproc.ports import InPort, OutPort, RefPort
from neuroproc.proc.monitor.data import MonitorData
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["Monitor"]


class Monitor(AbstractProcess):
    """Records Vars and OutPorts of other Processes into preallocated arrays.

    ``probe(var, num_steps)`` reads the Var in the post-management phase of every step, so row
    ``t-1`` holds its value at the end of step ``t`` (after any reset). ``probe(out_port, n)``
    stores the message the port sent in step ``t``. ``get_data()`` returns
    ``{process name: {var or port name: array(num_steps, *shape)}}`` (float64, as in Lava), which
    also accepts the objects as keys: ``data[lif]["v"]``, ``data[lif][lif.v]``, ``data[lif.v]``.

    One Monitor may probe several targets; every probe's data is returned. Because the data is
    keyed by names, probing the same target twice, or two different Processes with the same
    name, is refused at ``probe()``. Probes must be added before the network's first run (or
    ``create_runtime``): a Monitor cannot join a compiled network, and ``probe()`` says so
    rather than leave the Monitor recording nothing.
    """

    def __init__(self, name: str | None = None):
        super().__init__(name=name, probes=[])
        self._probes: list[dict] = []

    def probe(self, target, num_steps: int) -> None:
        """Record ``target`` (a Var or an OutPort) for ``num_steps`` steps."""
        num_steps = check_int(num_steps, f"{who(self)}.probe num_steps", minimum=1)
        if self._runtime is not None:
            raise RuntimeStateError(f"{who(self)}.probe: this Monitor's network is already compiled "
                                    f"(got a probe of {short_repr(target)}). Add every probe before "
                                    "the first run, or build a new network with a new Monitor.")
        self._check_target(target)
        i = len(self._probes)
        port: RefPort | InPort
        if isinstance(target, Var):
            ref = RefPort(shape=target.shape)
            setattr(self, f"ref_port_{i}", ref)
            ref.connect_var(target)
            kind, port_name = "var", f"ref_port_{i}"
        elif isinstance(target, OutPort):
            port = InPort(shape=target.shape)
            setattr(self, f"in_port_{i}", port)
            target.connect(port)
            kind, port_name = "port", f"in_port_{i}"
        else:
            raise ParameterTypeError(f"{who(self)}.probe: target must be a Var or an OutPort "
                                     f"(got {short_repr(target)}).")
        if target.process is None:
            raise ValidationError(f"{who(self)}.probe: {short_repr(target)} belongs to no Process.")
        setattr(self, f"data_{i}", Var(shape=(num_steps,) + tuple(target.shape), init=0.0))
        entry = {"kind": kind, "port": port_name, "data": f"data_{i}", "num_steps": num_steps,
                 "proc_name": target.process.name, "name": target.name, "target": target}
        self._probes.append(entry)
        self.proc_params.overwrite("probes", [{k: v for k, v in p.items() if k != "target"}
                                              for p in self._probes])

    def _check_target(self, target) -> None:
        """Refuse a target in a compiled network, or one whose data would shadow another probe."""
        if not isinstance(target, (Var, OutPort)) or target.process is None:
            return  # the type checks below name the problem
        owners = {id(target.process): target.process}
        if isinstance(target, Var):
            home = target.resolve().process
            if home is not None:
                owners[id(home)] = home
        for proc in owners.values():
            if proc._runtime is not None:
                raise RuntimeStateError(
                    f"{who(self)}.probe: {target.who} belongs to a network that is already compiled "
                    f"(run() or create_runtime() was called on it), so {self.name} would record "
                    "nothing. Create the Monitor and probe before the first run, or build a new "
                    "network.")
        for p in self._probes:
            if p["target"] is target:
                raise ValidationError(f"{who(self)}.probe: {target.who} is already probed by this "
                                      f"Monitor (got a second probe with num_steps). One probe "
                                      "records it; give that one the num_steps you need.")
            other = p["target"].process
            if other is not target.process and other.name == target.process.name:
                raise ValidationError(
                    f"{who(self)}.probe: {who(target.process)} has the same name as the probed "
                    f"{who(other)}, and get_data() keys the data by Process name (got "
                    f"{target.who}). Give the Processes distinct names (name=...) or use a "
                    "second Monitor.")

    def _entry(self, target) -> dict:
        for p in self._probes:
            if p["target"] is target:
                return p
        raise ValidationError(f"{who(self)}: {short_repr(target)} is not probed by this Monitor.")

    def get_data(self) -> MonitorData:
        """``{process name: {name: array(num_steps, *shape)}}`` for every probe.

        The result is a :class:`MonitorData` (a dict) that also accepts the Process, Var and
        OutPort objects as keys.
        """
        out = MonitorData(self)
        for p in self._probes:
            out.add(p["target"].process, p["name"], getattr(self, p["data"]).get())
        return out

    def plot(self, ax, target, *args, **kwargs):
        """Plot the recorded data of ``target`` against the time step on ``ax``."""
        data = getattr(self, self._entry(target)["data"]).get()
        steps = np.arange(1, data.shape[0] + 1)
        lines = ax.plot(steps, data.reshape(data.shape[0], -1), *args, **kwargs)
        ax.set_xlabel("Time step")
        ax.set_ylabel(f"{target.process.name}.{target.name}")
        return lines
