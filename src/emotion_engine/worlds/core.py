"""The batched numpy core of the parent/child worlds: N worlds × (1 + n children) agents
stepped at once.

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
from emotion_engine.affect.ops import strongest
from emotion_engine.worlds import rules
from emotion_engine.worlds.family import agent_names
from emotion_engine.worlds.identity import family_identities
from emotion_engine.worlds.learning import check_signals, remember, signal_drive
from emotion_engine.worlds.observation import observe
from emotion_engine.worlds.randomness import (
    FAMILY_STREAM,
    RESET_STREAM,
    cells,
    next_keys,
    seed_keys,
    uniform,
)
from emotion_engine.worlds.spec import (
    ACTIONS,
    AGENTS,
    CHILD,
    CHILD_STATS,
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
    stat_names,
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
    and its own children bonded by ``initial_attachment`` (strangers and siblings start at
    0; :func:`~emotion_engine.worlds.identity.family_identities`)."""
    n, n_agents = keys.shape[0], params.n_agents
    t = np.zeros(n, dtype=np.int64)
    u = uniform(keys, t, RESET_STREAM, 2 * (2 + params.n_food))
    where = cells(u, params.size)
    # each child starts near the parent: its draw becomes a uniform offset in [−r, r]²
    # (clipped to the grid, so near an edge a child starts on the edge more often)
    draws = u[:, 2:4, None]
    if params.n_children > 1:
        later = uniform(keys, t, FAMILY_STREAM, 2 * (params.n_children - 1)).reshape(n, -1, 2)
        draws = np.concatenate([draws, later.transpose(0, 2, 1)], -1)
    r = params.start_radius
    offset = (draws * (2 * r + 1)).astype(np.int64) - r  # (n, 2, children)
    children = np.clip(where[:, PARENT, :, None] + offset, 0, params.size - 1)
    identity, attachment = family_identities(params)
    return WorldState(
        key=keys,
        t=t,
        pos=np.concatenate([where[:, :1], children.transpose(0, 2, 1)], 1),
        identity=np.tile(identity, (n, 1)),
        health=np.ones((n, n_agents)),
        hunger=np.broadcast_to(params.pair("initial_hunger"), (n, n_agents)).copy(),
        loneliness=np.zeros((n, n_agents)),
        carrying=np.broadcast_to(params.bool_pair("start_carrying"), (n, n_agents)).copy(),
        food=where[:, 2:],
        food_wait=np.zeros((n, params.n_food), dtype=np.int64),
        threat=np.zeros((n, 2), dtype=np.int64),
        threat_left=np.zeros(n, dtype=np.int64),
        threat_prey=np.full(n, CHILD, dtype=np.int64),
        last_action=np.zeros((n, n_agents), dtype=np.int64),
        affect=initial_state(params.affect, (n, n_agents), attachment, n_agents - 1),
        stats=np.zeros((n, len(params.stats))),
        **{k: np.zeros((n, n_agents)) for k in ("last_value", "last_reward", "expected_value")},
        has_value=np.zeros((n, n_agents), dtype=bool),
    )


def reset(params: WorldParams, seeds: ArrayLike) -> tuple[WorldState, NDArray[np.float32]]:
    """New worlds, one per seed; returns the state and observations (n, A, obs_dim)."""
    state = initial(params, seed_keys(seeds))
    return state, observe(params, state)


def check_actions(actions: ArrayLike, n_envs: int, n_agents: int) -> NDArray[np.int64]:
    """Validated actions as int64 (n_envs, n_agents); ValueError naming env, agent and space."""
    a = np.asarray(actions)
    names = agent_names(n_agents - 1)
    if a.shape != (n_envs, n_agents):
        raise ValueError(
            f"actions must have shape ({n_envs}, {n_agents}) (envs × [{', '.join(names)}]); "
            f"got {a.shape}"
        )
    if a.dtype.kind not in "iuf":
        raise ValueError(
            f"actions must be integers in Discrete({N_ACTIONS}); got an array of {a.dtype}"
        )
    if a.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(a) | (a != np.round(a)))
        if bad.size:
            env, agent = divmod(int(bad[0]), n_agents)
            raise ValueError(
                f"invalid action {a[env, agent]!r} for {names[agent]} in env "
                f"{env}: expected an integer in Discrete({N_ACTIONS})"
            )
    bad = np.flatnonzero((a < 0) | (a >= N_ACTIONS))
    if bad.size:
        env, agent = divmod(int(bad[0]), n_agents)
        raise ValueError(
            f"invalid action {a[env, agent]!r} for {names[agent]} in env {env}: expected an "
            f"integer in Discrete({N_ACTIONS}) (0..{N_ACTIONS - 1}: {', '.join(ACTIONS)})"
        )
    return a.astype(np.int64, copy=False)


def step(
    params: WorldParams,
    state: WorldState,
    actions: ArrayLike,
    signals: AgentSignals | None = None,
) -> Step:
    """One step of every world (no automatic reset: :class:`~.batch.BatchedWorld`).

    Args:
        params: the worlds' parameters.
        state: the state before the step (not modified).
        actions: int (n, A), one of :data:`ACTIONS` per agent.
        signals: the agents' values and complex emotions, if they have them: modulator
            drive, with the last step's TD error (:mod:`~emotion_engine.worlds.learning`).

    Returns:
        (state, observations (n, A, obs_dim) float32, rewards (n, A) float32,
        terminated (n,), truncated (n,), info). An episode terminates when every agent is
        dead and is truncated after ``max_cycles`` steps; ``info.died`` says who died when.

    Raises:
        ValueError: for invalid actions or signals; nothing is changed.
    """
    alive = state.health > 0.0  # (n, A): the dead act no more, and nothing reaches them
    a = np.where(alive, check_actions(actions, state.n_envs, state.n_agents), STAY)
    checked = check_signals(signals, state.n_envs, state.n_agents)
    new, events, body, reward = _advance(params, state, a, alive, checked)
    terminated = ~body.lives.any(-1)
    truncated = (new.t >= params.max_cycles) & ~terminated
    done = np.flatnonzero(terminated | truncated)
    info = StepInfo(
        events=strongest(events),
        pair_events=events,
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
        threat_prey=threats.prey,
        last_action=a,
        affect=feeling.affect,
        stats=rules.tally(p, state, meals, comfort, harm, reward.rewards, alive, a, body.health),
        **remember(p, state, signals, reward.rewards),
    )
    return new, events, body, reward


def episode_metrics(state: WorldState, envs: NDArray[np.intp]) -> dict[str, NDArray]:
    """Per-episode metrics of the envs at indices ``envs``, (k,) arrays, meaningful at the end
    of an episode.

    An episode ends after ``max_cycles`` steps, or earlier if every agent dies; an agent that
    dies drops out and the others live on (and grieve). ``child_survived`` means the child
    (``child_0``) is alive at the end; the metrics named after the child are ``child_0``'s,
    and with several children :func:`family_metrics` follow.

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
        "attachment_parent_child": social[:, PARENT, 0, _ATTACHMENT],
        "attachment_child_parent": social[:, CHILD, 0, _ATTACHMENT],
        "child_health": health[:, CHILD],
        "parent_health": health[:, PARENT],
    }
    for name in STATS:
        column = s[:, STAT_INDEX[name]]
        out[name] = column.astype(np.int64) if name in COUNTS else column
    out["hungry_fraction_child"] = s[:, STAT_INDEX["child_steps_hungry"]] / np.maximum(t, 1)
    # the step of the parent's first care act; an episode without one counts its full length
    out["time_to_help"] = np.minimum(s[:, STAT_INDEX["care_steps"]] + 1, t)
    out |= _care_metrics(out)
    return out | family_metrics(state, envs) if state.n_agents > 2 else out


def family_metrics(state: WorldState, envs: NDArray[np.intp]) -> dict[str, NDArray]:
    """The per-child metrics of a family of several children: ``children_survived`` (the
    share alive at the end) and for each child c ``child_c_survived``, ``child_c_health``,
    the attachments ``attachment_parent_child_c`` and ``attachment_child_c_parent``, and its
    columns of ``CHILD_STATS`` (``feeds_to_child_c``, ``comfort_to_child_c``,
    ``shields_for_child_c``, ``health_auc_child_c``)."""
    n_children = state.n_agents - 1
    health = state.health[envs, CHILD:]
    social = state.affect.social[envs][..., _ATTACHMENT]
    columns = stat_names(n_children)
    out: dict[str, NDArray] = {"children_survived": (health > 0.0).mean(-1)}
    for c in range(n_children):
        out[f"child_{c}_survived"] = health[:, c] > 0.0
        out[f"child_{c}_health"] = health[:, c]
        out[f"attachment_parent_child_{c}"] = social[:, PARENT, c]
        out[f"attachment_child_{c}_parent"] = social[:, CHILD + c, 0]
        for name in CHILD_STATS:
            column = state.stats[envs, columns.index(f"{name}_child_{c}")]
            out[f"{name}_child_{c}"] = column if name == "health_auc" else column.astype(np.int64)
    return out


def _care_metrics(stats: dict[str, NDArray]) -> dict[str, NDArray]:
    """What care did and cost, under issue 17's names, from the episode's statistics."""
    feeds, stilled = stats["feeds"], stats["hunger_stilled_by_feeds"]
    return {
        "hunger_stilled_per_feed": np.where(feeds > 0, stilled / np.maximum(feeds, 1), np.nan),
        "items_given": feeds,
        "effective_shields": stats["shield_events"],
        "parent_cost_health": stats["shield_damage"],
    }
