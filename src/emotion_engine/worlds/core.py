"""The batched numpy core of the parent/child worlds: N worlds × 2 agents stepped at once.

:func:`reset` and :func:`step` are pure functions over the frozen dataclasses of
:mod:`~emotion_engine.worlds.spec` (:class:`WorldParams`, :class:`WorldState`); a step calls
the rule phases of :mod:`~emotion_engine.worlds.rules` in order. Randomness is counter-based
(:mod:`~emotion_engine.worlds.randomness`), so an env's trajectory depends only on its seed,
its actions and the agents' signals (their values and complex emotions, which drive their
modulators: :mod:`~emotion_engine.worlds.learning`). :class:`~emotion_engine.worlds.batch.BatchedWorld` adds automatic reset;
the PettingZoo views (:mod:`~emotion_engine.worlds.caretaking_v0`,
:mod:`~emotion_engine.worlds.crisis_v0`) call the same functions with one env. The rules,
observation, action and event tables are in :mod:`emotion_engine.worlds` and the world
modules' docstrings.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import PRIMITIVES, initial_state
from emotion_engine.worlds import rules
from emotion_engine.worlds.identity import CHILD_ID, PARENT_ID
from emotion_engine.worlds.learning import check_signals, remember, signal_drive
from emotion_engine.worlds.observation import observe
from emotion_engine.worlds.randomness import RESET_STREAM, cells, next_keys, seed_keys, uniform
from emotion_engine.worlds.spec import (
    ACTIONS,
    AGENTS,
    CHILD,
    COMFORT,
    COUNTS,
    DOWN,
    EAT,
    FEED,
    LEFT,
    MAX_FOOD,
    MOVES,
    N_ACTIONS,
    OBS_DIM,
    OBS_FEATURES,
    OBS_HIGH,
    OBS_INDEX,
    OBS_LOW,
    PARENT,
    PICK,
    RIGHT,
    SCENARIOS,
    SHIELD,
    STAT_INDEX,
    STATS,
    STAY,
    UP,
    AgentSignals,
    StepInfo,
    WorldParams,
    WorldState,
    obs_span,
)

__all__ = [  # the spec's names too: this module is the one import of the world core
    "ACTIONS",
    "AGENTS",
    "CHILD",
    "COMFORT",
    "COUNTS",
    "DOWN",
    "EAT",
    "FEED",
    "LEFT",
    "MAX_FOOD",
    "MOVES",
    "N_ACTIONS",
    "OBS_DIM",
    "OBS_FEATURES",
    "OBS_HIGH",
    "OBS_INDEX",
    "OBS_LOW",
    "PARENT",
    "PICK",
    "RIGHT",
    "SCENARIOS",
    "SHIELD",
    "STATS",
    "STAT_INDEX",
    "STAY",
    "UP",
    "AgentSignals",
    "StepInfo",
    "WorldParams",
    "WorldState",
    "check_actions",
    "episode_metrics",
    "initial",
    "next_keys",
    "obs_span",
    "observe",
    "reset",
    "seed_keys",
    "step",
]

_ATTACHMENT = PRIMITIVES.index("attachment")

Step = tuple[
    WorldState,
    NDArray[np.float32],
    NDArray[np.float32],
    NDArray[np.bool_],
    NDArray[np.bool_],
    StepInfo,
]
"""What :func:`step` returns: (state, observations, rewards, terminated, truncated, info)."""


def initial(params: WorldParams, keys: NDArray[np.uint64]) -> WorldState:
    """Fresh worlds for the given episode keys: agents and food at random cells, the parent
    and its own child (identities 0 and 1) bonded by ``initial_attachment``."""
    n = keys.shape[0]
    t = np.zeros(n, dtype=np.int64)
    u = uniform(keys, t, RESET_STREAM, 2 * (2 + params.n_food))
    where = cells(u, params.size)
    # the child starts near the parent: its draw becomes a uniform offset in [−r, r]²
    # (clipped to the grid, so near an edge the child starts on the edge more often)
    r = params.start_radius
    offset = (u[:, 2:4] * (2 * r + 1)).astype(np.int64) - r
    where[:, CHILD] = np.clip(where[:, PARENT] + offset, 0, params.size - 1)
    attachment = params.pair("initial_attachment")
    return WorldState(
        key=keys,
        t=t,
        pos=where[:, :2],
        identity=np.tile(np.array([PARENT_ID, CHILD_ID], dtype=np.int64), (n, 1)),
        health=np.ones((n, 2)),
        hunger=np.broadcast_to(params.pair("initial_hunger"), (n, 2)).copy(),
        loneliness=np.zeros((n, 2)),
        carrying=np.broadcast_to(params.bool_pair("start_carrying"), (n, 2)).copy(),
        food=where[:, 2:],
        food_wait=np.zeros((n, params.n_food), dtype=np.int64),
        threat=np.zeros((n, 2), dtype=np.int64),
        threat_left=np.zeros(n, dtype=np.int64),
        last_action=np.zeros((n, 2), dtype=np.int64),
        affect=initial_state(params.affect, (n, 2), attachment=attachment),
        stats=np.zeros((n, len(STATS))),
        last_value=np.zeros((n, 2)),
        last_reward=np.zeros((n, 2)),
        has_value=np.zeros((n, 2), dtype=bool),
        expected_value=np.zeros((n, 2)),
    )


def reset(params: WorldParams, seeds: ArrayLike) -> tuple[WorldState, NDArray[np.float32]]:
    """New worlds, one per seed; returns the state and observations (n, 2, OBS_DIM)."""
    state = initial(params, seed_keys(seeds))
    return state, observe(params, state)


def check_actions(actions: ArrayLike, n_envs: int) -> NDArray[np.int64]:
    """Validated actions as int64 (n_envs, 2); ValueError naming env, agent and space."""
    a = np.asarray(actions)
    if a.shape != (n_envs, 2):
        raise ValueError(
            f"actions must have shape ({n_envs}, 2) (envs × [parent_0, child_0]); got {a.shape}"
        )
    if a.dtype.kind not in "iuf":
        raise ValueError(
            f"actions must be integers in Discrete({N_ACTIONS}); got an array of {a.dtype}"
        )
    if a.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(a) | (a != np.round(a)))
        if bad.size:
            env, agent = divmod(int(bad[0]), 2)
            raise ValueError(
                f"invalid action {a.reshape(-1)[env * 2 + agent]!r} for {AGENTS[agent]} in env "
                f"{env}: expected an integer in Discrete({N_ACTIONS})"
            )
    bad = np.flatnonzero((a < 0) | (a >= N_ACTIONS))
    if bad.size:
        env, agent = divmod(int(bad[0]), 2)
        raise ValueError(
            f"invalid action {a[env, agent]!r} for {AGENTS[agent]} in env {env}: expected an "
            f"integer in Discrete({N_ACTIONS}) (0..{N_ACTIONS - 1}: {', '.join(ACTIONS)})"
        )
    return a.astype(np.int64, copy=False)


def step(
    params: WorldParams,
    state: WorldState,
    actions: ArrayLike,
    signals: AgentSignals | None = None,
) -> Step:
    """One step of every world (no automatic reset; see
    :class:`~emotion_engine.worlds.batch.BatchedWorld`).

    Args:
        params: the worlds' parameters.
        state: the state before the step (not modified).
        actions: int (n, 2), one of :data:`ACTIONS` per agent.
        signals: the agents' values and complex emotions, if they have them: modulator
            drive, with the last step's TD error (:mod:`~emotion_engine.worlds.learning`).

    Returns:
        (state, observations (n, 2, OBS_DIM) float32, rewards (n, 2) float32,
        terminated (n,), truncated (n,), info). An episode terminates when both agents are
        dead and is truncated after ``max_cycles`` steps; ``info.died`` says who died when.

    Raises:
        ValueError: for invalid actions or signals; nothing is changed.
    """
    alive = state.health > 0.0  # (n, 2): the dead act no more, and nothing reaches them
    a = np.where(alive, check_actions(actions, state.n_envs), STAY)
    checked = check_signals(signals, state.n_envs)
    new, events, body, reward = _advance(params, state, a, alive, checked)
    terminated = ~body.lives.any(-1)
    truncated = (new.t >= params.max_cycles) & ~terminated
    done = np.flatnonzero(terminated | truncated)
    info = StepInfo(
        events=events,
        died=body.died,
        relief=reward.relief,
        reward_terms=reward.terms,
        episode_envs=done,
        episode=episode_metrics(new, done) if done.size else {},
    )
    return new, observe(params, new), reward.rewards, terminated, truncated, info


def _advance(
    p: WorldParams, state: WorldState, a: NDArray, alive: NDArray, signals: AgentSignals | None
) -> tuple[WorldState, NDArray[np.float64], rules.Health, rules.Rewards]:
    """The rule phases in their order (the rules table), and the state they leave."""
    moved = rules.moves(p, state, a, alive)
    taken = rules.take_food(p, state, a, moved.pos)
    meals = rules.meals(p, state, a, taken, moved.adjacent, alive)
    comfort = rules.comfort(p, state, a, moved, alive)
    threats = rules.threats(p, state, moved.pos, alive)
    harm = rules.harm(p, a, meals.hunger, comfort.loneliness, moved.adjacent, threats)
    body = rules.health(p, state, harm.damage, meals, comfort, alive)
    events = rules.events(p, state, alive, moved, meals, comfort, harm, body, threats)
    drive = signal_drive(p, state, signals, alive)
    feeling = rules.emotions(p, state, events, meals, comfort, alive, drive)
    reward = rules.rewards(p, state, feeling, body, meals, comfort, harm, alive)
    food, food_wait = rules.respawn_food(p, state, taken)
    new = WorldState(
        key=state.key,
        identity=state.identity,
        t=state.t + 1,
        pos=moved.pos,
        health=body.health,
        hunger=meals.hunger,
        loneliness=comfort.loneliness,
        carrying=meals.carrying,
        food=food,
        food_wait=food_wait,
        threat=threats.threat,
        threat_left=harm.threat_left,
        last_action=a,
        affect=feeling.affect,
        stats=rules.tally(p, state, meals, comfort, harm, reward.rewards, alive, a, body.health),
        **remember(p, state, signals, reward.rewards),
    )
    return new, events, body, reward


def episode_metrics(state: WorldState, envs: NDArray[np.intp]) -> dict[str, NDArray]:
    """Per-episode metrics of the envs at indices ``envs``, (k,) arrays, meaningful at the end
    of an episode.

    An episode ends after ``max_cycles`` steps, or earlier if both agents die; an agent that
    dies drops out and the other lives on (and grieves). ``child_survived`` means the child
    is alive at the end.

    Besides the world's ``STATS``, what care did and cost (issue-17 names, some the same
    numbers as a statistic): ``hunger_stilled_per_feed``, the child's hunger stilled per feed
    in meals (``hunger_stilled_by_feeds / feeds``; NaN without a feed); ``items_given``, the
    food items the parent gave (= ``feeds``: a feed always lands); ``effective_shields``,
    shields that stopped a blow aimed at the child (= ``shield_events``; ``shield_acts``
    counts every shield action); ``parent_cost_health``, the health the parent lost to the
    blows it took for the child (= ``shield_damage``); and ``child_health_auc`` (a statistic).
    """
    s = state.stats[envs]
    t = state.t[envs]
    health = state.health[envs]
    social = state.affect.social[envs]
    out: dict[str, NDArray] = {
        "child_survived": health[:, CHILD] > 0.0,
        "parent_survived": health[:, PARENT] > 0.0,
        "steps": t,
        "attachment_parent_child": social[:, PARENT, _ATTACHMENT],
        "attachment_child_parent": social[:, CHILD, _ATTACHMENT],
        "child_health": health[:, CHILD],
        "parent_health": health[:, PARENT],
    }
    for name in STATS:
        column = s[:, STAT_INDEX[name]]
        out[name] = column.astype(np.int64) if name in COUNTS else column
    out["hungry_fraction_child"] = s[:, STAT_INDEX["child_steps_hungry"]] / np.maximum(t, 1)
    # the step of the parent's first care act; an episode without one counts its full length
    out["time_to_help"] = np.minimum(s[:, STAT_INDEX["care_steps"]] + 1, t)
    return out | _care_metrics(out)


def _care_metrics(stats: dict[str, NDArray]) -> dict[str, NDArray]:
    """What care did and cost, under issue 17's names, from the episode's statistics."""
    feeds, stilled = stats["feeds"], stats["hunger_stilled_by_feeds"]
    return {
        "hunger_stilled_per_feed": np.where(feeds > 0, stilled / np.maximum(feeds, 1), np.nan),
        "items_given": feeds,
        "effective_shields": stats["shield_events"],
        "parent_cost_health": stats["shield_damage"],
    }
