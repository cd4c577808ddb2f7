"""Hand-built worlds for the rule tests: one env, its fields given without the batch axis."""

from dataclasses import fields, is_dataclass, replace

import numpy as np

from emotion_engine.worlds import ACTIONS, AGENTS, WorldParams, WorldState
from emotion_engine.worlds.core import initial, seed_keys, step

PARENT, CHILD = AGENTS.index("parent_0"), AGENTS.index("child_0")
STAY, UP, DOWN, LEFT, RIGHT, PICK, EAT, FEED, COMFORT, SHIELD = (
    ACTIONS.index(a)
    for a in ("stay", "up", "down", "left", "right", "pick", "eat", "feed", "comfort", "shield")
)
# food far from the middle of the default 9 × 9 grid, where the tests put the agents
FAR_FOOD = [[0, 0], [0, 8], [8, 0]]


def one_world(params: WorldParams | None = None, **values: object) -> WorldState:
    """The world of seed 0 with the given fields replaced, e.g. ``pos=[[2, 2], [2, 3]]`` or
    ``identity=[0, 7]`` (a child the parent has not met: see ``worlds.identity``).

    Values are one env's (no batch axis) and take the dtype of the field they replace.
    """
    params = params or WorldParams()
    state = initial(params, seed_keys([0]))
    batched = {
        name: np.asarray(value, dtype=getattr(state, name).dtype)[None]
        for name, value in values.items()
    }
    return replace(state, **batched)


def act(params: WorldParams, state: WorldState, parent: int = STAY, child: int = STAY):
    """One step of a one-env world: (state, observations, rewards, terminated, truncated,
    info), as :func:`~emotion_engine.worlds.core.step` returns them."""
    return step(params, state, [[parent, child]])


def stack(*states: WorldState) -> WorldState:
    """One batch of the given worlds, in order."""

    def join(*parts):
        if is_dataclass(parts[0]):
            names = [f.name for f in fields(parts[0])]
            return replace(parts[0], **{n: join(*(getattr(p, n) for p in parts)) for n in names})
        return np.concatenate(parts)

    return join(*states)
