"""``@implements``, ``@requires`` and ``@tag``: bind a ProcessModel to its Process."""
from __future__ import annotations

from neuroproc._validation import short_repr
from neuroproc.exceptions import ValidationError
from neuroproc.registry import register
from neuroproc.resources import AbstractResource
from neuroproc.sync import AbstractSyncProtocol

__all__ = ["implements", "requires", "tag"]


def implements(proc=None, protocol=None):
    """Declare which Process class a model implements, under which protocol; registers it."""
    from neuroproc.process import AbstractProcess

    if proc is not None and not (isinstance(proc, type) and issubclass(proc, AbstractProcess)):
        raise ValidationError(f"@implements: proc must be an AbstractProcess subclass (got {short_repr(proc)}).")
    if protocol is not None and not (isinstance(protocol, type) and issubclass(protocol, AbstractSyncProtocol)):
        raise ValidationError(f"@implements: protocol must be a protocol class such as LoihiProtocol "
                              f"(got {short_repr(protocol)}).")

    def decorate(cls):
        # a subclass of an implementing model inherits the binding but is registered on its own
        if proc is not None:
            cls.implements_process = proc
        if protocol is not None:
            cls.implements_protocol = protocol
        if getattr(cls, "implements_process", None) is not None:
            register(cls.implements_process, cls)
        return cls

    return decorate


def requires(*resources):
    """Declare the compute resources a model needs (``CPU``, ``Loihi1NeuroCore``, ...)."""
    for r in resources:
        items = r if isinstance(r, (list, tuple)) else [r]
        for item in items:
            cls = item if isinstance(item, type) else type(item)
            if not issubclass(cls, AbstractResource):
                raise ValidationError(f"@requires: {short_repr(item)} is not a resource. "
                                      "Use CPU, NeuroCore, Loihi1NeuroCore, ...")

    def decorate(cls):
        cls.required_resources = list(cls.__dict__.get("required_resources", [])) + list(resources)
        return cls

    return decorate


def tag(*tags: str):
    """Attach selection tags (``'floating_pt'``, ``'fixed_pt'``, ...) to a model."""
    for t in tags:
        if not isinstance(t, str) or not t:
            raise ValidationError(f"@tag: tags must be non-empty strings (got {short_repr(t)}).")

    def decorate(cls):
        cls.tags = list(cls.__dict__.get("tags", [])) + [t for t in tags]
        return cls

    return decorate
