"""Monitor: record Vars and OutPorts every time step."""
from __future__ import annotations

from neuroproc.proc.monitor.data import MonitorData, ProbeData
from neuroproc.proc.monitor.models import PyMonitorModel
from neuroproc.proc.monitor.process import Monitor

__all__ = ["Monitor", "MonitorData", "ProbeData", "PyMonitorModel"]
