"""``@implements``, ``@requires`` and ``@tag``: bind a ProcessModel to its Process.

As in Lava, ``@requires`` and ``@tag`` on a subclass extend the lists it inherits (the parent's
lists are not modified), and a subclass cannot change its inherited protocol to an unrelated one.
Misuse raises :class:`~neuroproc.exceptions.DecoratorError`.
"""
from __future__ import annotations

from neuroproc._validation import short_repr
from neuroproc.exceptions import DecoratorError
from neuroproc.registry import register
from neuroproc.resources import AbstractResource
from neuroproc.sync import AbstractSyncProtocol

__all__ = ["implements", "requires", "tag"]


def _check_model_class(cls, decorator: str) -> None:
    from neuroproc.model import AbstractProcessModel

    if not (isinstance(cls, type) and issubclass(cls, AbstractProcessModel)):
        raise DecoratorError(f"{decorator}: decorates ProcessModel classes only (got {short_repr(cls)}). "
                             "Derive the class from PyLoihiProcessModel or another ProcessModel.")


def implements(proc=None, protocol=None):
    """Declare which Process class a model implements, under which protocol; registers it."""
    from neuroproc.process import AbstractProcess

    if proc is not None and not (isinstance(proc, type) and issubclass(proc, AbstractProcess)):
        raise DecoratorError(f"@implements: proc must be an AbstractProcess subclass (got {short_repr(proc)}).")
    if protocol is not None and not (isinstance(protocol, type) and issubclass(protocol, AbstractSyncProtocol)):
        raise DecoratorError(f"@implements: protocol must be a protocol class such as LoihiProtocol "
                             f"(got {short_repr(protocol)}).")

    def decorate(cls):
        _check_model_class(cls, "@implements")
        # A subclass of an implementing model inherits the binding but is registered on its own,
        # and may implement another Process (a neuroproc convenience); its protocol is part of
        # how the parent's code runs, so it cannot change to an unrelated one (Lava refuses both).
        old = getattr(cls, "implements_protocol", None)
        if protocol is not None and old is not None and not issubclass(protocol, old):
            raise DecoratorError(
                f"@implements: {cls.__name__} inherits protocol {old.__name__} (got protocol="
                f"{protocol.__name__}). Derive from a model without a protocol instead.")
        if proc is not None:
            cls.implements_process = proc
        if protocol is not None:
            cls.implements_protocol = protocol
        if getattr(cls, "implements_process", None) is not None:
            register(cls.implements_process, cls)
        return cls

    return decorate


def requires(*resources):
    """Declare the compute resources a model needs (``CPU``, ``Loihi1NeuroCore``, ...); a list
    means one of them. A subclass's requirements extend its parent's."""
    for r in resources:
        items = r if isinstance(r, (list, tuple)) else [r]
        for item in items:
            cls = item if isinstance(item, type) else type(item)
            if not issubclass(cls, AbstractResource):
                raise DecoratorError(f"@requires: {short_repr(item)} is not a resource. "
                                     "Use CPU, NeuroCore, Loihi1NeuroCore, ...")
            if cls is not item and _lava_layer():
                # Lava takes resource classes only and raises TypeError for an instance
                raise DecoratorError(f"@requires: {short_repr(item)} is a resource instance; "
                                     f"Lava takes the class (got {cls.__name__}()). Use "
                                     f"@requires({cls.__name__}).")

    def decorate(cls):
        _check_model_class(cls, "@requires")
        cls.required_resources = list(getattr(cls, "required_resources", [])) + list(resources)
        return cls

    return decorate


def tag(*tags: str):
    """Attach selection tags (``'floating_pt'``, ``'fixed_pt'``, ...) to a model; a subclass's
    tags extend its parent's."""
    for t in tags:
        if not isinstance(t, str) or not t:
            raise DecoratorError(f"@tag: tags must be non-empty strings (got {short_repr(t)}).")

    def decorate(cls):
        _check_model_class(cls, "@tag")
        cls.tags = list(getattr(cls, "tags", [])) + [t for t in tags if t not in getattr(cls, "tags", [])]
        return cls

    return decorate


def _lava_layer() -> bool:
    from neuroproc.compat.lava._behaviour import active

    return active()
