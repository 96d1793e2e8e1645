"""Standard processes: ``neuroproc.proc.<name>.process`` and ``.models``, as in Lava."""
