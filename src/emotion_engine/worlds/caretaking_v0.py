"""caretaking_v0: the child survives only if the parent cares for it.

The parent must fetch food and ``feed`` the child (who cannot carry food and rarely manages
to eat on its own), stay near it and ``comfort`` it (its loneliness otherwise grows until its
health fails), and eat enough itself. No threats. Agents ``parent_0`` and ``child_0``; an
agent that dies leaves the episode, which ends when both are dead or after ``max_cycles``
steps.

    from emotion_engine.worlds import caretaking_v0
    env = caretaking_v0.parallel_env(render_mode="rgb_array", reward_mode="emotional")
    harsh = caretaking_v0.parallel_env(preset="harsh")  # scarce food that comes back late
"""

from typing import Any

from pettingzoo import AECEnv

from emotion_engine.worlds.pettingzoo_env import WorldEnv, make_aec
from emotion_engine.worlds.tables import world_doc

__doc__ = (__doc__ or "") + world_doc("caretaking")


def parallel_env(**kwargs: Any) -> WorldEnv:
    """The ParallelEnv (keywords: ``render_mode``, ``max_cycles``, ``preset`` (``"default"``
    or ``"harsh"``), any ``WorldParams`` field)."""
    return WorldEnv("caretaking", **kwargs)


def env(**kwargs: Any) -> AECEnv:
    """The AEC form, by PettingZoo's ``parallel_to_aec``."""
    return make_aec("caretaking", **kwargs)
