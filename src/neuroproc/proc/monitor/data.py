"""MonitorData: what ``Monitor.get_data()`` returns, indexed by names or by the objects."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc._validation import short_repr, suggest, who
from neuroproc.exceptions import NotProbedError
from neuroproc.ports import AbstractPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["MonitorData", "ProbeData"]


class ProbeData(dict):
    """``{Var or OutPort name: array(num_steps, *shape)}`` of one probed Process.

    A dict by name, as in Lava; ``data[lif.v]`` (the Var or OutPort object) works too.
    """

    def __init__(self, process: AbstractProcess, monitor: Any):
        super().__init__()
        self.process = process
        self._monitor = monitor

    def __getitem__(self, key):
        name = key
        if isinstance(key, (Var, AbstractPort)):
            if key.process is not self.process:
                raise NotProbedError(f"{who(self._monitor)}: {short_repr(key)} belongs to "
                                     f"{who(key.process)}, not to {who(self.process)}. Index the "
                                     f"data of {who(key.process)} instead.")
            name = key.name
        try:
            return super().__getitem__(name)
        except (KeyError, TypeError):
            raise NotProbedError(f"{who(self._monitor)} recorded no {short_repr(key)} of "
                                 f"{who(self.process)} (recorded: {sorted(self)}).{suggest(str(name), self)} "
                                 "Probe it before the first run.") from None


class MonitorData(dict):
    """``{Process name: ProbeData}``, as ``Monitor.get_data()`` returns it.

    Besides names, the Process object (``data[lif]``) and a probed Var or OutPort
    (``data[lif.v]``, giving the array directly) are accepted as keys.
    """

    def __init__(self, monitor: Any):
        super().__init__()
        self._monitor = monitor

    def add(self, process: AbstractProcess, name: str, value: np.ndarray) -> None:
        """Record ``value`` under ``process`` and the Var or port ``name``."""
        entry = dict.get(self, process.name)
        if entry is None:
            entry = ProbeData(process, self._monitor)
            dict.__setitem__(self, process.name, entry)
        dict.__setitem__(entry, name, value)

    def __getitem__(self, key):
        if isinstance(key, (Var, AbstractPort)) and key.process is not None:
            return self[key.process][key]
        name = key.name if isinstance(key, AbstractProcess) else key
        try:
            entry = super().__getitem__(name)
        except (KeyError, TypeError):
            raise NotProbedError(f"{who(self._monitor)} recorded nothing of {short_repr(key)} "
                                 f"(recorded: {sorted(self)}).{suggest(str(name), self)} Probe it "
                                 "before the first run.") from None
        if isinstance(key, AbstractProcess) and entry.process is not key:
            raise NotProbedError(f"{who(self._monitor)} recorded {who(entry.process)}, another "
                                 f"Process with the name {key.name!r}, not {short_repr(key)}. Give "
                                 "the Processes distinct names.")
        return entry

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except NotProbedError:
            return False
        return True
