"""``python -m neuroproc.compat.lava script.py [args]``: run a Lava script unchanged on neuroproc.

``python -m neuroproc.compat.lava -m package.module [args]`` runs a module the same way.
"""
from __future__ import annotations

import runpy
import sys

from neuroproc.compat.lava import install

__all__ = ["main"]

_USAGE = "usage: python -m neuroproc.compat.lava script.py [args...] | -m module [args...]"


def main(argv: list[str] | None = None) -> int:
    """Install the layer, then run the script (or ``-m`` module) as ``__main__``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr if not args else sys.stdout)
        return 2 if not args else 0
    install()
    if args[0] == "-m":
        if len(args) < 2:
            print(_USAGE, file=sys.stderr)
            return 2
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        import os

        sys.argv = args
        sys.path.insert(0, os.path.dirname(os.path.abspath(args[0])))
        runpy.run_path(args[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
