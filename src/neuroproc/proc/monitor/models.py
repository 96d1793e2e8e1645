"""PyMonitorModel: the Python model of Monitor (its ports and Vars are created per probe)."""
from __future__ import annotations

import numpy as np

from neuroproc.decorators import implements, requires
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.monitor.process import Monitor
from neuroproc.py_ports import PyInPort, PyRefPort
from neuroproc.resources import CPU
from neuroproc.runtime.kernels import Recording
from neuroproc.sync import LoihiProtocol

__all__ = ["PyMonitorModel"]

_TYPES = {
    "ref_port_": LavaPyType(PyRefPort.VEC_DENSE, float),
    "in_port_": LavaPyType(PyInPort.VEC_DENSE, float),
    "data_": LavaPyType(np.ndarray, float),
}


@implements(proc=Monitor, protocol=LoihiProtocol)
@requires(CPU)
class PyMonitorModel(PyLoihiProcessModel):
    """Stores OutPort messages in ``run_spk`` and Var values in ``run_post_mgmt``; float64."""

    @classmethod
    def py_type_for(cls, name, member):
        for prefix, lpt in _TYPES.items():
            if name.startswith(prefix):
                return lpt
        return cls.lava_py_types().get(name)

    @classmethod
    def partition(cls, proc):
        """Partition hook (distributed runtime): each probe follows what it records; a rank
        records its own part, gathered when the data is read."""
        from neuroproc.runtime.distributed.hooks import FollowSpec

        return FollowSpec({p["port"]: {p["data"]: 1} for p in proc.proc_params.get("probes", [])})

    def __init__(self, proc_params):
        super().__init__(proc_params)
        probes = proc_params.get("probes", [])
        self._port_probes = [(p["port"], p["data"], p["num_steps"], p) for p in probes if p["kind"] == "port"]
        self._var_probes = [(p["port"], p["data"], p["num_steps"], p) for p in probes if p["kind"] == "var"]

    def recordings(self) -> list[Recording]:
        """The recording hook of the compiled backend (see :mod:`neuroproc.runtime.kernels`)."""
        return [Recording(p["kind"], p["port"], p["data"], p["num_steps"], f"{p['proc_name']}.{p['name']}")
                for p in self.proc_params.get("probes", [])]

    def _row(self, num_steps, probe) -> int:
        row = self.time_step - 1
        if row >= num_steps:
            raise IndexError(f"Monitor probe of {probe['proc_name']}.{probe['name']} holds {num_steps} "
                             f"steps; time step {self.time_step} does not fit. Probe with a larger num_steps.")
        return row

    def run_spk(self) -> None:
        for port, data, n, probe in self._port_probes:
            msg = getattr(self, port).recv()
            getattr(self, data)[self._row(n, probe)] = msg

    def post_guard(self) -> bool:
        return bool(self._var_probes)

    def run_post_mgmt(self) -> None:
        for port, data, n, probe in self._var_probes:
            getattr(self, data)[self._row(n, probe)] = getattr(self, port).read()
