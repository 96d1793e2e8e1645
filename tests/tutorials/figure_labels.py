"""Record, while a notebook runs, every Axes that is drawn without a label on x or y."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


def _unlabelled(fig) -> list[str]:
    missing = []
    for ax in fig.axes:
        if hasattr(ax, "_colorbar") or not ax.get_visible() or not (
                ax.lines or ax.patches or ax.collections or ax.images):
            continue  # colour bars (labelled through colorbar(label=...)), empty helper axes
        what = [name for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
                if not label.strip()]
        if what:
            title = ax.get_title() or fig.get_suptitle() or "(untitled)"
            missing.append(f"{title!r}: no {' and no '.join(what)} label")
    return missing


@contextmanager
def unlabelled_axes() -> Iterator[list[str]]:
    """Yield a list that fills with the unlabelled Axes of every figure saved in the block."""
    from matplotlib.figure import Figure

    found: list[str] = []
    real_savefig = Figure.savefig

    def savefig(self, *args, **kwargs):
        found.extend(_unlabelled(self))
        return real_savefig(self, *args, **kwargs)

    Figure.savefig = savefig
    try:
        yield found
    finally:
        Figure.savefig = real_savefig
