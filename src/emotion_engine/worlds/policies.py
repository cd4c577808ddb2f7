"""Baseline policies, vectorised over envs: ``random``, ``scripted`` and ``selfish``.

A policy maps (state, observations) of a batch of worlds to actions (n_envs, 2). The baselines
read the state directly (they are hand-written rules, not learners); learned policies read
the observations. :data:`POLICIES` maps a name to a factory ``(params, seed) -> policy``;
other modules (e.g. the trainer's ``trained`` and ``untrained``) add theirs with
:func:`register`.

| policy     | parent                                                | child                 |
|------------|-------------------------------------------------------|-----------------------|
| `random`   | uniform over the 10 actions                           | uniform               |
| `scripted` | caring: shields the child from threats, feeds it when | sensible: stays by    |
|            | hungry, comforts it when lonely, eats when hungry,    | the parent; forages   |
|            | fetches food, otherwise stays by it                   | when very hungry      |
| `selfish`  | looks after itself only: eats when hungry, keeps food | sensible (as above)   |
|            | for itself, steps away from threats                   |                       |

``trained`` (the shipped checkpoints) and ``untrained`` (fresh networks) are the emotional
agents of :mod:`emotion_engine.agents.policy`, imported only when asked for. Those policies
also set ``complex_emotions`` (n, 2, 4) after each call, which the runner records.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.core import (
    CHILD,
    COMFORT,
    DOWN,
    EAT,
    FEED,
    LEFT,
    N_ACTIONS,
    PARENT,
    PICK,
    RIGHT,
    SHIELD,
    STAY,
    UP,
    WorldParams,
    WorldState,
)

Policy = Callable[[WorldState, NDArray[np.float32]], NDArray[np.int64]]
PolicyFactory = Callable[[WorldParams, int], Policy]


def step_toward(src: NDArray, dst: NDArray) -> NDArray[np.int64]:
    """The move action from src (n, 2) towards dst (n, 2), along the larger gap; STAY if there."""
    d = dst - src
    rows = np.abs(d[:, 0]) >= np.abs(d[:, 1])
    vertical = np.where(d[:, 0] < 0, UP, DOWN)
    horizontal = np.where(d[:, 1] < 0, LEFT, RIGHT)
    return np.where((d == 0).all(-1), STAY, np.where(rows, vertical, horizontal))


def step_away(src: NDArray, danger: NDArray, size: int) -> NDArray[np.int64]:
    """The move action from src that increases the distance to ``danger`` (walls allowing)."""
    d = src - danger
    rows = np.abs(d[:, 0]) >= np.abs(d[:, 1])
    vertical = np.where((d[:, 0] < 0) & (src[:, 0] > 0) | (src[:, 0] == size - 1), UP, DOWN)
    horizontal = np.where((d[:, 1] < 0) & (src[:, 1] > 0) | (src[:, 1] == size - 1), LEFT, RIGHT)
    return np.where(rows, vertical, horizontal)


def nearest_food(state: WorldState, agent: int) -> NDArray[np.int64]:
    """Cell (n, 2) of the food item nearest to an agent (Chebyshev distance)."""
    rel = np.abs(state.food - state.pos[:, agent, None]).max(-1)
    return state.food[np.arange(state.n_envs), rel.argmin(-1)]


def _distance(a: NDArray, b: NDArray) -> NDArray[np.int64]:
    return np.abs(a - b).max(-1)


def _threat_near(state: WorldState, agent: int, radius: int) -> NDArray[np.bool_]:
    return (state.threat_left > 0) & (_distance(state.threat, state.pos[:, agent]) <= radius)


def forage(state: WorldState, agent: int, pick: bool) -> NDArray[np.int64]:
    """Go to the nearest food; on it, pick it up (``pick``) or eat it."""
    me = state.pos[:, agent]
    food = nearest_food(state, agent)
    on_food = (food == me).all(-1)
    return np.where(on_food, PICK if pick else EAT, step_toward(me, food))


def caring_parent(state: WorldState, feed_at: float = 0.3) -> NDArray[np.int64]:
    """The scripted parent (see the module table); rules later in the list win."""
    me, child = state.pos[:, PARENT], state.pos[:, CHILD]
    adjacent = _distance(me, child) <= 1
    to_child = step_toward(me, child)
    carrying = state.carrying[:, PARENT]
    child_hunger = state.hunger[:, CHILD]
    own_hunger = state.hunger[:, PARENT]
    lonely = state.loneliness[:, CHILD]
    stay_by = np.where(adjacent, np.where(lonely > 0.1, COMFORT, STAY), to_child)
    rules = [
        (~carrying, forage(state, PARENT, pick=True)),
        (carrying, stay_by),
        (carrying & (child_hunger >= feed_at), np.where(adjacent, FEED, to_child)),
        (own_hunger > 0.7, np.where(carrying, EAT, forage(state, PARENT, pick=False))),
        (lonely > 0.5, np.where(adjacent, COMFORT, to_child)),
        (_threat_near(state, CHILD, 2), np.where(adjacent, SHIELD, to_child)),
    ]
    return _apply(rules, STAY, state.n_envs)


def selfish_parent(state: WorldState, size: int) -> NDArray[np.int64]:
    """A parent that looks after itself only (see the module table)."""
    me = state.pos[:, PARENT]
    carrying = state.carrying[:, PARENT]
    hungry = state.hunger[:, PARENT] > 0.3
    rules = [
        (~carrying, forage(state, PARENT, pick=True)),
        (carrying & ~hungry, np.full(state.n_envs, STAY)),
        (hungry, np.where(carrying, EAT, forage(state, PARENT, pick=False))),
        (_threat_near(state, PARENT, 2), step_away(me, state.threat, size)),
    ]
    return _apply(rules, STAY, state.n_envs)


def sensible_child(state: WorldState) -> NDArray[np.int64]:
    """The scripted child: stays by the parent, forages when very hungry."""
    me, parent = state.pos[:, CHILD], state.pos[:, PARENT]
    rules = [
        (np.ones(state.n_envs, dtype=bool), step_toward(me, parent)),
        (_distance(me, parent) <= 1, np.full(state.n_envs, STAY)),
        (state.hunger[:, CHILD] > 0.6, forage(state, CHILD, pick=False)),
    ]
    return _apply(rules, STAY, state.n_envs)


def _apply(rules: list[tuple[NDArray, NDArray]], default: int, n: int) -> NDArray[np.int64]:
    out = np.full(n, default, dtype=np.int64)
    for when, action in rules:
        out = np.where(when, action, out)
    return out


def random_policy(params: WorldParams, seed: int = 0) -> Policy:
    """Uniform random actions for both agents."""
    rng = np.random.default_rng(seed)

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return rng.integers(0, N_ACTIONS, size=(state.n_envs, 2))

    return act


def scripted_policy(params: WorldParams, seed: int = 0) -> Policy:
    """A caring parent and a sensible child: shows that the task is solvable."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return np.stack([caring_parent(state), sensible_child(state)], -1)

    return act


def selfish_policy(params: WorldParams, seed: int = 0) -> Policy:
    """A parent that only looks after itself, with the sensible child."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return np.stack([selfish_parent(state, params.size), sensible_child(state)], -1)

    return act


POLICIES: dict[str, PolicyFactory] = {
    "random": random_policy,
    "scripted": scripted_policy,
    "selfish": selfish_policy,
}
"""Policy name → factory ``(params, seed) -> policy``."""


def _learned(factory_name: str) -> PolicyFactory:
    """A factory that imports the (torch) agents only when the policy is asked for."""

    def factory(params: WorldParams, seed: int = 0) -> Policy:
        from emotion_engine.agents import policy as learned

        return getattr(learned, factory_name)(params, seed)

    return factory


POLICIES["trained"] = _learned("trained_policy")
POLICIES["untrained"] = _learned("untrained_policy")


def register(name: str, factory: PolicyFactory) -> None:
    """Add a named policy (e.g. ``trained``) to :data:`POLICIES`."""
    POLICIES[name] = factory


def make_policy(name: str, params: WorldParams, seed: int = 0) -> Policy:
    """The policy called ``name`` for worlds with ``params``; ValueError listing the names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected one of: {', '.join(POLICIES)}")
    return POLICIES[name](params, seed)
