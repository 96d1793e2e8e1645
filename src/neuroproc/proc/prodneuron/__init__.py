"""``ProdNeuron``: multiplies two graded inputs."""
from __future__ import annotations

from neuroproc.proc.prodneuron.models import PyProdNeuronModelFixed
from neuroproc.proc.prodneuron.process import ProdNeuron

__all__ = ["ProdNeuron", "PyProdNeuronModelFixed"]
