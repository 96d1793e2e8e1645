"""A network keeps the RunConfig it was compiled with: a later ``run`` with another one is refused.

The models, the folding and the backend are chosen when the network is compiled (first ``run`` or
``create_runtime``); honouring another RunConfig later would mean rebuilding the network at step
0 or mixing two selections, so a different one raises :class:`RuntimeStateError` naming what
differs. Passing no ``run_cfg``, the same object or an equal one (same class, same settings)
continues the run; so does a RunConfig with ``backend='auto'`` (whatever backend runs fits it).
A runtime built otherwise than by ``run``/``create_runtime`` (``load`` rebuilds
one with the models the network was saved with) is not pinned to a RunConfig and takes any.
"""
from __future__ import annotations

from neuroproc._validation import short_repr
from neuroproc.exceptions import RuntimeStateError, ValidationError

__all__ = ["check_run_cfg", "check_same_config"]


def check_run_cfg(run_cfg, where: str) -> None:
    """``run_cfg`` must be a RunConfig (or None)."""
    from neuroproc.run_configs import RunConfig

    if run_cfg is not None and not isinstance(run_cfg, RunConfig):
        raise ValidationError(f"{where}: run_cfg must be a RunConfig such as "
                              f"Loihi1SimCfg(select_tag='floating_pt') (got {short_repr(run_cfg)}). "
                              "Pass a RunConfig instance.")


def _differences(old, new) -> list[str]:
    if type(old) is not type(new):
        return [f"class {type(new).__name__} (compiled with {type(old).__name__})"]
    out = []
    a, b = vars(old), vars(new)
    for key in sorted(set(a) | set(b)):
        if key == "backend":
            continue
        x, y = a.get(key), b.get(key)
        try:
            same = bool(x == y) if x is not y else True
        except Exception:  # values without a plain equality (arrays): only identity counts
            same = False
        if not same:
            out.append(f"{key}={short_repr(y)} (compiled with {short_repr(x)})")
    return out


def check_same_config(rt, run_cfg, backend, where: str) -> None:
    """Raise if ``run_cfg``/``backend`` ask for something other than what ``rt`` was built with."""
    if not rt.pinned:
        return
    diffs = []
    if run_cfg is not None and run_cfg is not rt.run_cfg and rt.run_cfg is not None:
        diffs = _differences(rt.run_cfg, run_cfg)
    wanted = backend if backend is not None else getattr(run_cfg, "backend", None)
    # 'auto' leaves the choice to neuroproc, so it fits whatever backend the network runs on
    # (e.g. the python backend a traffic meter asked for)
    if wanted not in (None, "auto", rt.requested_backend, rt.backend.name):
        diffs.append(f"backend={wanted!r} (running on {rt.backend.name!r})")
    if diffs:
        raise RuntimeStateError(
            f"{where}: this run asks for another configuration than the network was compiled with: "
            f"{'; '.join(diffs)}. A network keeps its RunConfig until stop(): pass the same run_cfg "
            "(or none) to continue, or build a new network to run it with another configuration.")
