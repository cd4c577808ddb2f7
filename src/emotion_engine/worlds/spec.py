"""The spec of the parent/child worlds: names, observation features, statistics, and the
parameter, state and step-report dataclasses (:class:`WorldParams`, :class:`WorldState`,
:class:`StepInfo`).

In the gymnax style, parameters and state are frozen dataclasses whose arrays' leading axis
indexes envs and whose next axis agents (agent 0 = ``parent_0``, agents 1 … n = ``child_0`` …
``child_{n−1}``; :mod:`~emotion_engine.worlds.family`); per-pair arrays (social state,
events) have a further axis over each agent's others.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass, field, fields
from functools import cached_property
from numbers import Integral, Real

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import (
    EMOTIONS,
    PRIMITIVES,
    AffectParams,
    AffectState,
    SocialParams,
    population,
)
from emotion_engine.worlds.family import MAX_CHILDREN, agent_names
from emotion_engine.worlds.randomness import STREAM_WIDTH
from emotion_engine.worlds.rewards import REWARD_MODES, RewardWeights

AGENTS: tuple[str, ...] = agent_names(1)
"""The agents of a one-child world (:func:`~emotion_engine.worlds.family.agent_names` for n)."""
PARENT, CHILD = 0, 1
"""The parent's index and the first child's (``child_0``)."""
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
"""The (row, col) change of each action (zero for all but the four moves)."""
MOVES[UP], MOVES[DOWN], MOVES[LEFT], MOVES[RIGHT] = (-1, 0), (1, 0), (0, -1), (0, 1)

SIGNATURE_SIZE = 4
"""Numbers in an identity's signature (see :mod:`~emotion_engine.worlds.identity`)."""

Feature = tuple[str, float, float]
"""(name, low, high) of an observation feature."""
_OWN_BODY: tuple[Feature, ...] = (
    ("own_row", 0.0, 1.0),
    ("own_col", 0.0, 1.0),
    ("own_health", 0.0, 1.0),
    ("own_hunger", 0.0, 1.0),
    ("own_loneliness", 0.0, 1.0),
    ("own_carrying", 0.0, 1.0),
)
_OTHER_BODY: tuple[Feature, ...] = (
    ("other_drow", -1.0, 1.0),
    ("other_dcol", -1.0, 1.0),
    ("other_distance", 0.0, 1.0),
    ("other_in_reach", 0.0, 1.0),
    ("other_health", 0.0, 1.0),
    ("other_hunger", 0.0, 1.0),
    ("other_loneliness", 0.0, 1.0),
    ("other_carrying", 0.0, 1.0),
)
_SURROUNDINGS: tuple[Feature, ...] = (
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
)
_OWN_SOCIAL: tuple[Feature, ...] = tuple((f"own_social_{p}", 0.0, 1.0) for p in PRIMITIVES)
_OTHER_FACE: tuple[Feature, ...] = tuple((f"other_expressed_{e}", 0.0, 1.0) for e in EMOTIONS)
_OTHER_SIGNATURE: tuple[Feature, ...] = tuple(
    (f"other_signature_{i}", 0.0, 1.0) for i in range(SIGNATURE_SIZE)
)
PER_OTHER: frozenset[str] = frozenset(
    f[0] for block in (_OTHER_BODY, _OWN_SOCIAL, _OTHER_FACE, _OTHER_SIGNATURE) for f in block
)
"""The features an agent observes once per other agent (about it, or towards it)."""


def per_other(name: str, k: int, n_children: int) -> str:
    """The name of per-other feature ``name`` about an agent's k-th other: ``name`` itself
    with one child, ``name@k`` with more."""
    return name if n_children == 1 else f"{name}@{k}"


def obs_features(n_children: int = 1) -> tuple[Feature, ...]:
    """(name, low, high) of every observation feature of a world with ``n_children``, in
    order: with one child the 51 of :data:`OBS_FEATURES`; with more, each block of
    :data:`PER_OTHER` features repeats for each of the agent's others in agent order (the
    parent first, itself left out), its names suffixed ``@k``."""

    def each(block: tuple[Feature, ...]) -> tuple[Feature, ...]:
        return tuple((per_other(name, k, n_children), low, high)
                     for k in range(n_children) for name, low, high in block)  # fmt: skip

    return (
        _OWN_BODY
        + each(_OTHER_BODY)
        + _SURROUNDINGS
        + each(_OWN_SOCIAL)
        + each(_OTHER_FACE)
        + each(_OTHER_SIGNATURE)
    )


def obs_dim(n_children: int = 1) -> int:
    """The length of an observation in a world with ``n_children`` (51 with one)."""
    return len(obs_features(n_children))


def children_of(features: int) -> int | None:
    """The number of children whose worlds give observations of ``features`` features
    (:func:`obs_dim`); None for a length no family has."""
    return next((n for n in range(1, MAX_CHILDREN + 1) if obs_dim(n) == features), None)


def obs_bounds(n_children: int = 1) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The (low, high) bound of every feature of :func:`obs_features` as float32 arrays."""
    features = obs_features(n_children)
    return (np.array([f[1] for f in features], dtype=np.float32),
            np.array([f[2] for f in features], dtype=np.float32))  # fmt: skip


OBS_FEATURES: tuple[Feature, ...] = obs_features(1)
"""Every observation feature of a one-child world, in order; the world modules' table."""
OBS_DIM = len(OBS_FEATURES)
OBS_LOW, OBS_HIGH = obs_bounds(1)
OBS_INDEX: dict[str, int] = {name: i for i, (name, _, _) in enumerate(OBS_FEATURES)}
"""Observation feature name → its index (one child)."""


def obs_span(first: str, last: str | None = None) -> slice:
    """The observation features from ``first`` to ``last`` (inclusive; ``first`` alone by
    default), as a slice."""
    return slice(OBS_INDEX[first], OBS_INDEX[last or first] + 1)


# Per-episode accumulators, one column each of WorldState.stats (summed in ``rules.tally``):
# the parent's feeds, comfort acts and shield actions (``shield_acts``, whether or not a blow
# came); ``shield_events``: the parent's shields that stopped a real blow aimed at the child,
# and ``shield_damage`` the health those blows took from the parent; each agent's own meals,
# hungry steps, threat damage and return; ``hunger_stilled_by_feeds``: the child's hunger the
# parent's feeds stilled, in meals (hunger / ``food_value``); ``child_health_auc``: the child's
# health after each step / ``max_cycles`` (in [0, 1]; a child dead early scores low);
# ``care_steps``: steps before the parent's first care act.
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
    "shield_acts",
    "hunger_stilled_by_feeds",
    "child_health_auc",
    "care_steps",
)
STAT_INDEX: dict[str, int] = {name: i for i, name in enumerate(STATS)}
"""Statistic name → its column in ``WorldState.stats``."""
CHILD_STATS: tuple[str, ...] = ("feeds_to", "comfort_to", "shields_for", "health_auc")
"""Per-child accumulators of a family of several children, one column per child after
:data:`STATS` (``feeds_to_child_1``: the parent's feeds that went to ``child_1``;
``shields_for``: its shields that stopped a blow aimed at that child; ``health_auc`` as
``child_health_auc``); with several children the columns of ``STATS`` named after the child
are ``child_0``'s, and ``feeds``, ``comfort_acts`` and the shields count the parent's acts
towards any child."""


def stat_names(n_children: int = 1) -> tuple[str, ...]:
    """The columns of ``WorldState.stats`` in a world with ``n_children``: :data:`STATS`,
    then with several children :data:`CHILD_STATS` of each child."""
    if n_children == 1:
        return STATS
    return STATS + tuple(f"{s}_child_{c}" for c in range(n_children) for s in CHILD_STATS)


COUNTS = frozenset(
    {"feeds", "comfort_acts", "shield_acts", "shield_events", "parent_eats", "child_eats"}
    | {"parent_steps_hungry", "child_steps_hungry"}
)
"""The statistics that count events (reported as integers)."""

MAX_FOOD = STREAM_WIDTH // 2 - 2
"""The most food items a world can hold: reset draws two numbers per agent and per item
from one random stream."""

MAX_SIZE = 64
"""The largest grid side (a ``rgb_array`` frame is 40 pixels a cell)."""
MAX_CYCLES = 1_000_000
"""The most steps an episode may last (``max_cycles``), and the longest ``threat_period``."""
INT_RANGES: dict[str, tuple[int, int]] = {
    "size": (3, MAX_SIZE),
    "n_children": (1, MAX_CHILDREN),
    "n_food": (1, MAX_FOOD),
    "food_respawn_delay": (0, MAX_CYCLES),
    "max_cycles": (1, MAX_CYCLES),
    "threat_period": (1, MAX_CYCLES),
    "threat_strikes": (1, MAX_CYCLES),
    "near_radius": (0, MAX_SIZE),
    "separation_radius": (0, MAX_SIZE),
    "threat_radius": (1, MAX_SIZE),
    "start_radius": (0, MAX_SIZE),
}
"""The integer parameters of :class:`WorldParams` and their ranges (inclusive); a radius of
the grid's side or more already reaches every cell."""

Pair = tuple[float, float]
"""A per-agent parameter: (parent, child); every child of a family has the child's value."""


def is_integer(value: object) -> bool:
    """Whether ``value`` is an integer (a Python or NumPy one), not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True)
class WorldParams:
    """Everything fixed about a batch of worlds (rates are per step; pairs are (parent, child)).

    Attributes:
        scenario: ``"caretaking"`` or ``"crisis"`` (crisis adds threats).
        n_children: children in the family, 1 to :data:`MAX_CHILDREN` (agents
            ``child_0`` … ``child_{n−1}``, each with the child's values of the pairs).
        strangers: of those, how many (the last ones) are not the parent's own: they start
            unfamiliar, attachment 0 both ways and an identity no own child has (the
            preference test; :func:`~emotion_engine.worlds.identity.meet_stranger`).
        size: the grid is size × size cells.
        n_food: food items on the grid (1 to :data:`MAX_FOOD`); one eaten or picked up
            reappears at a random cell ``food_respawn_delay`` steps later (0: at once).
        food_respawn_delay: steps a taken food item stays off the grid (scarcity: every
            item the parent feeds is then a meal it does not eat).
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
        initial_attachment: the birth bond: each agent's attachment to the other at reset
            (the parent and its own child; a stranger starts at 0). Maternal
            responsiveness is primed around birth (oxytocin; Feldman et al. 2007, Klaus &
            Kennell 1976), then kept up or let fade by experience; (0, 0) is the ablation.
        start_radius: the child starts at most this far (Chebyshev) from the parent.
        start_carrying: whether each agent starts holding a food item.
        temperaments: affect temperament preset of each agent.
        openness: how much each agent catches the other's expressed emotions, per unit of
            attachment (emotional contagion, a trait; 0: unmoved by the other's face).
        hunger_stress, loneliness_stress: cortisol drive at full hunger / loneliness
            (interoception, added to the affect's extra drive); hunger is felt from
            ``hunger_felt_at`` on.
        harm_scale: health lost in one step that counts as a full ``harmed`` event.
        td_discount: γ of the TD error δ = r + γ·V(s′) − V(s) that the world computes from
            the values the agents give (:mod:`~emotion_engine.worlds.learning`); a trainer's
            discount must equal it.
        learning_scale: TD errors and prospects are divided by this before they drive the
            modulators: a TD error of 0.5, a meal's worth of surprise, is a full drive (a
            trained agent's |δ| averages about 0.13; at 0.1 the drive sat at its bound).
        prospect_tau: time constant, in steps, of the value an agent has come to expect
            (``WorldState.expected_value``); hope and fear are the value above or below it.
    """

    scenario: str = "caretaking"
    n_children: int = 1
    strangers: int = 0
    size: int = 9
    n_food: int = 3
    food_respawn_delay: int = 0
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
    openness: Pair = (0.3, 0.3)
    hunger_stress: float = 1.0
    hunger_felt_at: float = 0.4
    loneliness_stress: float = 0.4
    harm_scale: float = 0.05
    td_discount: float = 0.99
    learning_scale: float = 0.5
    prospect_tau: float = 60.0

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise ValueError(
                f"unknown scenario {reprlib.repr(self.scenario)}; expected one of: {', '.join(SCENARIOS)}"
            )
        if self.reward_mode not in REWARD_MODES:
            raise ValueError(
                f"unknown reward_mode {reprlib.repr(self.reward_mode)}; "
                f"expected one of: {', '.join(REWARD_MODES)}"
            )
        if isinstance(self.n_food, Integral) and self.n_food > MAX_FOOD:
            raise ValueError(
                f"n_food must be <= {MAX_FOOD} (random draws per stream); got {self.n_food}"
            )
        for name, (low, high) in INT_RANGES.items():
            value = getattr(self, name)
            if not is_integer(value) or not low <= value <= high:
                raise ValueError(
                    f"{name} must be an integer from {low} to {high}; got {reprlib.repr(value)}"
                )
        if not is_integer(self.strangers) or not 0 <= self.strangers < self.n_children:
            raise ValueError(
                "strangers must be an integer from 0 to n_children − 1 (the parent keeps one own "
                f"child); got {reprlib.repr(self.strangers)}"
            )
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "float" and (not isinstance(value, Real) or not math.isfinite(value)):
                raise ValueError(f"{f.name} must be a finite number; got {reprlib.repr(value)}")
        for name in ("dt", "learning_scale", "prospect_tau"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0; got {getattr(self, name)!r}")
        if len(self.openness) != 2 or not all(
            isinstance(v, Real) and math.isfinite(v) and v >= 0 for v in self.openness
        ):
            raise ValueError(
                "openness must be two finite numbers >= 0 (parent, child); "
                f"got {reprlib.repr(self.openness)}"
            )
        if not 0.0 <= self.td_discount <= 1.0:
            raise ValueError(f"td_discount must be in [0, 1]; got {self.td_discount!r}")

    @classmethod
    def preset(cls, name: str, scenario: str = "caretaking", **fields: object) -> WorldParams:
        """The worlds of the named preset (:data:`PRESETS`) of ``scenario`` with ``fields``
        set over it, e.g. ``WorldParams.preset("harsh", "crisis", max_cycles=200)``;
        ValueError for an unknown name."""
        values = preset_fields(name, scenario) | fields
        return cls(scenario=scenario, **values)  # type: ignore[arg-type]

    @cached_property
    def n_agents(self) -> int:
        """The parent and its children."""
        return 1 + self.n_children

    @property
    def agents(self) -> tuple[str, ...]:
        """The agents' names: ``parent_0``, ``child_0`` … (see :func:`agent_names`)."""
        return agent_names(self.n_children)

    @property
    def stats(self) -> tuple[str, ...]:
        """The columns of ``WorldState.stats`` (:func:`stat_names`)."""
        return stat_names(self.n_children)

    @property
    def threats(self) -> bool:
        """Whether threats appear (the crisis scenario)."""
        return self.scenario == "crisis"

    @cached_property
    def affect(self) -> AffectParams:
        """The agents' affect parameters, batch shape (n_agents,) (one temperament and
        openness per agent; each child has the child's)."""
        social = SocialParams(openness=self.pair("openness"))
        parent, child = self.temperaments
        modulators = population((parent, *(child,) * self.n_children))
        return AffectParams(modulators=modulators, social=social)

    @cached_property
    def _arrays(self) -> dict[str, NDArray]:
        """Per-agent pairs as float arrays of shape (n_agents,) (the child's value for every
        child)."""
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
            "openness",
        )
        family = np.array([0, *(1,) * self.n_children])
        return {k: np.asarray(getattr(self, k), dtype=float)[family] for k in pairs}

    def pair(self, name: str) -> NDArray[np.float64]:
        """A per-agent parameter as an array of shape (n_agents,)."""
        return self._arrays[name]

    def bool_pair(self, name: str) -> NDArray[np.bool_]:
        """A per-agent flag as a bool array of shape (n_agents,)."""
        return self._arrays[name] > 0


_HARSH: dict[str, object] = {"n_food": 1, "regen": (0.003, 0.001), "starve_damage": 0.025}
PRESETS: dict[str, dict[str, dict[str, object]]] = {
    "default": {"caretaking": {}, "crisis": {}},
    "harsh": {
        "caretaking": _HARSH | {"food_respawn_delay": 28},
        "crisis": _HARSH
        | {"food_respawn_delay": 26, "threat_period": 50, "vulnerability": (1.35, 2.0)},
    },
}
"""Named sets of :class:`WorldParams` values, per scenario (name → scenario → values).

``harsh``: care costs the carer. One food item, away for ``food_respawn_delay`` steps after
it is taken, so every item fed is a meal the parent does not eat (and one fed to a sated
child is wasted); starving hurts more and health regenerates at half the rate, so what the
parent spends is slow to come back; in crisis the parent is more vulnerable (a blow taken in
a shield costs it 1.35 × the default) and threats come every 50 steps. Calibrated against
the baselines in ``docs/calibration.md`` (``emotion-engine calibrate``)."""


def preset_fields(name: str, scenario: str) -> dict[str, object]:
    """The :class:`WorldParams` values of preset ``name`` in ``scenario``; ValueError naming
    the presets for an unknown name."""
    if name not in PRESETS:
        raise ValueError(
            f"unknown preset {reprlib.repr(name)}; expected one of: {', '.join(PRESETS)}"
        )
    return dict(PRESETS[name].get(scenario, {}))


@dataclass(frozen=True)
class WorldState:
    """The state of n_envs worlds; every array's leading axis indexes envs.

    Attributes:
        key: (n,) uint64 episode key (all randomness derives from it and ``t``).
        t: (n,) steps taken in the episode.
        pos: (n, A, 2) agents' (row, col), A = n_agents (the parent, then the children).
        identity: (n, A) who each agent is (:mod:`~emotion_engine.worlds.identity`); each
            agent's social state towards each other is towards that other's identity.
        health, hunger, loneliness: (n, A) in [0, 1].
        carrying: (n, A) whether the agent holds a food item.
        food: (n, n_food, 2) food (row, col).
        food_wait: (n, n_food) steps before each item is back on the grid (0: it is there;
            an item away has its next cell already drawn).
        threat: (n, 2) threat (row, col); meaningful while ``threat_left`` > 0.
        threat_left: (n,) strikes the threat has left (0: no threat).
        threat_prey: (n,) the child the threat goes for (its agent index; it turns to the
            first live child once that one is dead, then to the parent).
        last_action: (n, A) the actions of the last step (``STAY`` after reset).
        affect: each agent's emotion state, batch shape (n, A); its social primitives
            (n, A, A − 1, 10) are per pair, towards each of its others
            (:func:`~emotion_engine.worlds.family.others`).
        stats: (n, len(params.stats)) per-episode accumulators.
        last_value: (n, A) the value V(s) each agent gave at the last step (0 if none).
        last_reward: (n, A) each agent's reward of the last step.
        has_value: (n, A) whether the agent gave ``last_value`` (False after reset): only
            then does the next step have a TD error.
        expected_value: (n, A) the value the agent has come to expect this episode, a
            running mean of its values (time constant ``prospect_tau``; 0 before any).
    """

    key: NDArray[np.uint64]
    t: NDArray[np.int64]
    pos: NDArray[np.int64]
    identity: NDArray[np.int64]
    health: NDArray[np.float64]
    hunger: NDArray[np.float64]
    loneliness: NDArray[np.float64]
    carrying: NDArray[np.bool_]
    food: NDArray[np.int64]
    food_wait: NDArray[np.int64]
    threat: NDArray[np.int64]
    threat_left: NDArray[np.int64]
    threat_prey: NDArray[np.int64]
    last_action: NDArray[np.int64]
    affect: AffectState
    stats: NDArray[np.float64]
    last_value: NDArray[np.float64]
    last_reward: NDArray[np.float64]
    has_value: NDArray[np.bool_]
    expected_value: NDArray[np.float64]

    @property
    def n_envs(self) -> int:
        """Number of worlds in the batch."""
        return self.t.shape[0]

    @property
    def n_agents(self) -> int:
        """The parent and its children."""
        return self.health.shape[1]


@dataclass(frozen=True)
class AgentSignals:
    """What learning agents give the world with their actions, each optional (scripted
    policies give neither, and then nothing drives the modulators but the world itself).

    Attributes:
        value: (n, A) each agent's value estimate V(s) of the state it acts in.
        complex_emotions: (n, A, len(COMPLEX_EMOTIONS)) the complex emotions it predicts.
        given: (n, A) bool, the agents that give these signals (None: every agent), e.g.
            a learned parent beside a scripted child; the others' entries are ignored.
    """

    value: NDArray | None = None
    complex_emotions: NDArray | None = None
    given: NDArray | None = None


@dataclass(frozen=True)
class StepInfo:
    """What :func:`~emotion_engine.worlds.core.step` reports besides observations and rewards
    (arrays over envs).

    Attributes:
        events: (n, A, len(EVENTS)) the typed events each agent experienced, each the
            strongest over its pairs (with one child, its one pair's).
        pair_events: (n, A, A − 1, len(EVENTS)) the events of each agent towards each of
            its others (about it, or shared with it).
        died: (n, A) the agents that died in this step.
        relief: (n, A) what each agent's own acts relieved in the others this step: the
            hunger its feeding stilled (in meals), the comfort another felt, a blow taken
            for one; at most 1.
        reward_terms: name → (n, A) weighted reward terms (summing to the rewards).
        episode_envs: (k,) indices of the envs whose episode ended this step.
        episode: metric name → (k,) per-episode metrics of those envs
            (:func:`~emotion_engine.worlds.core.episode_metrics`); empty when none ended.
    """

    events: NDArray[np.float64]
    pair_events: NDArray[np.float64]
    died: NDArray[np.bool_]
    relief: NDArray[np.float64]
    reward_terms: dict[str, NDArray[np.float64]]
    episode_envs: NDArray[np.intp]
    episode: dict[str, NDArray]
