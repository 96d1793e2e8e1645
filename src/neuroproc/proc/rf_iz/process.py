"""RF_IZ: resonate-and-fire neurons with Izhikevich's reset (Lava's ``RF_IZ``)."""
from __future__ import annotations

from neuroproc.proc.rf.process import RF

__all__ = ["RF_IZ"]


class RF_IZ(RF):  # noqa: N801 (Lava's name)
    r"""Resonate-and-fire neurons that fire on the imaginary part and reset (Lava's ``RF_IZ``).

    The oscillator of :class:`~neuroproc.proc.rf.process.RF`; then

    .. math::

        s[t] = im[t] \ge vth, \qquad re[t] \leftarrow 0,\; im[t] \leftarrow vth - \epsilon
        \text{ where } s[t]

    with ``epsilon = 1e-5`` in the float model and 1 in the fixed one (so the neuron does not
    fire again at once). Parameters, Vars and ports are those of ``RF``.
    """
