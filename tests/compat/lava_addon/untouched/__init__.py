"""Beside the add-on's processes but not in their packages: discovery must not import it."""
from tests.compat.lava_addon import IMPORTED

IMPORTED.append(__name__)
