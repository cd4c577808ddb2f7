"""The batched numpy core of the parent/child worlds: N worlds × 2 agents stepped at once.

In the gymnax style, parameters (:class:`WorldParams`) and state (:class:`WorldState`) are
frozen dataclasses, and :func:`reset` / :func:`step` are pure functions over arrays whose
leading axis indexes envs (agent 0 = ``parent_0``, agent 1 = ``child_0``). :class:`BatchedWorld`
adds automatic reset and per-env seeds for the trainer; the PettingZoo views
(:mod:`~emotion_engine.worlds.caretaking_v0`, :mod:`~emotion_engine.worlds.crisis_v0`) call the
same functions with one env. The rules, observation, action and event tables are in
:mod:`emotion_engine.worlds` (the package docstring).

Randomness is counter-based: each env carries a 64-bit episode key, and every random draw is
a hash of (key, step, stream), so an env's trajectory depends only on its seed and its
actions — never on the batch it runs in — and stepping needs no Python loop over envs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import (
    EMOTIONS,
    EVENTS,
    MODULATORS,
    PRIMITIVES,
    AffectParams,
    AffectState,
    core_affect,
    initial_state,
    population,
    step_affect,
)
from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.affect.mood import CORE_AFFECT
from emotion_engine.worlds.rewards import (
    REWARD_MODES,
    RewardWeights,
    emotional_terms,
    explicit_term,
    extrinsic_terms,
    scaled_valence,
)

AGENTS: tuple[str, ...] = ("parent_0", "child_0")
PARENT, CHILD = 0, 1
SCENARIOS: tuple[str, ...] = ("caretaking", "crisis")

ACTIONS: tuple[str, ...] = (
    "stay",
    "up",
    "down",
    "left",
    "right",
    "pick",
    "eat",
    "feed",
    "comfort",
    "shield",
)
N_ACTIONS = len(ACTIONS)
STAY, UP, DOWN, LEFT, RIGHT, PICK, EAT, FEED, COMFORT, SHIELD = range(N_ACTIONS)
MOVES = np.zeros((N_ACTIONS, 2), dtype=np.int64)
MOVES[UP], MOVES[DOWN], MOVES[LEFT], MOVES[RIGHT] = (-1, 0), (1, 0), (0, -1), (0, 1)

OBS_PRIMITIVES: tuple[str, ...] = PRIMITIVES
"""The social primitives an agent observes of itself (all ten: the composer's tokens)."""

# (name, low, high) of every observation feature, in order; the package docstring's table.
OBS_FEATURES: tuple[tuple[str, float, float], ...] = (
    ("own_row", 0.0, 1.0),
    ("own_col", 0.0, 1.0),
    ("own_health", 0.0, 1.0),
    ("own_hunger", 0.0, 1.0),
    ("own_loneliness", 0.0, 1.0),
    ("own_carrying", 0.0, 1.0),
    ("other_drow", -1.0, 1.0),
    ("other_dcol", -1.0, 1.0),
    ("other_health", 0.0, 1.0),
    ("other_hunger", 0.0, 1.0),
    ("other_loneliness", 0.0, 1.0),
    ("other_carrying", 0.0, 1.0),
    ("food_drow", -1.0, 1.0),
    ("food_dcol", -1.0, 1.0),
    ("on_food", 0.0, 1.0),
    ("threat_drow", -1.0, 1.0),
    ("threat_dcol", -1.0, 1.0),
    ("threat_present", 0.0, 1.0),
    ("time", 0.0, 1.0),
    *((f"own_{e}", 0.0, 1.0) for e in EMOTIONS),
    ("own_mood_valence", -1.0, 1.0),
    ("own_mood_arousal", 0.0, 1.0),
    *((f"own_social_{p}", 0.0, 1.0) for p in OBS_PRIMITIVES),
    *((f"other_expressed_{e}", 0.0, 1.0) for e in EMOTIONS),
)
OBS_DIM = len(OBS_FEATURES)
OBS_LOW = np.array([f[1] for f in OBS_FEATURES], dtype=np.float32)
OBS_HIGH = np.array([f[2] for f in OBS_FEATURES], dtype=np.float32)

# Per-episode accumulators, one column each of WorldState.stats.
STATS: tuple[str, ...] = (
    "feeds",
    "comfort_acts",
    "shield_events",
    "shield_damage",
    "parent_eats",
    "child_eats",
    "parent_steps_hungry",
    "child_steps_hungry",
    "parent_threat_damage",
    "child_threat_damage",
    "parent_return",
    "child_return",
    *(f"parent_{c}_sum" for c in COMPLEX_EMOTIONS),
    *(f"child_{c}_sum" for c in COMPLEX_EMOTIONS),
    "complex_steps",
    "care_steps",
)
_S = {name: i for i, name in enumerate(STATS)}
COUNTS = frozenset(
    {"feeds", "comfort_acts", "shield_events", "parent_eats", "child_eats"}
    | {"parent_steps_hungry", "child_steps_hungry"}
)
_EV = {name: i for i, name in enumerate(EVENTS)}
_ATTACHMENT = PRIMITIVES.index("attachment")
_OBS_NAMES = [f[0] for f in OBS_FEATURES]
_SOCIAL_OBS = slice(
    _OBS_NAMES.index("own_social_attachment"), _OBS_NAMES.index("own_social_distress") + 1
)
_EXPRESSED_OBS = slice(_OBS_NAMES.index("other_expressed_fear"), OBS_DIM)
_CORTISOL = MODULATORS.index("cortisol")
_VALENCE = np.ascontiguousarray(CORE_AFFECT[:, 0])
_COMPLEX_SUMS = slice(_S["parent_maternal_love_sum"], _S["complex_steps"])

Pair = tuple[float, float]
"""A per-agent parameter: (parent, child)."""


@dataclass(frozen=True)
class WorldParams:
    """Everything fixed about a batch of worlds (rates are per step; pairs are (parent, child)).

    Attributes:
        scenario: ``"caretaking"`` or ``"crisis"`` (crisis adds threats).
        size: the grid is size × size cells.
        n_food: food items on the grid; one eaten or picked up reappears at a random cell.
        max_cycles: steps before truncation.
        dt: seconds of emotion dynamics per step.
        reward_mode: ``"extrinsic"``, ``"emotional"`` or ``"explicit"`` (see rewards.py).
        rewards: weight of each reward term.
        initial_hunger, hunger_rate: hunger in [0, 1] at reset and its rise per step.
        food_value: hunger removed by eating one food item.
        eat_success: chance that eating from the ground works (the child fumbles).
        can_carry: whether the agent can pick food up (and so feed the other).
        hungry_at: hunger from which an agent starves: it loses health, up to
            ``starve_damage`` per step at hunger 1.
        loneliness_rate: loneliness rise per step while the other is farther than
            ``near_radius`` (Chebyshev distance); near, it rises at ``near_loneliness`` times
            that rate. Only comfort lowers it (by ``comfort_relief``).
        lonely_at, lonely_damage: loneliness from which health falls, up to
            ``lonely_damage`` per step at loneliness 1.
        regen: health regained per step while hunger < 0.5 and loneliness < 0.5.
        comfort_heal: health a comforted agent regains.
        separation_radius: farther apart than this (Chebyshev) is ``separated``.
        threat_period: a threat appears every this many steps (crisis only) when none is out.
        threat_damage, vulnerability: a threat's blow costs ``threat_damage · vulnerability``
            health; a threat strikes at most ``threat_strikes`` times and then leaves.
        shield_block: fraction of a blow to the shielded agent that the shield stops; the
            shielder takes the blow itself (its own vulnerability), a real cost.
        threat_radius: distance within which a threat is felt (``threatened`` event).
        initial_attachment: each agent's attachment to the other at reset.
        start_radius: the child starts at most this far (Chebyshev) from the parent.
        start_carrying: whether each agent starts holding a food item.
        temperaments: affect temperament preset of each agent.
        hunger_stress, loneliness_stress: cortisol drive at full hunger / loneliness
            (interoception, added to the affect's extra drive); hunger is felt from
            ``hunger_felt_at`` on.
        harm_scale: health lost in one step that counts as a full ``harmed`` event.
    """

    scenario: str = "caretaking"
    size: int = 9
    n_food: int = 3
    max_cycles: int = 500
    dt: float = 1.0
    reward_mode: str = "extrinsic"
    rewards: RewardWeights = field(default_factory=RewardWeights)
    initial_hunger: Pair = (0.2, 0.3)
    hunger_rate: Pair = (0.004, 0.012)
    food_value: float = 0.5
    eat_success: Pair = (1.0, 0.15)
    can_carry: tuple[bool, bool] = (True, False)
    hungry_at: float = 0.75
    starve_damage: float = 0.02
    loneliness_rate: Pair = (0.0, 0.01)
    near_radius: int = 2
    near_loneliness: float = 0.3
    comfort_relief: float = 0.3
    lonely_at: float = 0.6
    lonely_damage: float = 0.02
    regen: Pair = (0.006, 0.002)
    comfort_heal: float = 0.01
    separation_radius: int = 4
    threat_period: int = 40
    threat_damage: float = 0.05
    threat_strikes: int = 3
    vulnerability: Pair = (1.0, 2.0)
    shield_block: float = 0.9
    threat_radius: int = 3
    initial_attachment: Pair = (0.3, 0.5)
    start_radius: int = 2
    start_carrying: tuple[bool, bool] = (True, False)
    temperaments: tuple[str, str] = ("balanced", "balanced")
    hunger_stress: float = 1.0
    hunger_felt_at: float = 0.4
    loneliness_stress: float = 0.4
    harm_scale: float = 0.1

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise ValueError(
                f"unknown scenario {self.scenario!r}; expected one of: {', '.join(SCENARIOS)}"
            )
        if self.reward_mode not in REWARD_MODES:
            raise ValueError(
                f"unknown reward_mode {self.reward_mode!r}; "
                f"expected one of: {', '.join(REWARD_MODES)}"
            )
        if self.size < 3 or self.n_food < 1 or self.max_cycles < 1 or self.threat_period < 1:
            raise ValueError("need size >= 3, n_food >= 1, max_cycles >= 1, threat_period >= 1")
        if self.start_radius < 0:
            raise ValueError(f"start_radius must be >= 0; got {self.start_radius!r}")
        if not self.dt > 0:
            raise ValueError(f"dt must be > 0; got {self.dt!r}")

    @property
    def threats(self) -> bool:
        """Whether threats appear (the crisis scenario)."""
        return self.scenario == "crisis"

    @cached_property
    def affect(self) -> AffectParams:
        """The agents' affect parameters, batch shape (2,) (one temperament per agent)."""
        return AffectParams(modulators=population(self.temperaments))

    @cached_property
    def _arrays(self) -> dict[str, NDArray]:
        """Per-agent pairs as float arrays of shape (2,)."""
        pairs = (
            "initial_hunger",
            "hunger_rate",
            "eat_success",
            "can_carry",
            "loneliness_rate",
            "regen",
            "vulnerability",
            "initial_attachment",
            "start_carrying",
        )
        return {k: np.asarray(getattr(self, k), dtype=float) for k in pairs}

    def pair(self, name: str) -> NDArray[np.float64]:
        """A per-agent parameter as an array of shape (2,)."""
        return self._arrays[name]

    def bool_pair(self, name: str) -> NDArray[np.bool_]:
        """A per-agent flag as a bool array of shape (2,)."""
        return self._arrays[name] > 0


@dataclass(frozen=True)
class WorldState:
    """The state of n_envs worlds; every array's leading axis indexes envs.

    Attributes:
        key: (n,) uint64 episode key (all randomness derives from it and ``t``).
        t: (n,) steps taken in the episode.
        pos: (n, 2, 2) agents' (row, col).
        health, hunger, loneliness: (n, 2) in [0, 1].
        carrying: (n, 2) whether the agent holds a food item.
        food: (n, n_food, 2) food (row, col).
        threat: (n, 2) threat (row, col); meaningful while ``threat_left`` > 0.
        threat_left: (n,) strikes the threat has left (0: no threat).
        separated: (n,) whether the agents were apart after the last step.
        last_action: (n, 2) the actions of the last step (``STAY`` after reset).
        affect: each agent's emotion state, batch shape (n, 2).
        stats: (n, len(STATS)) per-episode accumulators.
    """

    key: NDArray[np.uint64]
    t: NDArray[np.int64]
    pos: NDArray[np.int64]
    health: NDArray[np.float64]
    hunger: NDArray[np.float64]
    loneliness: NDArray[np.float64]
    carrying: NDArray[np.bool_]
    food: NDArray[np.int64]
    threat: NDArray[np.int64]
    threat_left: NDArray[np.int64]
    separated: NDArray[np.bool_]
    last_action: NDArray[np.int64]
    affect: AffectState
    stats: NDArray[np.float64]

    @property
    def n_envs(self) -> int:
        """Number of worlds in the batch."""
        return self.t.shape[0]


@dataclass(frozen=True)
class StepInfo:
    """What :func:`step` reports besides observations and rewards (arrays over envs).

    Attributes:
        events: (n, 2, len(EVENTS)) the typed events each agent experienced.
        died: (n, 2) the agents that died in this step.
        relief: (n, 2) what each agent's own acts relieved in the other this step: the
            hunger its feeding stilled (in meals), the comfort the other felt, a blow taken
            for it; at most 1.
        reward_terms: name → (n, 2) weighted reward terms (summing to the rewards).
        complex_emotions: (n, 2, 4) the complex emotions given to :func:`step`, or None.
        episode_envs: (k,) indices of the envs whose episode ended this step.
        episode: metric name → (k,) per-episode metrics (:func:`episode_metrics`) of those
            envs; empty when none ended.
    """

    events: NDArray[np.float64]
    died: NDArray[np.bool_]
    relief: NDArray[np.float64]
    reward_terms: dict[str, NDArray[np.float64]]
    complex_emotions: NDArray[np.float64] | None
    episode_envs: NDArray[np.intp]
    episode: dict[str, NDArray]


# --- counter-based random numbers ---------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_NEXT_EPISODE = np.uint64(0xD1B54A32D192ED03)
# streams of random draws (distinct per purpose; food uses two, one per agent)
_RESET, _EAT, _THREAT, _FOOD = 1, 2, 3, 4


def mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The splitmix64 finaliser: a bijective hash of uint64 arrays (wraps silently)."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def seed_keys(seeds: ArrayLike) -> NDArray[np.uint64]:
    """Episode keys from non-negative integer seeds, shape (n,)."""
    s = np.atleast_1d(np.asarray(seeds))
    if s.ndim != 1 or not np.issubdtype(s.dtype, np.integer) or np.any(s < 0):
        raise ValueError(f"seeds must be non-negative integers, one per env; got {seeds!r}")
    return mix(s.astype(np.uint64) + _GOLDEN)


def next_keys(keys: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The key of each env's next episode."""
    return mix(keys ^ _NEXT_EPISODE)


def uniform(keys: NDArray[np.uint64], t: NDArray, stream: int, k: int) -> NDArray[np.float64]:
    """k uniform numbers in [0, 1) per env, shape (n, k), from (key, step, stream).

    This is splitmix64 seeded with the key, read at position (step, stream, 0..k−1).
    """
    counter = (t.astype(np.uint64)[:, None] << np.uint64(12)) + np.uint64(stream << 6)
    x = mix(keys[:, None] + (counter + np.arange(k, dtype=np.uint64)) * _GOLDEN)
    return (x >> np.uint64(11)) * (1.0 / (1 << 53))


def _cells(u: NDArray[np.float64], size: int) -> NDArray[np.int64]:
    """Grid coordinates from uniforms: (n, 2k) → (n, k, 2)."""
    return (u * size).astype(np.int64).reshape(u.shape[0], -1, 2)


# --- reset and step -----------------------------------------------------------------------


def initial(params: WorldParams, keys: NDArray[np.uint64]) -> WorldState:
    """Fresh worlds for the given episode keys: agents and food at random cells."""
    n = keys.shape[0]
    t = np.zeros(n, dtype=np.int64)
    u = uniform(keys, t, _RESET, 2 * (2 + params.n_food))
    cells = _cells(u, params.size)
    # the child starts near the parent: its draw becomes a uniform offset in [−r, r]²
    # (clipped to the grid, so near an edge the child starts on the edge more often)
    r = params.start_radius
    offset = (u[:, 2:4] * (2 * r + 1)).astype(np.int64) - r
    cells[:, CHILD] = np.clip(cells[:, PARENT] + offset, 0, params.size - 1)
    attachment = params.pair("initial_attachment")
    return WorldState(
        key=keys,
        t=t,
        pos=cells[:, :2],
        health=np.ones((n, 2)),
        hunger=np.broadcast_to(params.pair("initial_hunger"), (n, 2)).copy(),
        loneliness=np.zeros((n, 2)),
        carrying=np.broadcast_to(params.bool_pair("start_carrying"), (n, 2)).copy(),
        food=cells[:, 2:],
        threat=np.zeros((n, 2), dtype=np.int64),
        threat_left=np.zeros(n, dtype=np.int64),
        separated=_chebyshev(cells[:, 0], cells[:, 1]) > params.separation_radius,
        last_action=np.zeros((n, 2), dtype=np.int64),
        affect=initial_state(params.affect, (n, 2), attachment=attachment),
        stats=np.zeros((n, len(STATS))),
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
    if a.dtype.kind not in "iu":
        bad = np.flatnonzero(~np.isfinite(a) | (a != np.round(a)))
        if a.dtype.kind != "f" or bad.size:
            env, agent = divmod(int(bad[0]) if bad.size else 0, 2)
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
    extra_drive: ArrayLike | None = None,
    complex_emotions: ArrayLike | None = None,
) -> tuple[
    WorldState,
    NDArray[np.float32],
    NDArray[np.float32],
    NDArray[np.bool_],
    NDArray[np.bool_],
    StepInfo,
]:
    """One step of every world (no automatic reset; see :class:`BatchedWorld`).

    Args:
        params: the worlds' parameters.
        state: the state before the step (not modified).
        actions: int (n, 2), one of :data:`ACTIONS` per agent.
        extra_drive: optional (n, 2, 7) modulator drive added in ``step_affect`` (e.g. the
            trainer's TD-error signal).
        complex_emotions: optional (n, 2, 4) values of :data:`COMPLEX_EMOTIONS` to record.

    Returns:
        (state, observations (n, 2, OBS_DIM) float32, rewards (n, 2) float32,
        terminated (n,), truncated (n,), info). An episode terminates when both agents are
        dead and is truncated after ``max_cycles`` steps; ``info.died`` says who died when.

    Raises:
        ValueError: for invalid actions; nothing is changed.
    """
    p = params
    n = state.n_envs
    t = state.t
    size = p.size
    alive = state.health > 0.0  # (n, 2): the dead act no more, and nothing reaches them
    a = np.where(alive, check_actions(actions, n), STAY)

    # Moves.
    pos = state.pos + MOVES[a]
    _clip(pos, 0, size - 1)
    dist = _chebyshev(pos[:, 0], pos[:, 1])
    adjacent = (dist <= 1)[:, None] & alive[:, ::-1]  # next to the other, which still lives

    # Food: eat (held food first, else food on the cell), pick up, feed the other. Hands that
    # can carry pick up the food they stand on unless its eater eats it there.
    on_food, slot = _food_under(pos, state.food)
    carrying = state.carrying
    eat = a == EAT
    eat_held = eat & carrying
    eat_ground = eat & ~carrying & on_food
    pick = on_food & ~carrying & ~eat & p.bool_pair("can_carry")
    if eat_ground.any():
        eat_ground &= uniform(state.key, t, _EAT, 2) < p.pair("eat_success")
    take = pick | eat_ground
    # Both on the same food: the parent gets it.
    take[:, CHILD] &= ~(take[:, PARENT] & (slot[:, PARENT] == slot[:, CHILD]))
    eat_ground &= take
    pick &= take
    feed = (a == FEED) & carrying & adjacent
    fed = feed[:, ::-1]
    carrying = (carrying | pick) & ~eat_held & ~feed
    eaten = eat_held | eat_ground
    hunger = state.hunger + p.pair("hunger_rate") * alive
    before_meal = np.minimum(hunger, 1.0)
    hunger -= p.food_value * (eaten | fed)
    _clip(hunger, 0.0, 1.0)
    food = _respawn_food(p, state, take, slot)

    # Comfort and loneliness.
    comfort = (a == COMFORT) & adjacent
    comforted = comfort[:, ::-1]
    near = (dist <= p.near_radius)[:, None]
    loneliness = (
        state.loneliness
        + np.where(near, p.near_loneliness, 1.0) * p.pair("loneliness_rate") * alive
    )
    # comfort is felt as much as it relieves: a content other gains (and gives) little
    soothed = comforted * np.minimum(loneliness, p.comfort_relief)
    loneliness -= soothed
    _clip(loneliness, 0.0, 1.0)

    # Threats (crisis): appear on the border, approach the child, strike whoever they reach.
    threat, threat_left = state.threat, state.threat_left
    spawned = target = None
    if p.threats:
        threat, threat_left, spawned, target = _move_threat(p, state, pos, alive)
    damage = p.starve_damage * np.minimum(
        np.maximum(hunger - p.hungry_at, 0.0) / (1.0 - p.hungry_at), 1.0
    )
    damage += p.lonely_damage * np.minimum(
        np.maximum(loneliness - p.lonely_at, 0.0) / (1.0 - p.lonely_at), 1.0
    )
    shielded = protected = struck = None
    if target is not None:
        shield = (a == SHIELD) & adjacent
        blow = p.threat_damage * p.pair("vulnerability")
        shielded = target & shield[:, ::-1]  # the other shields this agent
        protected = shielded[:, ::-1]  # this agent shields the other from a real blow
        struck = blow * target * np.where(shielded, 1.0 - p.shield_block, 1.0)
        struck += blow * protected  # the shielder takes the blow
        damage += struck
        threat_left = threat_left - (target[:, PARENT] | target[:, CHILD])

    # Health.
    well = (hunger < 0.5) & (loneliness < 0.5)
    health = state.health - damage * alive
    health += (p.pair("regen") * well + p.comfort_heal * comforted) * alive
    _clip(health, 0.0, 1.0)
    lives = health > 0.0
    died = alive & ~lives

    # Events, from each agent's point of view.
    separated = dist > p.separation_radius
    gone = ~lives[:, ::-1]  # the other is dead: absent for good
    events = np.zeros((n, 2, len(EVENTS)))
    events[..., _EV["fed"]] = fed
    felt_comfort = soothed / p.comfort_relief
    events[..., _EV["comforted"]] = felt_comfort
    events[..., _EV["cared"]] = np.maximum(feed, felt_comfort[:, ::-1])
    harmed = np.minimum(damage / p.harm_scale, 1.0)
    events[..., _EV["harmed"]] = harmed
    events[..., _EV["other_harmed"]] = harmed[:, ::-1]
    events[..., _EV["separated"]] = separated[:, None] | gone
    events[..., _EV["reunited"]] = (state.separated & ~separated)[:, None] & ~gone
    events[..., _EV["close"]] = adjacent
    # the valence each face showed, as the other saw it (a dead face shows nothing)
    other_v = scaled_valence(state.affect.primary[:, ::-1] @ _VALENCE) * alive[:, ::-1]
    events[..., _EV["other_distress"]] = np.maximum(-other_v, 0.0)
    events[..., _EV["other_joy"]] = np.maximum(other_v, 0.0)
    events[..., _EV["loss"]] = died[:, ::-1]
    if target is not None:
        felt = _felt_threat(p, threat, threat_left > 0, pos)
        events[..., _EV["threatened"]] = felt
        events[..., _EV["other_threatened"]] = felt[:, ::-1]
        events[..., _EV["protected_other"]] = protected
        events[..., _EV["was_protected"]] = shielded
        events[..., _EV["novelty"]] = spawned[:, None]
    events *= alive[..., None]  # the dead feel nothing

    # Emotions: events plus interoception (hunger and loneliness raise cortisol).
    drive = np.zeros((n, 2, len(MODULATORS)))
    felt_hunger = np.clip((hunger - p.hunger_felt_at) / (1.0 - p.hunger_felt_at), 0.0, 1.0)
    drive[..., _CORTISOL] = p.hunger_stress * felt_hunger
    drive[..., _CORTISOL] += p.loneliness_stress * loneliness
    if extra_drive is not None:
        drive += extra_drive
    affect = step_affect(state.affect, events, p.dt, p.affect, extra_drive=drive)

    # Rewards.
    # a meal is worth the hunger it stills: eating when sated earns nothing
    stilled = (before_meal - hunger) / p.food_value
    terms = _reward_terms(p, state, affect, health, felt_hunger, stilled, died)
    terms = {k: v * alive for k, v in terms.items()}
    rewards = sum(terms.values()).astype(np.float32)
    relief = feed * stilled[:, ::-1] + felt_comfort[:, ::-1]
    if protected is not None:
        relief += protected
    relief = np.minimum(relief, 1.0) * alive

    # Bookkeeping.
    t = t + 1
    terminated = ~lives.any(-1)
    truncated = (t >= p.max_cycles) & ~terminated
    stats = state.stats.copy()
    stats[:, _S["feeds"]] += feed[:, PARENT]
    stats[:, _S["comfort_acts"]] += comfort[:, PARENT]
    stats[:, _S["parent_eats"] : _S["child_eats"] + 1] += eaten
    stats[:, _S["parent_steps_hungry"] : _S["child_steps_hungry"] + 1] += (
        hunger >= p.hungry_at
    ) & alive
    stats[:, _S["parent_return"] : _S["child_return"] + 1] += rewards
    if struck is not None:
        stats[:, _S["shield_events"]] += protected[:, PARENT]
        stats[:, _S["shield_damage"]] += protected[:, PARENT] * struck[:, PARENT]
        stats[:, _S["parent_threat_damage"] : _S["child_threat_damage"] + 1] += struck
    # time to help: steps before the parent's first care act (feed, comfort or a real shield)
    cared_yet = stats[:, [_S["feeds"], _S["comfort_acts"], _S["shield_events"]]].sum(-1) > 0
    stats[:, _S["care_steps"]] += ~cared_yet
    if complex_emotions is not None:
        complex_emotions = np.asarray(complex_emotions, dtype=float)
        stats[:, _COMPLEX_SUMS] += complex_emotions.reshape(n, -1)
        stats[:, _S["complex_steps"]] += 1
    new = WorldState(
        key=state.key,
        t=t,
        pos=pos,
        health=health,
        hunger=hunger,
        loneliness=loneliness,
        carrying=carrying,
        food=food,
        threat=threat,
        threat_left=threat_left,
        separated=separated,
        last_action=a,
        affect=affect,
        stats=stats,
    )
    done = np.flatnonzero(terminated | truncated)
    info = StepInfo(
        events=events,
        died=died,
        relief=relief,
        reward_terms=terms,
        complex_emotions=complex_emotions,
        episode_envs=done,
        episode=episode_metrics(select(new, done)) if done.size else {},
    )
    return new, observe(p, new), rewards, terminated, truncated, info


def _clip(x: NDArray, low: float, high: float) -> None:
    """Clip in place (cheaper than np.clip on small arrays)."""
    np.maximum(x, low, out=x)
    np.minimum(x, high, out=x)


def _respawn_food(p: WorldParams, state: WorldState, take: NDArray, slot: NDArray) -> NDArray:
    """Food after the agents took what ``take`` says: taken items reappear at random cells."""
    if not take.any():
        return state.food
    food = state.food.copy()
    for agent in (PARENT, CHILD):
        envs = np.flatnonzero(take[:, agent])
        if envs.size:
            cells = _cells(uniform(state.key[envs], state.t[envs], _FOOD + agent, 2), p.size)
            food[envs, slot[envs, agent]] = cells[:, 0]
    return food


def _chebyshev(a: NDArray, b: NDArray) -> NDArray[np.int64]:
    """Chebyshev (king-move) distance between cells (..., 2)."""
    d = np.abs(a - b)
    return np.maximum(d[..., 0], d[..., 1])


def _food_under(pos: NDArray, food: NDArray) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Whether each agent stands on food, and the (first) food slot it stands on, (n, 2)."""
    rows, cols = pos[..., 0], pos[..., 1]
    on_food = np.zeros(rows.shape, dtype=bool)
    slot = np.zeros(rows.shape, dtype=np.int64)
    for f in range(food.shape[1] - 1, -1, -1):
        here = (rows == food[:, f, None, 0]) & (cols == food[:, f, None, 1])
        on_food |= here
        slot[here] = f
    return on_food, slot


def _toward(src: NDArray, dst: NDArray) -> NDArray[np.int64]:
    """One grid step from src towards dst along the axis with the larger gap."""
    d = dst - src
    along_rows = np.abs(d[..., 0]) >= np.abs(d[..., 1])
    out = src.copy()
    out[..., 0] += np.where(along_rows, np.sign(d[..., 0]), 0)
    out[..., 1] += np.where(along_rows, 0, np.sign(d[..., 1]))
    return out


def _move_threat(
    p: WorldParams, state: WorldState, pos: NDArray, alive: NDArray
) -> tuple[NDArray, NDArray, NDArray | None, NDArray | None]:
    """Spawn, move and aim the threats.

    Returns (threat, strikes left, spawned (n,), target (n, 2)); spawned and target are None
    when no world has a threat this step.
    """
    t, left, threat = state.t, state.threat_left, state.threat
    spawned = (left == 0) & (t > 0) & (t % p.threat_period == 0)
    if spawned.any():
        envs = np.flatnonzero(spawned)
        u = uniform(state.key[envs], t[envs], _THREAT, 2)
        side = (u[:, 0] * 4).astype(np.int64)  # top, bottom, left, right
        along = (u[:, 1] * p.size).astype(np.int64)
        edge = np.where(side % 2 == 0, 0, p.size - 1)
        threat = threat.copy()
        threat[envs] = np.where((side < 2)[:, None], np.stack([edge, along], -1), 0)
        threat[envs] += np.where((side < 2)[:, None], 0, np.stack([along, edge], -1))
        left = np.where(spawned, p.threat_strikes, left)
    active = left > 0
    if not active.any():
        return threat, left, None, None
    prey = pos[
        np.arange(len(t)), np.where(alive[:, CHILD], CHILD, PARENT)
    ]  # the child while it lives
    approach = active & (_chebyshev(threat, prey) > 1)
    threat = np.where(approach[:, None], _toward(threat, prey), threat)
    reach = active[:, None] & alive & (_chebyshev(threat[:, None], pos) <= 1)
    reach[:, PARENT] &= ~reach[:, CHILD]  # it goes for the child first
    return threat, left, spawned, reach


def _felt_threat(p: WorldParams, threat: NDArray, active: NDArray, pos: NDArray) -> NDArray:
    """How near the threat is to each agent, 1 when adjacent, 0 beyond ``threat_radius``."""
    d = _chebyshev(threat[:, None], pos)
    return active[:, None] * np.minimum(
        np.maximum(p.threat_radius + 1 - d, 0) / p.threat_radius, 1.0
    )


def _reward_terms(
    p: WorldParams,
    before: WorldState,
    affect: AffectState,
    health: NDArray,
    felt_hunger: NDArray,
    meals: NDArray,
    died: NDArray,
) -> dict[str, NDArray[np.float64]]:
    w = p.rewards
    terms = extrinsic_terms(felt_hunger, meals, health - before.health, died, w)
    if p.reward_mode == "emotional":
        valence = core_affect(affect.primary)[..., 0]
        attachment = affect.social[..., _ATTACHMENT]
        terms |= emotional_terms(
            valence,
            valence[:, ::-1],
            attachment,
            attachment - before.affect.social[..., _ATTACHMENT],
            w,
        )
    elif p.reward_mode == "explicit":
        child_own = sum(terms.values())[:, CHILD] * (before.health[:, CHILD] > 0.0)
        terms["child_wellbeing"] = np.stack(
            [explicit_term(child_own, w), np.zeros_like(child_own)], -1
        )
    return terms


def episode_metrics(state: WorldState) -> dict[str, NDArray]:
    """Per-episode metrics of each env, (n,) arrays, meaningful at the end of an episode.

    An episode ends after ``max_cycles`` steps, or earlier if both agents die; an agent that
    dies drops out and the other lives on (and grieves). ``child_survived`` means the child
    is alive at the end.
    """
    s = state.stats
    alive = state.health > 0.0
    steps = np.maximum(state.t, 1)
    out: dict[str, NDArray] = {
        "child_survived": alive[:, CHILD],
        "parent_survived": alive[:, PARENT],
        "steps": state.t.copy(),
        "attachment_parent_child": state.affect.social[:, PARENT, _ATTACHMENT],
        "attachment_child_parent": state.affect.social[:, CHILD, _ATTACHMENT],
        "child_health": state.health[:, CHILD],
        "parent_health": state.health[:, PARENT],
    }
    for name in STATS:
        if name in COUNTS:
            out[name] = s[:, _S[name]].astype(np.int64)
        elif not name.endswith("_sum") and name != "complex_steps":
            out[name] = s[:, _S[name]].copy()
    count = s[:, _S["complex_steps"]]
    with np.errstate(invalid="ignore", divide="ignore"):
        for who in ("parent", "child"):
            for c in COMPLEX_EMOTIONS:
                out[f"{who}_{c}"] = np.where(count > 0, s[:, _S[f"{who}_{c}_sum"]] / count, np.nan)
    out["hungry_fraction_child"] = s[:, _S["child_steps_hungry"]] / steps
    # the step of the parent's first care act; an episode without one counts its full length
    out["time_to_help"] = np.minimum(s[:, _S["care_steps"]] + 1, state.t)
    return out


def observe(params: WorldParams, state: WorldState) -> NDArray[np.float32]:
    """Observations (n, 2, OBS_DIM) float32 (see OBS_FEATURES), each agent's own view.

    The array is a transposed view of a feature-major buffer (filling whole features is
    several times faster than filling strided columns); use ``np.ascontiguousarray``
    where a contiguous copy is needed.
    """
    scale = 1.0 / (params.size - 1)
    n = state.n_envs
    out = np.empty((OBS_DIM, n, 2), dtype=np.float32)
    rows, cols = state.pos[..., 0], state.pos[..., 1]
    out[0], out[1] = rows, cols
    out[2], out[3], out[4], out[5] = state.health, state.hunger, state.loneliness, state.carrying
    out[6] = out[0, :, ::-1] - out[0]
    out[7] = out[1, :, ::-1] - out[1]
    out[8:12] = out[2:6, :, ::-1]
    # the nearest food (Chebyshev distance)
    best = np.full((n, 2), params.size)
    food_rows, food_cols = out[12], out[13]
    for f in range(params.n_food):
        d_rows = state.food[:, f, None, 0] - rows
        d_cols = state.food[:, f, None, 1] - cols
        d = np.maximum(np.abs(d_rows), np.abs(d_cols))
        closer = d < best
        best[closer] = d[closer]
        food_rows[closer] = d_rows[closer]
        food_cols[closer] = d_cols[closer]
    out[14] = best == 0
    active = (state.threat_left > 0)[:, None]
    out[15] = state.threat[:, None, 0] - rows
    out[16] = state.threat[:, None, 1] - cols
    out[15:17] *= active
    out[17] = active
    out[0:2] *= scale
    out[6:8] *= scale
    out[12:14] *= scale
    out[15:17] *= scale
    out[18] = (state.t / params.max_cycles)[:, None]
    aff = state.affect
    out[19:26] = aff.primary.transpose(2, 0, 1)
    out[26:28] = aff.mood.transpose(2, 0, 1)
    out[_SOCIAL_OBS] = aff.social.transpose(2, 0, 1)
    out[_EXPRESSED_OBS] = out[19:26, :, ::-1]
    return out.transpose(1, 2, 0)


# --- the batched world with automatic reset ------------------------------------------------


def _map_envs(fn: Callable[..., NDArray], state: WorldState, *others: WorldState) -> WorldState:
    """A WorldState whose every array (affect included) is ``fn(array, *other arrays)``."""

    def go(x: object, *ys: object) -> object:
        if isinstance(x, AffectState):
            return AffectState(
                *(go(getattr(x, f.name), *(getattr(y, f.name) for y in ys)) for f in fields(x))
            )
        return fn(x, *ys)

    return WorldState(
        *(go(getattr(state, f.name), *(getattr(o, f.name) for o in others)) for f in fields(state))
    )


def select(state: WorldState, envs: NDArray[np.intp]) -> WorldState:
    """The worlds at indices ``envs``."""
    return _map_envs(lambda x: x[envs], state)


def merge(state: WorldState, fresh: WorldState, envs: NDArray[np.intp]) -> WorldState:
    """``state`` with the worlds at indices ``envs`` replaced by ``fresh`` (same length)."""

    def put(old: NDArray, new: NDArray) -> NDArray:
        out = old.copy()
        out[envs] = new
        return out

    return _map_envs(put, state, fresh)


class BatchedWorld:
    """N worlds stepped at once with automatic reset: the trainer's environment.

    Env i of a world seeded ``seed`` plays the episodes of the single env seeded
    ``seed + i`` (or ``seeds[i]``): its first episode is identical to
    ``reset(params, [seed + i])`` followed by the same actions.
    """

    def __init__(
        self,
        n_envs: int,
        params: WorldParams | None = None,
        seed: int = 0,
        seeds: ArrayLike | None = None,
    ) -> None:
        self.params = params or WorldParams()
        self.seeds = np.arange(seed, seed + n_envs) if seeds is None else np.asarray(seeds)
        if self.seeds.shape != (n_envs,):
            raise ValueError(f"need one seed per env ({n_envs}); got shape {self.seeds.shape}")
        self.state, self.obs = reset(self.params, self.seeds)

    @property
    def n_envs(self) -> int:
        """Number of worlds."""
        return self.state.n_envs

    def reset(self) -> NDArray[np.float32]:
        """Start every world afresh from its seed; returns observations (n, 2, OBS_DIM)."""
        self.state, self.obs = reset(self.params, self.seeds)
        return self.obs

    def step(
        self,
        actions: ArrayLike,
        extra_drive: ArrayLike | None = None,
        complex_emotions: ArrayLike | None = None,
    ) -> tuple[
        NDArray[np.float32],
        NDArray[np.float32],
        NDArray[np.bool_],
        NDArray[np.bool_],
        dict[str, object],
    ]:
        """Step every world; finished ones restart at once (their next episode's key).

        Returns (obs, rewards, terminated, truncated, info). ``obs`` of a finished env is the
        first observation of its next episode; ``info`` holds ``final_observation``
        (n, 2, OBS_DIM), ``done`` (n,), ``episode_envs`` (indices of the finished envs) and
        ``episode`` (their metrics), ``events``, ``died``, ``relief``, ``reward_terms`` and
        ``complex_emotions``
        (see :class:`StepInfo`).
        """
        state, obs, rewards, terminated, truncated, step_info = step(
            self.params, self.state, actions, extra_drive, complex_emotions
        )
        done = terminated | truncated
        info: dict[str, object] = {
            "final_observation": obs,
            "done": done,
            "episode_envs": step_info.episode_envs,
            "episode": step_info.episode,
            "events": step_info.events,
            "died": step_info.died,
            "relief": step_info.relief,
            "reward_terms": step_info.reward_terms,
            "complex_emotions": step_info.complex_emotions,
        }
        if step_info.episode_envs.size:
            where = step_info.episode_envs
            fresh = initial(self.params, next_keys(state.key[where]))
            state = merge(state, fresh, where)
            obs = obs.copy()
            obs[where] = observe(self.params, fresh)
        self.state, self.obs = state, obs
        return obs, rewards, terminated, truncated, info
