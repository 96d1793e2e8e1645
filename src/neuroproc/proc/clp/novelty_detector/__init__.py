"""novelty_detector: see ``process`` and ``models``."""
