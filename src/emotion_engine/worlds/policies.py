"""Baseline policies, vectorised over envs: ``random``, ``scripted`` and ``selfish``; and
scripted child partners.

A policy maps (state, observations) of a batch of worlds to ``(actions, extras)``: actions
(n_envs, A), one per agent (the parent, then each child), and a dict of what else it
computed, e.g. ``{"value": (n, A), "complex_emotions": (n, A, 4)}`` for the emotional agents, the signals the runner passes to
the world's step (the baselines give ``{}``). The baselines read the state directly
(they are hand-written rules, not learners); learned policies read the observations.
:data:`POLICIES` maps a baseline's name to a factory ``(params, seed) -> policy``; the
emotional agents (``trained``, ``untrained``) are named in the registry above the agents,
:mod:`emotion_engine.policies`.

| policy     | parent                                                | child                 |
|------------|-------------------------------------------------------|-----------------------|
| `random`   | uniform over the 10 actions                           | uniform               |
| `scripted` | caring: shields the child from threats, feeds it when | sensible: stays by    |
|            | hungry, comforts it when lonely, eats when hungry,    | the parent; forages   |
|            | fetches food, otherwise stays by it; of several       | when very hungry      |
|            | children it tends the neediest (:func:`neediest`)     | (each child)          |
| `selfish`  | looks after itself only: eats when hungry, keeps food | sensible (as above)   |
|            | for itself, steps away from threats                   |                       |

A child partner acts for the children alone, ``(state, obs) -> (n_envs, n_children)``
actions (each child by the same rule), so a parent can be tested with a child it was not
trained with (:data:`CHILD_POLICIES` maps a name to a
factory ``(params, seed) -> child``; the registry pairs them with a parent):

| child        | acts                                                                 |
|--------------|----------------------------------------------------------------------|
| `stationary` | never moves or eats: always ``stay``                                 |
| `random`     | uniform over the 10 actions (its own seeded generator)               |
| `forager`    | seeks the nearest food and eats it, at the child's low success rate  |
|              | (the world's ``eat_success``); never goes to the parent              |
| `clingy`     | follows the parent and stays by it; never forages                    |
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.grid import FAR, chebyshev, nearest, step_away, step_toward
from emotion_engine.worlds.spec import (
    CHILD,
    COMFORT,
    EAT,
    FEED,
    N_ACTIONS,
    PARENT,
    PICK,
    SHIELD,
    STAY,
    WorldParams,
    WorldState,
)

Extras = dict[str, NDArray]
"""What a policy computed besides its actions (e.g. ``value``, ``complex_emotions``)."""
Policy = Callable[[WorldState, NDArray[np.float32]], tuple[NDArray[np.int64], Extras]]
PolicyFactory = Callable[[WorldParams, int], Policy]
ChildPolicy = Callable[[WorldState, NDArray[np.float32]], NDArray[np.int64]]
"""A child partner: the children's actions (n_envs, n_children) for a batch of worlds."""
ChildFactory = Callable[[WorldParams, int], ChildPolicy]


def nearest_food(state: WorldState, agent: int) -> NDArray[np.int64]:
    """Cell (n, 2) of the food item on the grid nearest to an agent (Chebyshev distance; the
    first on a tie; the agent's own cell when every item is away)."""
    away = state.food_wait > 0
    index, distance = nearest(state.food, away if away.any() else None, state.pos[:, agent, None])
    item = state.food[np.arange(state.n_envs), index[:, 0]]
    return np.where((distance < FAR), item, state.pos[:, agent])


def food_out(state: WorldState) -> NDArray[np.bool_]:
    """Whether any food item is on the grid, (n,)."""
    return (state.food_wait == 0).any(-1)


def _threat_near(state: WorldState, agent: int | NDArray, radius: int) -> NDArray[np.bool_]:
    """Whether a threat is out within ``radius`` of ``agent`` (an index, or one per env)."""
    cell = state.pos[np.arange(state.n_envs), agent]
    return (state.threat_left > 0) & (chebyshev(state.threat, cell) <= radius)


def forage(state: WorldState, agent: int, pick: bool) -> NDArray[np.int64]:
    """Go to the nearest food; on it, pick it up (``pick``) or eat it; ``stay`` while every
    item is away."""
    me = state.pos[:, agent]
    food = nearest_food(state, agent)
    on_food = (food == me).all(-1)
    action = np.where(on_food, PICK if pick else EAT, step_toward(me, food))
    if not state.food_wait.any():  # every item on the grid
        return action
    return np.where(food_out(state), action, STAY)


THREAT_NEAR = 2
"""A threat this near a child (Chebyshev) is a danger the caring parent shields it from."""


def neediest(state: WorldState) -> NDArray[np.int64]:
    """The child (agent index, (n,)) the caring parent tends: of the live children, one a
    threat is near, else the one with the greatest need (its hunger or its loneliness,
    whichever is larger); the first on a tie, whoever it is (the parent's own child or a
    stranger); ``child_0`` when none lives."""
    children = np.arange(CHILD, state.n_agents)
    need = np.maximum(state.hunger[:, CHILD:], state.loneliness[:, CHILD:])
    need += 2.0 * np.stack([_threat_near(state, c, THREAT_NEAR) for c in children], -1)
    need = np.where(state.health[:, CHILD:] > 0.0, need, -np.inf)
    return need.argmax(-1) + CHILD


def caring_parent(state: WorldState, feed_at: float = 0.3) -> NDArray[np.int64]:
    """The scripted parent (see the module table), tending the :func:`neediest` child;
    rules later in the list win."""
    envs = np.arange(state.n_envs)
    tended = neediest(state)
    me, child = state.pos[:, PARENT], state.pos[envs, tended]
    adjacent = chebyshev(me, child) <= 1
    to_child = step_toward(me, child)
    carrying = state.carrying[:, PARENT]
    child_hunger = state.hunger[envs, tended]
    own_hunger = state.hunger[:, PARENT]
    lonely = state.loneliness[envs, tended]
    stay_by = np.where(adjacent, np.where(lonely > 0.1, COMFORT, STAY), to_child)
    rules = [
        (~carrying, forage(state, PARENT, pick=True)),
        (carrying | ~food_out(state), stay_by),
        (carrying & (child_hunger >= feed_at), np.where(adjacent, FEED, to_child)),
        (own_hunger > 0.7, np.where(carrying, EAT, forage(state, PARENT, pick=False))),
        (lonely > 0.5, np.where(adjacent, COMFORT, to_child)),
        (_threat_near(state, tended, THREAT_NEAR), np.where(adjacent, SHIELD, to_child)),
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


def follow_parent(state: WorldState, child: int = CHILD) -> NDArray[np.int64]:
    """A child's step towards the parent; ``stay`` once next to it (or on its cell)."""
    me, parent = state.pos[:, child], state.pos[:, PARENT]
    return np.where(chebyshev(me, parent) <= 1, STAY, step_toward(me, parent))


def sensible_child(state: WorldState, child: int = CHILD) -> NDArray[np.int64]:
    """The scripted child: stays by the parent, forages when very hungry."""
    hungry = state.hunger[:, child] > 0.6
    return np.where(hungry, forage(state, child, pick=False), follow_parent(state, child))


def each_child(rule: Callable[[WorldState, int], NDArray[np.int64]], state: WorldState) -> NDArray:
    """``rule(state, child)`` of every child, (n_envs, n_children)."""
    out = np.empty((state.n_envs, state.n_agents - CHILD), dtype=np.int64)
    for c in range(CHILD, state.n_agents):
        out[:, c - CHILD] = rule(state, c)
    return out


def _apply(rules: list[tuple[NDArray, NDArray]], default: int, n: int) -> NDArray[np.int64]:
    out = np.full(n, default, dtype=np.int64)
    for when, action in rules:
        out = np.where(when, action, out)
    return out


def random_policy(params: WorldParams, seed: int = 0) -> Policy:
    """Uniform random actions for every agent."""
    rng = np.random.default_rng(seed)

    def act(state: WorldState, obs: NDArray[np.float32]) -> tuple[NDArray[np.int64], Extras]:
        return rng.integers(0, N_ACTIONS, size=(state.n_envs, state.n_agents)), {}

    return act


def scripted_policy(params: WorldParams, seed: int = 0) -> Policy:
    """A caring parent and sensible children: shows that the task is solvable."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> tuple[NDArray[np.int64], Extras]:
        return _family(caring_parent(state), each_child(sensible_child, state)), {}

    return act


def selfish_policy(params: WorldParams, seed: int = 0) -> Policy:
    """A parent that only looks after itself, with sensible children."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> tuple[NDArray[np.int64], Extras]:
        parent = selfish_parent(state, params.size)
        return _family(parent, each_child(sensible_child, state)), {}

    return act


def _family(parent: NDArray[np.int64], children: NDArray[np.int64]) -> NDArray[np.int64]:
    """The actions (n, A) of a parent (n,) and its children (n, n_children)."""
    return np.concatenate([parent[:, None], children], -1)


def stationary_child(params: WorldParams, seed: int = 0) -> ChildPolicy:
    """A child that never moves or eats."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return np.full((state.n_envs, state.n_agents - 1), STAY, dtype=np.int64)

    return act


def random_child(params: WorldParams, seed: int = 0) -> ChildPolicy:
    """A child acting uniformly at random."""
    rng = np.random.default_rng(seed)

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return rng.integers(0, N_ACTIONS, size=(state.n_envs, state.n_agents - 1))

    return act


def forager_child(params: WorldParams, seed: int = 0) -> ChildPolicy:
    """A child that seeks food on its own and tries to eat it."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return each_child(lambda s, c: forage(s, c, pick=False), state)

    return act


def clingy_child(params: WorldParams, seed: int = 0) -> ChildPolicy:
    """A child that follows the parent and never forages."""

    def act(state: WorldState, obs: NDArray[np.float32]) -> NDArray[np.int64]:
        return each_child(follow_parent, state)

    return act


CHILD_POLICIES: dict[str, ChildFactory] = {
    "stationary": stationary_child,
    "random": random_child,
    "forager": forager_child,
    "clingy": clingy_child,
}
"""Scripted child partner's name → factory ``(params, seed) -> child``."""


POLICIES: dict[str, PolicyFactory] = {
    "random": random_policy,
    "scripted": scripted_policy,
    "selfish": selfish_policy,
}
"""Baseline name → factory ``(params, seed) -> policy``."""


def make_policy(name: str, params: WorldParams, seed: int = 0) -> Policy:
    """The policy called ``name`` for worlds with ``params``; ValueError listing the names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected one of: {', '.join(POLICIES)}")
    return POLICIES[name](params, seed)
