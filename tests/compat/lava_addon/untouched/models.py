"""Would register a model for Pattern if anything imported it."""
from tests.compat.lava_addon import IMPORTED

IMPORTED.append(__name__)
