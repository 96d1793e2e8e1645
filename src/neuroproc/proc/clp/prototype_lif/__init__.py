"""prototype_lif: see ``process`` and ``models``."""
