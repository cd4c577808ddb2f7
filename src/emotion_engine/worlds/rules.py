"""The world rules, one phase of a step each: moves, food, comfort and loneliness, threats,
damage and health, events, emotions, rewards and bookkeeping.

Each phase is a pure function of the step's parameters, the state before the step and the
results of earlier phases, and returns its own results as a named tuple;
:func:`emotion_engine.worlds.core.step` calls them in the order of the rules table
(:mod:`emotion_engine.worlds`). Arrays are (n, 2) over envs × agents unless said otherwise;
``alive`` is who lived before the step (the dead act no more, and nothing reaches them).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import (
    EVENTS,
    MODULATORS,
    PRIMITIVES,
    AffectState,
    step_affect,
)
from emotion_engine.affect.mood import valence
from emotion_engine.worlds.grid import chebyshev, toward
from emotion_engine.worlds.randomness import (
    EAT_STREAM,
    FOOD_STREAM,
    THREAT_STREAM,
    cells,
    uniform,
)
from emotion_engine.worlds.rewards import (
    emotional_terms,
    explicit_term,
    extrinsic_terms,
    scaled_valence,
)
from emotion_engine.worlds.spec import (
    CHILD,
    COMFORT,
    EAT,
    FEED,
    MOVES,
    PARENT,
    SHIELD,
    STAT_INDEX,
    WorldParams,
    WorldState,
)

_EV = {name: i for i, name in enumerate(EVENTS)}
_S = STAT_INDEX
_ATTACHMENT = PRIMITIVES.index("attachment")
_CORTISOL = MODULATORS.index("cortisol")

WELL_BELOW = 0.5
"""Health regenerates while both hunger and loneliness are below this."""


def clip(x: NDArray, low: float, high: float) -> None:
    """Clip in place (cheaper than np.clip on small arrays)."""
    np.maximum(x, low, out=x)
    np.minimum(x, high, out=x)


# --- moves ----------------------------------------------------------------------------------


class Moves(NamedTuple):
    """Where the agents are after the moves."""

    pos: NDArray[np.int64]  # (n, 2, 2) cells after the moves
    dist: NDArray[np.int64]  # (n,) Chebyshev distance between the agents
    adjacent: NDArray[np.bool_]  # next to the other, which still lives


def moves(p: WorldParams, state: WorldState, a: NDArray, alive: NDArray) -> Moves:
    """Moves of one cell; walls stop them; agents may share a cell."""
    pos = state.pos + MOVES[a]
    clip(pos, 0, p.size - 1)
    dist = chebyshev(pos[:, 0], pos[:, 1])
    return Moves(pos, dist, (dist <= 1)[:, None] & alive[:, ::-1])


# --- food -----------------------------------------------------------------------------------


class Taken(NamedTuple):
    """Who took which food from the ground or the hands."""

    eat_held: NDArray[np.bool_]  # ate the food it carried
    eat_ground: NDArray[np.bool_]  # ate the food on its cell
    pick: NDArray[np.bool_]  # picked the food on its cell up
    take: NDArray[np.bool_]  # took the food on its cell (ate or picked it)
    slot: NDArray[np.int64]  # the food slot it stands on


def take_food(p: WorldParams, state: WorldState, a: NDArray, pos: NDArray) -> Taken:
    """``eat`` eats held food first, else the food on the cell (it may fail: ``eat_success``);
    hands that can carry pick up the food they stand on unless they eat it there. Both on
    the same food: the parent gets it."""
    on_food, slot = food_under(pos, state.food, state.food_wait)
    carrying = state.carrying
    eat = a == EAT
    eat_held = eat & carrying
    eat_ground = eat & ~carrying & on_food
    pick = on_food & ~carrying & ~eat & p.bool_pair("can_carry")
    if eat_ground.any():
        eat_ground &= uniform(state.key, state.t, EAT_STREAM, 2) < p.pair("eat_success")
    take = pick | eat_ground
    take[:, CHILD] &= ~(take[:, PARENT] & (slot[:, PARENT] == slot[:, CHILD]))
    eat_ground &= take
    pick &= take
    return Taken(eat_held, eat_ground, pick, take, slot)


def food_under(
    pos: NDArray, food: NDArray, wait: NDArray
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Whether each agent stands on food, and the (first) food slot it stands on, (n, 2);
    items still away (``wait`` > 0) are not there."""
    rows, cols = pos[..., 0], pos[..., 1]
    on_food = np.zeros(rows.shape, dtype=bool)
    slot = np.zeros(rows.shape, dtype=np.int64)
    away = wait > 0 if wait.any() else None
    for f in range(food.shape[1] - 1, -1, -1):
        here = (rows == food[:, f, None, 0]) & (cols == food[:, f, None, 1])
        if away is not None:
            here &= ~away[:, f, None]
        on_food |= here
        slot[here] = f
    return on_food, slot


class Meals(NamedTuple):
    """Hands and hunger after eating and feeding."""

    carrying: NDArray[np.bool_]  # holds a food item after the step
    feed: NDArray[np.bool_]  # gave its food to the other
    fed: NDArray[np.bool_]  # was given food by the other
    eaten: NDArray[np.bool_]  # ate by itself (held or ground food)
    hunger: NDArray[np.float64]  # after the step
    stilled: NDArray[np.float64]  # hunger stilled by a meal, in meals


def meals(
    p: WorldParams, state: WorldState, a: NDArray, taken: Taken, adjacent: NDArray, alive: NDArray
) -> Meals:
    """``feed`` gives held food to the adjacent other; hunger rises by ``hunger_rate`` and a
    meal (eaten or fed) removes ``food_value``; a meal is worth the hunger it stills."""
    carrying = state.carrying
    feed = (a == FEED) & carrying & adjacent
    fed = feed[:, ::-1]
    carrying = (carrying | taken.pick) & ~taken.eat_held & ~feed
    eaten = taken.eat_held | taken.eat_ground
    hunger = state.hunger + p.pair("hunger_rate") * alive
    before_meal = np.minimum(hunger, 1.0)
    hunger -= p.food_value * (eaten | fed)
    clip(hunger, 0.0, 1.0)
    # eating when sated earns nothing
    stilled = (before_meal - hunger) / p.food_value
    return Meals(carrying, feed, fed, eaten, hunger, stilled)


def respawn_food(
    p: WorldParams, state: WorldState, taken: Taken
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Food (n, n_food, 2) and its wait (n, n_food) after the agents took theirs: a taken
    item's next cell is drawn at once, and it is back there ``food_respawn_delay`` steps
    later (0: at once); an item away comes one step nearer."""
    wait = np.maximum(state.food_wait - 1, 0) if state.food_wait.any() else state.food_wait
    if not taken.take.any():
        return state.food, wait
    food = state.food.copy()
    if p.food_respawn_delay:
        wait = wait.copy()
    for agent in (PARENT, CHILD):
        envs = np.flatnonzero(taken.take[:, agent])
        if envs.size:
            u = uniform(state.key[envs], state.t[envs], FOOD_STREAM + agent, 2)
            food[envs, taken.slot[envs, agent]] = cells(u, p.size)[:, 0]
            if p.food_respawn_delay:
                wait[envs, taken.slot[envs, agent]] = p.food_respawn_delay
    return food, wait


# --- comfort and loneliness -----------------------------------------------------------------


class Comfort(NamedTuple):
    """Comfort given and felt, and loneliness after it."""

    comfort: NDArray[np.bool_]  # comforted the adjacent other
    comforted: NDArray[np.bool_]  # was comforted by the other
    felt: NDArray[np.float64]  # the comfort felt, as a share of ``comfort_relief``
    loneliness: NDArray[np.float64]  # after the step


def comfort(p: WorldParams, state: WorldState, a: NDArray, moved: Moves, alive: NDArray) -> Comfort:
    """Loneliness rises by ``loneliness_rate`` (``near_loneliness`` times that within
    ``near_radius``); ``comfort`` lowers it by up to ``comfort_relief``."""
    comfort = (a == COMFORT) & moved.adjacent
    comforted = comfort[:, ::-1]
    near = (moved.dist <= p.near_radius)[:, None]
    loneliness = (
        state.loneliness
        + np.where(near, p.near_loneliness, 1.0) * p.pair("loneliness_rate") * alive
    )
    # comfort is felt as much as it relieves: a content other gains (and gives) little
    soothed = comforted * np.minimum(loneliness, p.comfort_relief)
    loneliness -= soothed
    clip(loneliness, 0.0, 1.0)
    return Comfort(comfort, comforted, soothed / p.comfort_relief, loneliness)


# --- threats --------------------------------------------------------------------------------


class Threats(NamedTuple):
    """The threat after spawning and walking, before it strikes."""

    threat: NDArray[np.int64]  # (n, 2) the threat's cell
    left: NDArray[np.int64]  # (n,) strikes left before this step's
    spawned: NDArray[np.bool_] | None  # (n,) a threat appeared; None: no threat anywhere
    target: NDArray[np.bool_] | None  # the agent the threat reaches; None as ``spawned``


def threats(p: WorldParams, state: WorldState, pos: NDArray, alive: NDArray) -> Threats:
    """Crisis: a threat appears on the border every ``threat_period`` steps when none is out,
    walks towards the child (the parent once the child is dead) and reaches whoever is
    adjacent, the child first."""
    if not p.threats:
        return Threats(state.threat, state.threat_left, None, None)
    threat, left, spawned = spawn_threat(p, state)
    active = left > 0
    if not active.any():
        return Threats(threat, left, None, None)
    prey = pos[np.arange(state.n_envs), np.where(alive[:, CHILD], CHILD, PARENT)]
    approach = active & (chebyshev(threat, prey) > 1)
    threat = np.where(approach[:, None], toward(threat, prey), threat)
    reach = active[:, None] & alive & (chebyshev(threat[:, None], pos) <= 1)
    reach[:, PARENT] &= ~reach[:, CHILD]  # it goes for the child first
    return Threats(threat, left, spawned, reach)


def spawn_threat(p: WorldParams, state: WorldState) -> tuple[NDArray, NDArray, NDArray]:
    """(threat cell (n, 2), strikes left (n,), spawned (n,)) after this step's spawning."""
    t, left, threat = state.t, state.threat_left, state.threat
    spawned = (left == 0) & (t > 0) & (t % p.threat_period == 0)
    if spawned.any():
        envs = np.flatnonzero(spawned)
        u = uniform(state.key[envs], t[envs], THREAT_STREAM, 2)
        side = (u[:, 0] * 4).astype(np.int64)  # top, bottom, left, right
        along = (u[:, 1] * p.size).astype(np.int64)
        edge = np.where(side % 2 == 0, 0, p.size - 1)
        threat = threat.copy()
        threat[envs] = np.where((side < 2)[:, None], np.stack([edge, along], -1), 0)
        threat[envs] += np.where((side < 2)[:, None], 0, np.stack([along, edge], -1))
        left = np.where(spawned, p.threat_strikes, left)
    return threat, left, spawned


# --- damage and health ----------------------------------------------------------------------


class Blows(NamedTuple):
    """What a threat's strike did (only when it reached someone)."""

    shielded: NDArray[np.bool_]  # the other shielded this agent from the threat
    protected: NDArray[np.bool_]  # this agent shielded the other from a real blow
    struck: NDArray[np.float64]  # health the threat took


class Harm(NamedTuple):
    """Health lost this step, and the threat's strikes left."""

    damage: NDArray[np.float64]  # health lost to hunger, loneliness and threats
    threat_left: NDArray[np.int64]  # (n,) strikes left after this step's
    blows: Blows | None  # None when no threat reached anyone


def harm(
    p: WorldParams,
    a: NDArray,
    hunger: NDArray,
    loneliness: NDArray,
    adjacent: NDArray,
    threats: Threats,
) -> Harm:
    """Starving (from ``hungry_at``) and loneliness (from ``lonely_at``) cost health; a
    threat's blow costs ``threat_damage · vulnerability``; ``shield`` by the adjacent other
    stops ``shield_block`` of a blow, and the shielder takes the full blow itself."""
    damage = p.starve_damage * np.minimum(
        np.maximum(hunger - p.hungry_at, 0.0) / (1.0 - p.hungry_at), 1.0
    )
    damage += p.lonely_damage * np.minimum(
        np.maximum(loneliness - p.lonely_at, 0.0) / (1.0 - p.lonely_at), 1.0
    )
    target = threats.target
    if target is None:
        return Harm(damage, threats.left, None)
    shield = (a == SHIELD) & adjacent
    blow = p.threat_damage * p.pair("vulnerability")
    shielded = target & shield[:, ::-1]
    protected = shielded[:, ::-1]
    struck = blow * target * np.where(shielded, 1.0 - p.shield_block, 1.0)
    struck += blow * protected  # the shielder takes the blow
    damage += struck
    left = threats.left - (target[:, PARENT] | target[:, CHILD])
    return Harm(damage, left, Blows(shielded, protected, struck))


class Health(NamedTuple):
    """Health after the step, and who lives."""

    health: NDArray[np.float64]  # after the step
    lives: NDArray[np.bool_]  # alive after the step
    died: NDArray[np.bool_]  # died in this step


def health(
    p: WorldParams,
    state: WorldState,
    damage: NDArray,
    meals: Meals,
    comfort: Comfort,
    alive: NDArray,
) -> Health:
    """Health falls by the damage, regenerates ``regen`` while hunger and loneliness are below
    :data:`WELL_BELOW`, and ``comfort`` heals ``comfort_heal``; at 0 the agent is dead."""
    well = (meals.hunger < WELL_BELOW) & (comfort.loneliness < WELL_BELOW)
    health = state.health - damage * alive
    health += (p.pair("regen") * well + p.comfort_heal * comfort.comforted) * alive
    clip(health, 0.0, 1.0)
    lives = health > 0.0
    return Health(health, lives, alive & ~lives)


# --- events and emotions --------------------------------------------------------------------


def events(
    p: WorldParams,
    state: WorldState,
    alive: NDArray,
    moved: Moves,
    meals: Meals,
    comfort: Comfort,
    harm: Harm,
    body: Health,
    threats: Threats,
) -> NDArray[np.float64]:
    """The typed events (n, 2, len(EVENTS)) of the step, from each agent's point of view
    (the dead feel nothing)."""
    separated = moved.dist > p.separation_radius
    was_separated = chebyshev(state.pos[:, 0], state.pos[:, 1]) > p.separation_radius
    gone = ~body.lives[:, ::-1]  # the other is dead: absent for good
    ev = np.zeros((state.n_envs, 2, len(EVENTS)))
    relief = np.minimum(meals.stilled, 1.0)  # a meal is felt as much as it relieves
    ev[..., _EV["fed"]] = relief * meals.fed
    ev[..., _EV["ate"]] = relief * (meals.eaten & ~meals.fed)
    ev[..., _EV["comforted"]] = comfort.felt
    ev[..., _EV["cared"]] = np.maximum(meals.feed, comfort.felt[:, ::-1])
    harmed = np.minimum(harm.damage / p.harm_scale, 1.0)
    ev[..., _EV["harmed"]] = harmed
    ev[..., _EV["other_harmed"]] = harmed[:, ::-1]
    ev[..., _EV["separated"]] = separated[:, None] | gone
    ev[..., _EV["reunited"]] = (was_separated & ~separated)[:, None] & ~gone
    ev[..., _EV["close"]] = moved.adjacent
    # the valence each face showed, as the other saw it (a dead face shows nothing)
    other_v = scaled_valence(valence(state.affect.primary[:, ::-1])) * alive[:, ::-1]
    ev[..., _EV["other_distress"]] = np.maximum(-other_v, 0.0)
    ev[..., _EV["other_joy"]] = np.maximum(other_v, 0.0)
    ev[..., _EV["loss"]] = body.died[:, ::-1]
    if harm.blows is not None:
        threat_events(p, ev, moved.pos, threats, harm)
    ev *= alive[..., None]
    return ev


def threat_events(p: WorldParams, ev: NDArray, pos: NDArray, threats: Threats, harm: Harm) -> None:
    """Write the threat's events into ``ev`` (threatened, protected, novelty) in place."""
    felt = felt_threat(p, threats.threat, harm.threat_left > 0, pos)
    ev[..., _EV["threatened"]] = felt
    ev[..., _EV["other_threatened"]] = felt[:, ::-1]
    ev[..., _EV["protected_other"]] = harm.blows.protected  # type: ignore[union-attr]
    ev[..., _EV["was_protected"]] = harm.blows.shielded  # type: ignore[union-attr]
    ev[..., _EV["novelty"]] = threats.spawned[:, None]  # type: ignore[index]
    # its last strike: the danger has passed for both
    ev[..., _EV["danger_passed"]] = ((threats.left > 0) & (harm.threat_left == 0))[:, None]


def felt_threat(p: WorldParams, threat: NDArray, active: NDArray, pos: NDArray) -> NDArray:
    """How near the threat is to each agent, 1 when adjacent, 0 beyond ``threat_radius``."""
    d = chebyshev(threat[:, None], pos)
    return active[:, None] * np.minimum(
        np.maximum(p.threat_radius + 1 - d, 0) / p.threat_radius, 1.0
    )


class Emotions(NamedTuple):
    """The agents' affect after the step."""

    affect: AffectState  # after the step
    felt_hunger: NDArray[np.float64]  # hunger as felt (0 below ``hunger_felt_at``, 1 at 1)


def emotions(
    p: WorldParams,
    state: WorldState,
    events: NDArray,
    meals: Meals,
    comfort: Comfort,
    alive: NDArray,
    extra_drive: NDArray,
) -> Emotions:
    """Each agent's affect steps on the events, on the other's face (contagion; a dead face
    shows nothing) and on interoception: felt hunger and loneliness drive cortisol, added to
    ``extra_drive`` (n, 2, 7), the drive of the agents' own signals. The dead feel nothing."""
    drive = np.zeros((state.n_envs, 2, len(MODULATORS)))
    felt_hunger = np.clip((meals.hunger - p.hunger_felt_at) / (1.0 - p.hunger_felt_at), 0.0, 1.0)
    drive[..., _CORTISOL] = p.hunger_stress * felt_hunger
    drive[..., _CORTISOL] += p.loneliness_stress * comfort.loneliness
    drive += extra_drive
    drive *= alive[..., None]
    face = state.affect.primary[:, ::-1] * alive[:, ::-1, None]
    affect = step_affect(state.affect, events, p.dt, p.affect, drive, other_expressed=face)
    return Emotions(affect, felt_hunger)


# --- rewards and bookkeeping ----------------------------------------------------------------


class Rewards(NamedTuple):
    """The step's rewards, their terms and the relief given."""

    terms: dict[str, NDArray[np.float64]]  # each weighted term, 0 for the dead
    rewards: NDArray[np.float32]  # their sum
    relief: NDArray[np.float64]  # what each agent's own acts relieved in the other, <= 1


def rewards(
    p: WorldParams,
    state: WorldState,
    feeling: Emotions,
    body: Health,
    meals: Meals,
    comfort: Comfort,
    harm: Harm,
    alive: NDArray,
) -> Rewards:
    """The reward terms of ``reward_mode`` (see :mod:`~emotion_engine.worlds.rewards`), and
    the relief: the hunger an agent's feeding stilled, the comfort the other felt, a blow
    taken for it."""
    terms = reward_terms(p, state, feeling.affect, body, feeling.felt_hunger, meals.stilled)
    terms = {k: v * alive for k, v in terms.items()}
    total = sum(terms.values()).astype(np.float32)
    relief = meals.feed * meals.stilled[:, ::-1] + comfort.felt[:, ::-1]
    if harm.blows is not None:
        relief += harm.blows.protected
    return Rewards(terms, total, np.minimum(relief, 1.0) * alive)


def reward_terms(
    p: WorldParams,
    before: WorldState,
    affect: AffectState,
    body: Health,
    felt_hunger: NDArray,
    meals: NDArray,
) -> dict[str, NDArray[np.float64]]:
    """The unmasked reward terms of ``p.reward_mode``."""
    w = p.rewards
    terms = extrinsic_terms(felt_hunger, meals, body.health - before.health, body.died, w)
    if p.reward_mode == "emotional":
        own = valence(affect.primary)
        attachment = affect.social[..., _ATTACHMENT]
        terms |= emotional_terms(
            own,
            own[:, ::-1] * body.lives[:, ::-1],  # a dead face shows nothing
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


def tally(
    p: WorldParams,
    state: WorldState,
    meals: Meals,
    comfort: Comfort,
    harm: Harm,
    rewards: NDArray,
    alive: NDArray,
    a: NDArray,
    health: NDArray,
) -> NDArray[np.float64]:
    """The episode's accumulators (n, len(STATS)) after the step (see ``STATS``), from the
    step's actions ``a`` and the health after it."""
    stats = state.stats.copy()
    stats[:, _S["feeds"]] += meals.feed[:, PARENT]
    stats[:, _S["hunger_stilled_by_feeds"]] += meals.feed[:, PARENT] * meals.stilled[:, CHILD]
    stats[:, _S["shield_acts"]] += a[:, PARENT] == SHIELD
    stats[:, _S["child_health_auc"]] += health[:, CHILD] / p.max_cycles
    stats[:, _S["comfort_acts"]] += comfort.comfort[:, PARENT]
    stats[:, _S["parent_eats"] : _S["child_eats"] + 1] += meals.eaten
    stats[:, _S["parent_steps_hungry"] : _S["child_steps_hungry"] + 1] += (
        meals.hunger >= p.hungry_at
    ) & alive
    stats[:, _S["parent_return"] : _S["child_return"] + 1] += rewards
    if harm.blows is not None:
        protected, struck = harm.blows.protected[:, PARENT], harm.blows.struck
        stats[:, _S["shield_events"]] += protected
        stats[:, _S["shield_damage"]] += protected * struck[:, PARENT]
        stats[:, _S["parent_threat_damage"] : _S["child_threat_damage"] + 1] += struck
    # time to help: steps before the parent's first care act (feed, comfort or a real shield)
    cared_yet = stats[:, [_S["feeds"], _S["comfort_acts"], _S["shield_events"]]].sum(-1) > 0
    stats[:, _S["care_steps"]] += ~cared_yet
    return stats
