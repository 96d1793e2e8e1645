"""id_broadcast: see ``process`` and ``models``."""
