"""Temporal convolution: ``ConvInTime`` and its models."""
from __future__ import annotations

from neuroproc.proc.conv_in_time.models import PyConvInTimeFixed, PyConvInTimeFloat
from neuroproc.proc.conv_in_time.process import ConvInTime

__all__ = ["ConvInTime", "PyConvInTimeFixed", "PyConvInTimeFloat"]
