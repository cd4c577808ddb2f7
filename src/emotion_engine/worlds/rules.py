"""The world rules, one phase of a step each: moves, food, comfort and loneliness, threats,
damage and health, events, emotions, rewards and bookkeeping.

Each phase is a pure function of the step's parameters, the state before the step and the
results of earlier phases, and returns its own results as a named tuple;
:func:`emotion_engine.worlds.core.step` calls them in the order of the rules table
(:mod:`emotion_engine.worlds`). Arrays are (n, A) over envs × agents unless said otherwise,
per-pair arrays (n, A, A − 1) over each agent's others
(:func:`~emotion_engine.worlds.family.others`); ``alive`` is who lived before the step (the
dead act no more, and nothing reaches them).

A care act (``feed``, ``comfort``, ``shield``) reaches one adjacent other: ``feed`` the
hungriest, ``comfort`` the loneliest (the first in agent order on a tie: the parent, then the
children by index), ``shield`` the one the threat strikes. With one child that is the child.
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
from emotion_engine.affect.mood import CORE_AFFECT, valence
from emotion_engine.worlds.family import any_other, first_choice, gather, mirror
from emotion_engine.worlds.grid import chebyshev, toward
from emotion_engine.worlds.randomness import (
    EAT_STREAM,
    FOOD_STREAM,
    PREY_STREAM,
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

    pos: NDArray[np.int64]  # (n, A, 2) cells after the moves
    dist: NDArray[np.int64]  # (n, A, A − 1) Chebyshev distance to each other
    adjacent: NDArray[np.bool_]  # (n, A, A − 1) next to that other, which still lives


def moves(p: WorldParams, state: WorldState, a: NDArray, alive: NDArray) -> Moves:
    """Moves of one cell; walls stop them; agents may share a cell."""
    pos = state.pos + MOVES[a]
    clip(pos, 0, p.size - 1)
    dist = pair_distance(pos)
    return Moves(pos, dist, (dist <= 1) & gather(alive, p.n_agents))


def pair_distance(pos: NDArray) -> NDArray[np.int64]:
    """Chebyshev distance (n, A, A − 1) from each agent (cells (n, A, 2)) to each other."""
    return chebyshev(pos[:, :, None], gather(pos, pos.shape[1]))


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
    the same food: the parent gets it, then the children in order."""
    on_food, slot = food_under(pos, state.food, state.food_wait)
    carrying = state.carrying
    eat = a == EAT
    eat_held = eat & carrying
    eat_ground = eat & ~carrying & on_food
    pick = on_food & ~carrying & ~eat & p.bool_pair("can_carry")
    if eat_ground.any():
        eat_ground &= uniform(state.key, state.t, EAT_STREAM, p.n_agents) < p.pair("eat_success")
    take = pick | eat_ground
    for agent in range(1, p.n_agents):
        first = take[:, :agent] & (slot[:, :agent] == slot[:, agent, None])
        take[:, agent] &= ~first.any(-1)
    eat_ground &= take
    pick &= take
    return Taken(eat_held, eat_ground, pick, take, slot)


def food_under(
    pos: NDArray, food: NDArray, wait: NDArray
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Whether each agent stands on food, and the (first) food slot it stands on, (n, A);
    items still away (``wait`` > 0) are not there."""
    here = (pos[:, None, :, 0] == food[:, :, None, 0]) & (pos[:, None, :, 1] == food[:, :, None, 1])
    if wait.any():
        here &= (wait <= 0)[..., None]
    return here.any(1), here.argmax(1)  # the first slot here (0 where none is)


class Meals(NamedTuple):
    """Hands and hunger after eating and feeding."""

    carrying: NDArray[np.bool_]  # holds a food item after the step
    feed: NDArray[np.bool_]  # (n, A, A − 1) gave its food to that other
    fed: NDArray[np.bool_]  # (n, A, A − 1) was given food by that other
    eaten: NDArray[np.bool_]  # ate by itself (held or ground food)
    hunger: NDArray[np.float64]  # after the step
    stilled: NDArray[np.float64]  # hunger stilled by a meal, in meals


def meals(
    p: WorldParams, state: WorldState, a: NDArray, taken: Taken, adjacent: NDArray, alive: NDArray
) -> Meals:
    """``feed`` gives held food to the hungriest adjacent other; hunger rises by
    ``hunger_rate`` and a meal (eaten or fed) removes ``food_value``; a meal is worth the
    hunger it stills."""
    carrying = state.carrying
    to = first_choice(adjacent, gather(state.hunger, p.n_agents))
    feed = ((a == FEED) & carrying)[..., None] & to
    fed = mirror(feed)
    carrying = (carrying | taken.pick) & ~taken.eat_held & ~any_other(feed)
    eaten = taken.eat_held | taken.eat_ground
    hunger = state.hunger + p.pair("hunger_rate") * alive
    before_meal = np.minimum(hunger, 1.0)
    hunger -= p.food_value * (eaten | any_other(fed))
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
    for agent in range(p.n_agents):
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

    comfort: NDArray[np.bool_]  # (n, A, A − 1) comforted that adjacent other
    comforted: NDArray[np.bool_]  # (n, A, A − 1) was comforted by that other
    felt: NDArray[np.float64]  # the comfort felt, as a share of ``comfort_relief``
    loneliness: NDArray[np.float64]  # after the step


def comfort(p: WorldParams, state: WorldState, a: NDArray, moved: Moves, alive: NDArray) -> Comfort:
    """Loneliness rises by ``loneliness_rate`` (``near_loneliness`` times that within
    ``near_radius`` of the parent, for the parent of a child); ``comfort`` of the loneliest
    adjacent other lowers its loneliness by up to ``comfort_relief``."""
    to = first_choice(moved.adjacent, gather(state.loneliness, p.n_agents))
    comfort = (a == COMFORT)[..., None] & to
    comforted = mirror(comfort)
    near = moved.dist[..., 0] <= p.near_radius  # each child near the parent (its first other)
    if p.n_children > 1:  # the parent near any child
        near[:, PARENT] = (moved.dist[:, PARENT] <= p.near_radius).any(-1)
    loneliness = (
        state.loneliness
        + np.where(near, p.near_loneliness, 1.0) * p.pair("loneliness_rate") * alive
    )
    # comfort is felt as much as it relieves: a content other gains (and gives) little
    soothed = any_other(comforted) * np.minimum(loneliness, p.comfort_relief)
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
    prey: NDArray[np.int64]  # (n,) the agent the threat goes for


def threats(p: WorldParams, state: WorldState, pos: NDArray, alive: NDArray) -> Threats:
    """Crisis: a threat appears on the border every ``threat_period`` steps when none is out,
    walks towards its prey, a child (:func:`prey`), and reaches whoever is adjacent: the
    prey first, then the other children in order, then the parent."""
    if not p.threats:
        return Threats(state.threat, state.threat_left, None, None, state.threat_prey)
    threat, left, spawned, chosen = spawn_threat(p, state, alive)
    active = left > 0
    if not active.any():
        return Threats(threat, left, None, None, chosen)
    chosen = prey(chosen, alive)
    cell = pos[np.arange(state.n_envs), chosen]
    approach = active & (chebyshev(threat, cell) > 1)
    threat = np.where(approach[:, None], toward(threat, cell), threat)
    reach = active[:, None] & alive & (chebyshev(threat[:, None], pos) <= 1)
    if not reach.any():  # it reaches no one: no one to choose among
        return Threats(threat, left, spawned, reach, chosen)
    agents = np.arange(p.n_agents)
    rank = np.where(agents == chosen[:, None], 0, np.where(agents > PARENT, agents, p.n_agents))
    first = np.where(reach, rank, p.n_agents + 1).argmin(-1)
    return Threats(threat, left, spawned, reach & (agents == first[:, None]), chosen)


def prey(chosen: NDArray, alive: NDArray) -> NDArray[np.int64]:
    """The threat's prey (n,): the chosen child while it lives, else the first live child,
    else the parent."""
    lives = alive[np.arange(alive.shape[0]), chosen]
    if lives.all():
        return chosen
    children = alive[:, CHILD:]
    first = np.where(children.any(-1), children.argmax(-1) + CHILD, PARENT)
    return np.where(lives, chosen, first)


def spawn_threat(
    p: WorldParams, state: WorldState, alive: NDArray
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """(threat cell (n, 2), strikes left (n,), spawned (n,), prey (n,)) after this step's
    spawning; a new threat's prey is one of the live children drawn uniformly (the child
    itself with one child)."""
    t, left, threat, chosen = state.t, state.threat_left, state.threat, state.threat_prey
    spawned = (left == 0) & (t > 0) & (t % p.threat_period == 0)
    if spawned.any():
        envs = np.flatnonzero(spawned)
        u = uniform(state.key[envs], t[envs], THREAT_STREAM, 2)
        if p.n_children > 1:
            chosen = chosen.copy()
            chosen[envs] = pick_child(uniform(state.key[envs], t[envs], PREY_STREAM, 1)[:, 0],
                                      alive[envs])  # fmt: skip
        side = (u[:, 0] * 4).astype(np.int64)  # top, bottom, left, right
        along = (u[:, 1] * p.size).astype(np.int64)
        edge = np.where(side % 2 == 0, 0, p.size - 1)
        threat = threat.copy()
        threat[envs] = np.where((side < 2)[:, None], np.stack([edge, along], -1), 0)
        threat[envs] += np.where((side < 2)[:, None], 0, np.stack([along, edge], -1))
        left = np.where(spawned, p.threat_strikes, left)
    return threat, left, spawned, chosen


def pick_child(u: NDArray, alive: NDArray) -> NDArray[np.int64]:
    """The agent index (k,) of the live child that uniforms ``u`` (k,) pick, in order (the
    first child when none lives)."""
    live = alive[:, CHILD:]
    rank = (u * np.maximum(live.sum(-1), 1)).astype(np.int64)
    return (np.cumsum(live, -1) > rank[:, None]).argmax(-1) + CHILD


# --- damage and health ----------------------------------------------------------------------


class Blows(NamedTuple):
    """What a threat's strike did (only when it reached someone)."""

    shielded: NDArray[np.bool_]  # an other shielded this agent from the threat
    protected: NDArray[np.bool_]  # (n, A, A − 1) this agent shielded that other from a blow
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
    threat's blow costs ``threat_damage · vulnerability``; ``shield`` by an adjacent other
    stops ``shield_block`` of a blow, and each shielder takes the full blow itself."""
    damage = p.starve_damage * np.minimum(
        np.maximum(hunger - p.hungry_at, 0.0) / (1.0 - p.hungry_at), 1.0
    )
    damage += p.lonely_damage * np.minimum(
        np.maximum(loneliness - p.lonely_at, 0.0) / (1.0 - p.lonely_at), 1.0
    )
    target = threats.target
    if target is None:
        return Harm(damage, threats.left, None)
    shield = (a == SHIELD)[..., None] & adjacent
    blow = p.threat_damage * p.pair("vulnerability")
    shielded = target & any_other(mirror(shield))
    protected = shield & gather(target, p.n_agents)
    struck = blow * target * np.where(shielded, 1.0 - p.shield_block, 1.0)
    struck += blow * any_other(protected)  # the shielder takes the blow
    damage += struck
    left = threats.left - target.any(-1)
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
    health += (p.pair("regen") * well + p.comfort_heal * any_other(comfort.comforted)) * alive
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
    """The typed events (n, A, A − 1, len(EVENTS)) of the step, from each agent's point of
    view towards each of its others (events about itself alone repeat in every pair; the
    dead feel nothing)."""
    n_agents = p.n_agents
    separated = moved.dist > p.separation_radius
    was_separated = pair_distance(state.pos) > p.separation_radius
    gone = ~gather(body.lives, n_agents)  # the other is dead: absent for good
    ev = np.zeros((state.n_envs, n_agents, n_agents - 1, len(EVENTS)))
    relief = np.minimum(meals.stilled, 1.0)[..., None]  # a meal is felt as much as it relieves
    ev[..., _EV["fed"]] = relief * meals.fed
    ev[..., _EV["ate"]] = relief * (meals.eaten & ~any_other(meals.fed))[..., None]
    ev[..., _EV["comforted"]] = comfort.felt[..., None] * comfort.comforted
    ev[..., _EV["cared"]] = np.maximum(meals.feed, comfort.comfort * gather(comfort.felt, n_agents))
    harmed = np.minimum(harm.damage / p.harm_scale, 1.0)
    ev[..., _EV["harmed"]] = harmed[..., None]
    ev[..., _EV["other_harmed"]] = gather(harmed, n_agents)
    ev[..., _EV["separated"]] = separated | gone
    ev[..., _EV["reunited"]] = was_separated & ~separated & ~gone
    ev[..., _EV["close"]] = moved.adjacent
    # each face's valence (summed term by term; a dead face shows none), as the others saw it
    shown_v = scaled_valence((state.affect.primary * CORE_AFFECT[:, 0]).sum(-1)) * alive
    other_v = gather(shown_v, n_agents)
    ev[..., _EV["other_distress"]] = np.maximum(-other_v, 0.0)
    ev[..., _EV["other_joy"]] = np.maximum(other_v, 0.0)
    ev[..., _EV["loss"]] = gather(body.died, n_agents)
    if harm.blows is not None:
        threat_events(p, ev, moved.pos, threats, harm)
    ev *= alive[..., None, None]
    return ev


def threat_events(p: WorldParams, ev: NDArray, pos: NDArray, threats: Threats, harm: Harm) -> None:
    """Write the threat's events into ``ev`` (threatened, protected, novelty) in place."""
    felt = felt_threat(p, threats.threat, harm.threat_left > 0, pos)
    blows: Blows = harm.blows  # type: ignore[assignment]
    ev[..., _EV["threatened"]] = felt[..., None]
    ev[..., _EV["other_threatened"]] = gather(felt, p.n_agents)
    ev[..., _EV["protected_other"]] = blows.protected
    ev[..., _EV["was_protected"]] = mirror(blows.protected)
    ev[..., _EV["novelty"]] = threats.spawned[:, None, None]  # type: ignore[index]
    # its last strike: the danger has passed for all
    ev[..., _EV["danger_passed"]] = ((threats.left > 0) & (harm.threat_left == 0))[:, None, None]


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
    """Each agent's affect steps on the events, on the others' faces (contagion; a dead face
    shows nothing) and on interoception: felt hunger and loneliness drive cortisol, added to
    ``extra_drive`` (n, A, 7), the drive of the agents' own signals. The dead feel nothing."""
    drive = np.zeros((state.n_envs, p.n_agents, len(MODULATORS)))
    felt_hunger = np.clip((meals.hunger - p.hunger_felt_at) / (1.0 - p.hunger_felt_at), 0.0, 1.0)
    drive[..., _CORTISOL] = p.hunger_stress * felt_hunger
    drive[..., _CORTISOL] += p.loneliness_stress * comfort.loneliness
    drive += extra_drive
    face = state.affect.primary
    if not alive.all():
        drive *= alive[..., None]
        face = face * alive[..., None]
    face = gather(face, p.n_agents)
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
    if not alive.all():  # (times 1 for the living changes no bit)
        terms = {k: v * alive for k, v in terms.items()}
    total = sum(terms.values()).astype(np.float32)
    n_agents = p.n_agents
    relief = meals.feed * gather(meals.stilled, n_agents)
    relief += comfort.comfort * gather(comfort.felt, n_agents)
    if harm.blows is not None:
        relief += harm.blows.protected
    return Rewards(terms, total, np.minimum(relief.sum(-1), 1.0) * alive)


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
            gather(own * body.lives, p.n_agents),  # a dead face shows nothing
            attachment,
            attachment - before.affect.social[..., _ATTACHMENT],
            ~gather(body.lives, p.n_agents),
            w,
        )
    elif p.reward_mode == "explicit":
        children = sum(terms.values())[:, CHILD:] * (before.health[:, CHILD:] > 0.0)
        terms["child_wellbeing"] = np.zeros_like(before.health)
        terms["child_wellbeing"][:, PARENT] = explicit_term(children.sum(-1), w)
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
    """The episode's accumulators (n, len(p.stats)) after the step (see ``STATS`` and
    ``CHILD_STATS``), from the step's actions ``a`` and the health after it."""
    stats = state.stats.copy()
    feeds = meals.feed[:, PARENT]  # (n, children): the parent's feed to each child
    stats[:, _S["feeds"]] += any_other(meals.feed)[:, PARENT]
    stats[:, _S["hunger_stilled_by_feeds"]] += (feeds * meals.stilled[:, CHILD:]).sum(-1)
    stats[:, _S["shield_acts"]] += a[:, PARENT] == SHIELD
    stats[:, _S["child_health_auc"]] += health[:, CHILD] / p.max_cycles
    stats[:, _S["comfort_acts"]] += any_other(comfort.comfort)[:, PARENT]
    own = slice(PARENT, CHILD + 1)  # the parent and child_0
    stats[:, _S["parent_eats"] : _S["child_eats"] + 1] += meals.eaten[:, own]
    stats[:, _S["parent_steps_hungry"] : _S["child_steps_hungry"] + 1] += (
        (meals.hunger >= p.hungry_at) & alive
    )[:, own]
    stats[:, _S["parent_return"] : _S["child_return"] + 1] += rewards[:, own]
    if harm.blows is not None:
        protected, struck = any_other(harm.blows.protected)[:, PARENT], harm.blows.struck
        stats[:, _S["shield_events"]] += protected
        stats[:, _S["shield_damage"]] += protected * struck[:, PARENT]
        stats[:, _S["parent_threat_damage"] : _S["child_threat_damage"] + 1] += struck[:, own]
    # time to help: steps before the parent's first care act (feed, comfort or a real shield)
    cared_yet = stats[:, [_S["feeds"], _S["comfort_acts"], _S["shield_events"]]].sum(-1) > 0
    stats[:, _S["care_steps"]] += ~cared_yet
    if p.n_children > 1:
        stats[:, len(_S) :] += tally_children(p, meals, comfort, harm, health)
    return stats


def tally_children(
    p: WorldParams, meals: Meals, comfort: Comfort, harm: Harm, health: NDArray
) -> NDArray[np.float64]:
    """The step's per-child accumulators (n, n_children · len(CHILD_STATS)), child by child
    in the order of ``CHILD_STATS``: the parent's feeds, comfort and effective shields that
    went to each child, and each child's health / ``max_cycles``."""
    shields = np.zeros_like(health[:, CHILD:])
    if harm.blows is not None:
        shields = harm.blows.protected[:, PARENT]
    columns = (meals.feed[:, PARENT], comfort.comfort[:, PARENT], shields,
               health[:, CHILD:] / p.max_cycles)  # fmt: skip
    return np.stack(columns, -1).reshape(health.shape[0], -1)
