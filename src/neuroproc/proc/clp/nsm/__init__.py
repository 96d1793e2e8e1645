"""nsm: see ``process`` and ``models``."""
