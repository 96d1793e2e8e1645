"""Where each ``lava.…`` module path leads in neuroproc.

Three sources, consulted in this order for a Lava module name:

1. ``SHIMS``: a module of this package that holds what Lava's module has and neuroproc keeps
   elsewhere or not at all (facades such as ``Compiler``, Lava-only names such as ``LogConfig``).
   Its names win over the neuroproc module's.
2. ``CORE``: Lava's ``magma`` core modules, each mapped to the neuroproc module(s) holding the same
   objects (``lava.magma.core.process.process`` -> ``neuroproc.process``).
3. ``RULES``: whole sub-trees mapped by module name (``lava.proc.<x>.<mod>`` ->
   ``neuroproc.proc.<x>.<mod>``), so a module added at Lava's name resolves without an edit here.
"""
from __future__ import annotations

__all__ = ["CORE", "RULES", "SHIMS"]

_SHIM = "neuroproc.compat.lava.shims."

#: Lava core module -> neuroproc modules holding its objects (first match wins)
CORE: dict[str, tuple[str, ...]] = {
    "lava.magma.compiler.compiler": (),
    "lava.magma.compiler.channels.pypychannel": (),
    "lava.magma.compiler.compiler_graphs": (),
    "lava.magma.compiler.executable": ("neuroproc.compiler.plan",),
    "lava.magma.compiler.exceptions": ("neuroproc.exceptions",),
    "lava.magma.core.decorator": ("neuroproc.decorators",),
    "lava.magma.core.model.interfaces": ("neuroproc.py_ports",),
    "lava.magma.core.model.model": ("neuroproc.model",),
    "lava.magma.core.model.py.connection": ("neuroproc.learning.connection",),
    "lava.magma.core.model.py.model": ("neuroproc.model",),
    "lava.magma.core.model.py.neuron": ("neuroproc.learning.neuron",),
    "lava.magma.core.model.py.ports": ("neuroproc.py_ports",),
    "lava.magma.core.model.py.type": ("neuroproc.model",),
    "lava.magma.core.model.sub.model": ("neuroproc.model",),
    "lava.magma.core.process.connection": ("neuroproc.learning.connection_process",),
    "lava.magma.core.process.interfaces": ("neuroproc.process",),
    "lava.magma.core.process.neuron": ("neuroproc.learning.neuron_process",),
    "lava.magma.core.process.message_interface_enum": (),
    "lava.magma.core.process.ports.exceptions": ("neuroproc.exceptions",),
    "lava.magma.core.process.ports.ports": ("neuroproc.ports",),
    "lava.magma.core.process.ports.reduce_ops": (),
    "lava.magma.core.process.process": ("neuroproc.process",),
    "lava.magma.core.process.variable": ("neuroproc.variable",),
    "lava.magma.core.resources": ("neuroproc.resources",),
    "lava.magma.core.run_conditions": ("neuroproc.run_conditions",),
    "lava.magma.core.run_configs": ("neuroproc.run_configs",),
    "lava.magma.core.sync.domain": ("neuroproc.sync",),
    "lava.magma.core.sync.protocol": ("neuroproc.sync",),
    "lava.magma.core.sync.protocols.async_protocol": ("neuroproc.sync",),
    "lava.magma.core.sync.protocols.loihi_protocol": ("neuroproc.sync",),
    "lava.magma.runtime.message_infrastructure.multiprocessing": (),
    "lava.magma.runtime.runtime": ("neuroproc.runtime.runtime",),
}

#: Lava sub-tree -> neuroproc sub-tree, mapped module name for module name
RULES: tuple[tuple[str, str], ...] = (
    ("lava.frameworks", "neuroproc.frameworks"),
    ("lava.magma.core.learning", "neuroproc.learning"),
    ("lava.networks", "neuroproc.networks"),
    ("lava.proc", "neuroproc.proc"),
    ("lava.utils", "neuroproc.utils"),
)

#: Lava module -> module of this package with what neuroproc holds elsewhere or not at all
SHIMS: dict[str, str] = {
    "lava.magma.compiler.channels.pypychannel": _SHIM + "channels",
    "lava.magma.compiler.compiler": _SHIM + "compiler",
    "lava.magma.compiler.compiler_graphs": _SHIM + "compiler_graphs",
    "lava.magma.core.process.message_interface_enum": _SHIM + "message_interface",
    "lava.magma.core.process.ports.reduce_ops": _SHIM + "reduce_ops",
    "lava.magma.core.process.process": _SHIM + "process",
    "lava.magma.core.process.variable": _SHIM + "process",
    "lava.magma.runtime.message_infrastructure.multiprocessing": _SHIM + "channels",
    "lava.magma.runtime.runtime": _SHIM + "runtime",
    "lava.proc.sparse.process": _SHIM + "sparse",
    "lava.utils.loihi": _SHIM + "loihi",
    "lava.utils.plots": _SHIM + "plots",
    "lava.utils.system": _SHIM + "loihi",
}
