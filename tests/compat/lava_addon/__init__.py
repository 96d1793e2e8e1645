"""A package laid out like a Lava add-on: ``<proc>/process.py`` + ``<proc>/models.py``.

Users import only the process modules; the models are found by discovery. ``untouched`` must
never be imported by discovery (it records its import in ``IMPORTED``).
"""
IMPORTED: list[str] = []
