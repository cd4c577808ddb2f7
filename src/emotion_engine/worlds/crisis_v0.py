"""crisis_v0: caretaking plus threats that go for the child.

Everything of ``caretaking_v0``, and every ``threat_period`` steps a threat appears on the
border, walks towards the child and strikes whoever it reaches (the child first, which is
twice as vulnerable) ``threat_strikes`` times. A parent adjacent to the child can ``shield``
it: the blow to the child shrinks by ``shield_block`` and the parent takes the full blow itself
— a real cost in the parent's health for the child's.

    from emotion_engine.worlds import crisis_v0
    env = crisis_v0.parallel_env(threat_period=30, threat_damage=0.08)
"""

from typing import Any

from pettingzoo import AECEnv

from emotion_engine.worlds.pettingzoo_env import WorldEnv, make_aec
from emotion_engine.worlds.tables import world_doc

__doc__ = (__doc__ or "") + world_doc("crisis")


def parallel_env(**kwargs: Any) -> WorldEnv:
    """The ParallelEnv (keywords: ``render_mode``, ``max_cycles``, ``preset`` (``"default"``
    or ``"harsh"``), any ``WorldParams`` field)."""
    return WorldEnv("crisis", **kwargs)


def env(**kwargs: Any) -> AECEnv:
    """The AEC form, by PettingZoo's ``parallel_to_aec``."""
    return make_aec("crisis", **kwargs)
