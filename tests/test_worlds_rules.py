"""The world rules, row by row of the rules table in :mod:`emotion_engine.worlds`.

Every test builds a world by hand (:func:`world_builder.one_world`), takes a step or a few,
and checks exact values: the numbers are the table's, at the default parameters. Where a
rule draws random numbers (food respawn, threat spawn, the child's fumbling), the draws of
seed 0 are pinned as well, so that the counter-based randomness cannot drift either.
"""

from dataclasses import replace

import numpy as np
import pytest

from emotion_engine.affect import (
    EMOTIONS,
    EVENTS,
    MODULATORS,
    PRIMITIVES,
    core_affect,
    learning_drive,
    step_affect,
)
from emotion_engine.worlds import OBS_FEATURES, AgentSignals, WorldParams
from emotion_engine.worlds.core import initial, observe, seed_keys, step
from emotion_engine.worlds.grid import FAR, nearest
from world_builder import (
    CHILD,
    COMFORT,
    DOWN,
    EAT,
    FAR_FOOD,
    FEED,
    LEFT,
    PARENT,
    PICK,
    RIGHT,
    SHIELD,
    STAY,
    UP,
    act,
    one_world,
    stack,
)

CARETAKING = WorldParams()
CRISIS = WorldParams(scenario="crisis")
EV = {name: i for i, name in enumerate(EVENTS)}
OBS = {name: i for i, (name, _, _) in enumerate(OBS_FEATURES)}
ATTACHMENT = PRIMITIVES.index("attachment")


def exactly(value):
    """A float (or list of floats) up to rounding."""
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def observed(value):
    """An observed (float32) feature or list of them, up to float32 rounding."""
    return pytest.approx(value, rel=1e-7, abs=1e-7)


def events_of(info, agent, *names):
    """The named events one agent felt in the step."""
    return [float(info.events[0, agent, EV[name]]) for name in names]


def care_episode(parent_actions, params, **fields):
    """The info of the last step of an episode in which the parent acts ``parent_actions``
    in turn (the child stays)."""
    state = one_world(params, **fields)
    for parent in parent_actions:
        state, _, _, _, _, info = act(params, state, parent)
    return info


# --- start ---------------------------------------------------------------------------------


def splitmix64(state: int) -> int:
    """The first output of the reference splitmix64 generator started at ``state``."""
    mask = (1 << 64) - 1
    z = (state + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def test_start_episode_keys_are_splitmix64_of_the_seeds():
    assert splitmix64(0) == 0xE220A8397B1DCDAF  # the published first output
    keys = seed_keys([0, 1, 7, 2**40])
    assert keys.dtype == np.uint64
    assert [int(k) for k in keys] == [splitmix64(s) for s in (0, 1, 7, 2**40)]
    for bad in ([[0, 1]], [0.5], [-1]):
        with pytest.raises(ValueError, match="seeds must be non-negative integers, one per env"):
            seed_keys(bad)


def test_start_fed_unhurt_not_lonely_and_the_parent_holding_food():
    state = initial(CARETAKING, seed_keys([0, 1]))
    np.testing.assert_array_equal(state.key, seed_keys([0, 1]))
    np.testing.assert_array_equal(state.t, [0, 0])
    np.testing.assert_array_equal(state.health, [[1.0, 1.0]] * 2)
    np.testing.assert_array_equal(state.hunger, [[0.2, 0.3]] * 2)
    np.testing.assert_array_equal(state.loneliness, [[0.0, 0.0]] * 2)
    np.testing.assert_array_equal(state.carrying, [[True, False]] * 2)
    np.testing.assert_array_equal(state.threat_left, [0, 0])
    np.testing.assert_array_equal(state.last_action, [[STAY, STAY]] * 2)
    for name in ("t", "pos", "food", "threat", "threat_left", "last_action"):
        assert getattr(state, name).dtype == np.int64, name
    assert not state.stats.any()
    obs = observe(CARETAKING, state)
    assert obs[:, :, OBS["own_social_attachment"]].ravel().tolist() == observed([0.3, 0.5] * 2)
    assert obs[:, :, OBS["own_joy"]].ravel().tolist() == observed([1 / 7] * 4)


def test_start_cells_of_seed_0():
    state = initial(CARETAKING, seed_keys([0]))
    assert state.pos[0].tolist() == [[2, 2], [1, 3]]
    assert state.food[0].tolist() == [[0, 5], [1, 2], [7, 3]]


def test_start_the_child_within_2_cells_and_everything_anywhere_on_the_grid():
    state = initial(CARETAKING, seed_keys(range(1000)))
    grid = {(r, c) for r in range(9) for c in range(9)}
    for cells in (state.pos[:, PARENT], state.pos[:, CHILD], state.food.reshape(-1, 2)):
        assert set(map(tuple, cells.tolist())) == grid
    offset = state.pos[:, CHILD] - state.pos[:, PARENT]
    assert np.abs(offset).max() == 2
    inside = ((state.pos[:, PARENT] >= 2) & (state.pos[:, PARENT] <= 6)).all(-1)
    square = {(r, c) for r in range(-2, 3) for c in range(-2, 3)}
    assert set(map(tuple, offset[inside].tolist())) == square  # uniform in [-2, 2]²
    together = initial(WorldParams(start_radius=0), seed_keys(range(50)))
    np.testing.assert_array_equal(together.pos[:, PARENT], together.pos[:, CHILD])


# --- move ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, delta",
    [(STAY, (0, 0)), (UP, (-1, 0)), (DOWN, (1, 0)), (LEFT, (0, -1)), (RIGHT, (0, 1))]
    + [(a, (0, 0)) for a in (PICK, EAT, FEED, COMFORT, SHIELD)],
)
def test_move_one_cell_per_move(action, delta):
    state = one_world(pos=[[4, 4], [2, 6]], food=FAR_FOOD)
    new, *_ = act(CARETAKING, state, action, action)
    assert new.pos[0].tolist() == [[4 + delta[0], 4 + delta[1]], [2 + delta[0], 6 + delta[1]]]
    assert new.last_action[0].tolist() == [action, action]


@pytest.mark.parametrize("corner, moves", [((0, 0), (UP, LEFT)), ((8, 8), (DOWN, RIGHT))])
def test_move_walls_stop_the_agents(corner, moves):
    state = one_world(pos=[corner, corner], food=[[4, 4]] * 3)
    new, *_ = act(CARETAKING, state, *moves)
    assert new.pos[0].tolist() == [list(corner), list(corner)]


def test_move_agents_may_share_a_cell():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD)
    new, *_ = act(CARETAKING, state, STAY, LEFT)
    assert new.pos[0].tolist() == [[4, 4], [4, 4]]


# --- food ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("hunger", "ate"), [(0.6, 1.0), (0.3, 0.608), (0.0, 0.008)])
def test_a_meal_is_felt_as_much_as_it_relieves(hunger, ate):
    state = one_world(pos=[[4, 4], [0, 8]], food=FAR_FOOD, carrying=[True, False],
                      hunger=[hunger, 0.3])  # fmt: skip
    *_, info = act(CARETAKING, state, EAT)
    # the hunger stilled, in meals of food_value 0.5 (after this step's rise of 0.004)
    assert events_of(info, PARENT, "ate", "fed") == exactly([ate, 0.0])


def test_the_nearest_item_is_by_king_moves_the_first_on_a_tie_and_never_one_away():
    items = np.array([[[0, 0], [3, 3], [1, 2]]])
    cells = np.array([[[2, 2], [0, 1], [8, 8]]])
    index, distance = nearest(items, None, cells)
    assert index.tolist() == [[1, 0, 1]] and distance.tolist() == [[1, 1, 5]]  # (2, 2): a tie
    index, distance = nearest(items, np.array([[False, True, True]]), cells)
    assert index.tolist() == [[0, 0, 0]] and distance.tolist() == [[2, 1, 8]]
    _, distance = nearest(items, np.array([[True, True, True]]), cells)
    assert distance.tolist() == [[FAR, FAR, FAR]]


def test_food_the_parent_eats_what_it_holds():
    state = one_world(pos=[[4, 4], [4, 6]], food=FAR_FOOD, hunger=[0.6, 0.3])
    new, _, _, _, _, info = act(CARETAKING, state, EAT)
    assert new.hunger[0].tolist() == exactly([0.6 + 0.004 - 0.5, 0.3 + 0.012])
    assert new.carrying[0].tolist() == [False, False]
    assert new.food[0].tolist() == FAR_FOOD  # nothing taken from the ground
    assert info.reward_terms["meal"][0].tolist() == exactly([0.1, 0.0])  # one whole meal


def test_food_eaten_from_the_ground_is_not_picked_up_and_reappears_elsewhere():
    food = [[0, 0], [4, 4], [4, 4]]  # two items on the parent's cell: it takes the first
    state = one_world(pos=[[4, 4], [6, 6]], food=food, carrying=[False, False])
    new, *_ = act(CARETAKING, state, EAT)
    assert new.hunger[0].tolist() == exactly([0.0, 0.312])  # 0.204 − 0.5, clipped at 0
    assert new.carrying[0].tolist() == [False, False]
    assert new.food[0].tolist() == [[0, 0], [5, 7], [4, 4]]  # seed 0's parent draw at t=0


@pytest.mark.parametrize("action", [STAY, PICK, COMFORT])
def test_food_free_hands_pick_up_the_food_they_stand_on(action):
    state = one_world(pos=[[4, 4], [6, 6]], food=[[0, 0], [4, 4], [8, 0]], carrying=[False, False])
    new, *_ = act(CARETAKING, state, action)
    assert new.carrying[0].tolist() == [True, False]
    assert new.food[0].tolist() == [[0, 0], [5, 7], [8, 0]]
    assert new.hunger[0].tolist() == exactly([0.204, 0.312])


def test_food_full_hands_and_empty_cells_pick_up_nothing():
    full = one_world(pos=[[4, 4], [6, 6]], food=[[0, 0], [4, 4], [8, 0]])
    new, *_ = act(CARETAKING, full, PICK)
    assert new.carrying[0].tolist() == [True, False]
    assert new.food[0].tolist() == [[0, 0], [4, 4], [8, 0]]
    empty = one_world(pos=[[4, 4], [6, 6]], food=[[4, 0], [0, 4], [6, 0]], carrying=[False, False])
    new, *_ = act(CARETAKING, empty, PICK, EAT)
    assert new.carrying[0].tolist() == [False, False]
    assert new.food[0].tolist() == [[4, 0], [0, 4], [6, 0]]  # in line, but not underfoot
    assert new.hunger[0].tolist() == exactly([0.204, 0.312])


@pytest.mark.parametrize("action", [STAY, PICK, FEED])
def test_food_the_child_cannot_carry(action):
    state = one_world(pos=[[4, 4], [6, 6]], food=[[0, 0], [6, 6], [8, 0]])
    new, *_ = act(CARETAKING, state, STAY, action)
    assert new.carrying[0].tolist() == [True, False]
    assert new.food[0].tolist() == [[0, 0], [6, 6], [8, 0]]
    assert new.hunger[0].tolist() == exactly([0.204, 0.312])


def test_food_the_child_eats_from_the_ground_15_percent_of_tries():
    eaten = []
    for t in range(200):
        state = one_world(t=t, pos=[[4, 4], [6, 6]], food=[[0, 0], [0, 8], [6, 6]])
        new, *_ = act(CARETAKING, state, STAY, EAT)
        if new.hunger[0, CHILD] == 0.0:  # 0.312 − 0.5, clipped
            eaten.append(t)
            assert new.food[0, :2].tolist() == [[0, 0], [0, 8]]
        else:
            assert new.hunger[0, CHILD] == exactly(0.312)
            assert new.food[0].tolist() == [[0, 0], [0, 8], [6, 6]]
    assert len(eaten) == 32  # 16% of seed 0's draws
    assert eaten[:5] == [2, 14, 24, 30, 38]
    first = one_world(t=2, pos=[[4, 4], [6, 6]], food=[[0, 0], [0, 8], [6, 6]])
    new, *_ = act(CARETAKING, first, STAY, EAT)
    assert new.food[0, 2].tolist() == [0, 6]  # seed 0's child draw at t=2
    sure = WorldParams(eat_success=(1.0, 1.0))
    never = WorldParams(eat_success=(0.0, 0.0))
    state = one_world(pos=[[4, 4], [6, 6]], food=[[4, 4], [0, 8], [6, 6]], carrying=[False, False])
    assert act(sure, state, EAT, EAT)[0].hunger[0].tolist() == [0.0, 0.0]
    assert act(never, state, EAT, EAT)[0].hunger[0].tolist() == exactly([0.204, 0.312])


def test_food_a_tie_over_one_item_goes_to_the_parent():
    sure = WorldParams(eat_success=(1.0, 1.0), can_carry=(True, True))
    food = [[4, 4], [0, 0], [0, 8]]
    state = one_world(sure, pos=[[4, 4], [4, 4]], food=food, carrying=[False, False])
    for parent, child, carrying, hunger in [
        (STAY, EAT, [True, False], [0.204, 0.312]),  # the parent picks it up
        (EAT, EAT, [False, False], [0.0, 0.312]),  # the parent eats it
        (STAY, STAY, [True, False], [0.204, 0.312]),  # both would pick it up
        (PICK, PICK, [True, False], [0.204, 0.312]),
    ]:
        new, *_ = act(sure, state, parent, child)
        assert new.carrying[0].tolist() == carrying
        assert new.hunger[0].tolist() == exactly(hunger)
        assert new.food[0].tolist() == [[5, 7], [0, 0], [0, 8]]  # taken once, by the parent


def test_food_two_items_under_two_agents_go_one_to_each():
    sure = WorldParams(eat_success=(1.0, 1.0), can_carry=(True, True))
    food = [[4, 4], [6, 6], [0, 8]]
    state = one_world(sure, pos=[[4, 4], [6, 6]], food=food, carrying=[False, False])
    new, *_ = act(sure, state, STAY, EAT)
    assert new.carrying[0].tolist() == [True, False]
    assert new.hunger[0].tolist() == exactly([0.204, 0.0])
    assert new.food[0, 2].tolist() == [0, 8]
    assert new.food[0, :2].tolist() != [[4, 4], [6, 6]]
    new, *_ = act(sure, state, STAY, STAY)
    assert new.carrying[0].tolist() == [True, True]


@pytest.mark.parametrize("child_pos", [(4, 5), (5, 5), (3, 3), (4, 4)])
def test_food_feeding_the_child_next_to_the_parent(child_pos):
    state = one_world(pos=[[4, 4], child_pos], food=FAR_FOOD, hunger=[0.2, 0.6])
    new, _, _, _, _, info = act(CARETAKING, state, FEED)
    assert new.hunger[0].tolist() == exactly([0.204, 0.612 - 0.5])
    assert new.carrying[0].tolist() == [False, False]
    assert events_of(info, CHILD, "fed", "cared") == [1.0, 0.0]
    assert events_of(info, PARENT, "fed", "cared") == [0.0, 1.0]
    assert info.relief[0].tolist() == exactly([1.0, 0.0])  # one whole meal
    assert info.reward_terms["meal"][0].tolist() == exactly([0.0, 0.1])
    assert new.food[0].tolist() == FAR_FOOD


def test_food_feeding_a_sated_child_relieves_what_it_stills():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.1])
    new, _, _, _, _, info = act(CARETAKING, state, FEED)
    assert new.hunger[0].tolist() == exactly([0.204, 0.0])
    assert info.relief[0].tolist() == exactly([0.112 / 0.5, 0.0])
    assert info.reward_terms["meal"][0].tolist() == exactly([0.0, 0.1 * 0.112 / 0.5])
    assert events_of(info, PARENT, "cared") == [1.0]


@pytest.mark.parametrize(
    "fields",
    [
        {"pos": [[4, 4], [4, 6]]},  # two cells apart
        {"pos": [[4, 4], [2, 2]]},
        {"pos": [[4, 4], [4, 5]], "carrying": [False, False]},  # nothing to give
        {"pos": [[4, 4], [4, 5]], "health": [1.0, 0.0]},  # the child is dead
    ],
)
def test_food_feeding_needs_food_in_hand_and_the_living_child_next_to_the_parent(fields):
    state = one_world(food=FAR_FOOD, hunger=[0.2, 0.6], **fields)
    new, _, _, _, _, info = act(CARETAKING, state, FEED)
    assert new.carrying[0].tolist() == state.carrying[0].tolist()
    assert new.hunger[0, CHILD] == exactly(0.612 if state.health[0, CHILD] > 0 else 0.6)
    assert events_of(info, CHILD, "fed") == [0.0]
    assert events_of(info, PARENT, "cared") == [0.0]
    assert info.relief[0].tolist() == [0.0, 0.0]


def test_food_the_child_feeds_the_parent_if_it_ever_holds_food():
    state = one_world(
        pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.6, 0.2], carrying=[False, True]
    )
    new, _, _, _, _, info = act(CARETAKING, state, STAY, FEED)
    assert new.hunger[0].tolist() == exactly([0.104, 0.212])
    assert new.carrying[0].tolist() == [False, False]
    assert info.relief[0].tolist() == exactly([0.0, 1.0])


# --- hunger --------------------------------------------------------------------------------


def test_hunger_rises_each_step_and_stays_within_0_and_1():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.3])
    new, *_ = act(CARETAKING, state)
    assert new.hunger[0].tolist() == exactly([0.204, 0.312])
    new, *_ = act(CARETAKING, replace(state, hunger=np.array([[0.999, 0.995]])))
    assert new.hunger[0].tolist() == [1.0, 1.0]
    new, *_ = act(CARETAKING, replace(state, hunger=np.array([[0.999, 0.995]])), EAT)
    # hunger is clipped after the meal (0.999 + 0.004 − 0.5), which stills it from 1
    new, _, _, _, _, info = act(CARETAKING, replace(state, hunger=np.array([[0.999, 0.995]])), EAT)
    assert new.hunger[0].tolist() == exactly([0.503, 1.0])
    assert info.reward_terms["meal"][0].tolist() == exactly([0.1 * 0.497 / 0.5, 0.0])


@pytest.mark.parametrize(
    "hunger, damage",
    [
        ([0.74, 0.73], [0.0, 0.0]),  # not yet starving (and no regeneration above 0.5)
        ([0.746, 0.738], [0.0, 0.0]),  # exactly at 0.75 after the rise
        ([0.871, 0.863], [0.01, 0.01]),  # halfway from 0.75 to 1
        ([1.0, 1.0], [0.02, 0.02]),  # full hunger
    ],
)
def test_hunger_above_075_starves(hunger, damage):
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=hunger, health=[0.8, 0.8])
    new, _, _, _, _, info = act(CARETAKING, state)
    assert new.health[0].tolist() == exactly([0.8 - damage[0], 0.8 - damage[1]])
    harmed = [min(d / CARETAKING.harm_scale, 1.0) for d in damage]
    assert info.events[0, :, EV["harmed"]].tolist() == exactly(harmed)


# --- loneliness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "child_pos, rise",
    [((4, 4), 0.003), ((4, 6), 0.003), ((6, 2), 0.003), ((4, 7), 0.01), ((8, 8), 0.01)],
)
def test_loneliness_the_childs_rises_faster_away_from_the_parent(child_pos, rise):
    state = one_world(pos=[[4, 4], child_pos], food=FAR_FOOD, loneliness=[0.2, 0.2])
    new, *_ = act(CARETAKING, state)
    assert new.loneliness[0].tolist() == exactly([0.2, 0.2 + rise])
    lonely = one_world(pos=[[4, 4], child_pos], food=FAR_FOOD, loneliness=[0.2, 0.999])
    assert act(CARETAKING, lonely)[0].loneliness[0].tolist() == exactly([0.2, 1.0])


@pytest.mark.parametrize(
    "before, after, felt",
    [(0.5, 0.203, 1.0), (0.1, 0.0, 0.103 / 0.3), (0.0, 0.0, 0.003 / 0.3)],
)
def test_loneliness_comfort_relieves_up_to_03_and_is_felt_as_much(before, after, felt):
    state = one_world(pos=[[4, 4], [5, 5]], food=FAR_FOOD, loneliness=[0.0, before])
    new, _, _, _, _, info = act(CARETAKING, state, COMFORT)
    assert new.loneliness[0].tolist() == exactly([0.0, after])
    assert events_of(info, CHILD, "comforted", "cared") == exactly([felt, 0.0])
    assert events_of(info, PARENT, "comforted", "cared") == exactly([0.0, felt])
    assert info.relief[0].tolist() == exactly([felt, 0.0])


def test_loneliness_comfort_needs_the_other_next_to_the_comforter():
    state = one_world(pos=[[4, 4], [4, 6]], food=FAR_FOOD, loneliness=[0.0, 0.5])
    new, _, _, _, _, info = act(CARETAKING, state, COMFORT)
    assert new.loneliness[0].tolist() == exactly([0.0, 0.503])
    assert info.events[0, :, EV["comforted"]].tolist() == [0.0, 0.0]
    assert info.relief[0].tolist() == [0.0, 0.0]


def test_loneliness_the_child_comforts_the_parent_and_comfort_heals():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, loneliness=[0.4, 0.0], health=[0.5, 0.5])
    new, _, _, _, _, info = act(CARETAKING, state, STAY, COMFORT)
    assert new.loneliness[0].tolist() == exactly([0.1, 0.003])
    assert new.health[0].tolist() == exactly([0.5 + 0.006 + 0.01, 0.5 + 0.002])
    assert info.relief[0].tolist() == exactly([0.0, 1.0])
    both = act(CARETAKING, state, COMFORT, COMFORT)[0]
    assert both.health[0].tolist() == exactly([0.516, 0.512])


@pytest.mark.parametrize(
    "loneliness, damage",
    [(0.58, 0.0), (0.59, 0.0), (0.79, 0.01), (1.0, 0.02)],
)
def test_loneliness_above_06_hurts(loneliness, damage):
    state = one_world(
        pos=[[0, 0], [8, 8]],
        food=FAR_FOOD,
        loneliness=[0.0, loneliness],
        health=[0.8, 0.8],
        hunger=[0.6, 0.6],
    )
    new, *_ = act(CARETAKING, state)
    assert new.health[0].tolist() == exactly([0.8, 0.8 - damage])


# --- threats -------------------------------------------------------------------------------


def threatened(pos, threat, params=CRISIS, **fields):
    """A crisis world at step 1 whose threat at ``threat`` has its 3 strikes left."""
    return one_world(params, t=1, pos=pos, food=FAR_FOOD, threat=threat, threat_left=3, **fields)


@pytest.mark.parametrize(
    "t, spawns", [(0, False), (39, False), (40, True), (41, False), (80, True)]
)
def test_threats_appear_every_40_steps(t, spawns):
    state = one_world(CRISIS, t=t, pos=[[4, 4], [4, 4]], food=FAR_FOOD)
    new, obs, _, _, _, info = act(CRISIS, state)
    assert new.threat_left[0] == (3 if spawns else 0)
    assert info.events[0, :, EV["novelty"]].tolist() == [float(spawns)] * 2
    assert info.events[0, :, EV["threatened"]].tolist() == exactly([spawns / 3] * 2)
    assert obs[0, :, OBS["threat_present"]].tolist() == [float(spawns)] * 2


def test_threats_never_appear_in_caretaking_nor_while_one_is_out():
    state = one_world(t=40, pos=[[4, 4], [4, 4]], food=FAR_FOOD)
    new, _, _, _, _, info = act(CARETAKING, state)
    assert new.threat_left[0] == 0
    assert not info.events[0, :, [EV["novelty"], EV["threatened"]]].any()
    out = one_world(CRISIS, t=40, pos=[[4, 4], [4, 4]], food=FAR_FOOD, threat=[0, 4], threat_left=2)
    new, _, _, _, _, info = act(CRISIS, out)
    assert new.threat[0].tolist() == [1, 4] and new.threat_left[0] == 2
    assert info.events[0, :, EV["novelty"]].tolist() == [0.0, 0.0]


def test_threats_appear_on_the_border():
    small = WorldParams(scenario="crisis", size=3)  # the middle is next to every border cell
    cells = []
    for k in range(1, 201):
        state = one_world(small, t=40 * k, pos=[[1, 1], [1, 1]], food=[[0, 0]] * 3)
        cells.append(tuple(act(small, state)[0].threat[0].tolist()))
    assert cells[:8] == [(2, 1), (0, 2), (2, 2), (1, 0), (2, 0), (2, 2), (0, 0), (0, 1)]
    counts = {cell: cells.count(cell) for cell in set(cells)}
    assert set(counts) == {(r, c) for r in range(3) for c in range(3)} - {(1, 1)}
    corners = [counts[c] for c in [(0, 0), (0, 2), (2, 0), (2, 2)]]
    edges = [counts[c] for c in [(0, 1), (1, 0), (1, 2), (2, 1)]]
    assert min(corners) > max(edges)  # a corner lies on two sides
    first = one_world(CRISIS, t=40, pos=[[4, 4], [4, 4]], food=FAR_FOOD)
    assert act(CRISIS, first)[0].threat[0].tolist() == [7, 5]  # from (8, 5), one step in


@pytest.mark.parametrize(
    "threat, child, moved",
    [
        ((0, 0), (4, 6), (0, 1)),  # along the larger gap
        ((0, 0), (4, 4), (1, 0)),  # rows on a tie
        ((8, 4), (4, 4), (7, 4)),
        ((4, 8), (4, 4), (4, 7)),
        ((2, 7), (5, 1), (2, 6)),
        ((7, 1), (1, 3), (6, 1)),
    ],
)
def test_threats_walk_to_the_child(threat, child, moved):
    state = threatened([child, child], threat)
    new, *_ = act(CRISIS, state)
    assert new.threat[0].tolist() == list(moved)
    assert new.threat_left[0] == 3
    assert new.health[0].tolist() == [1.0, 1.0]


def test_threats_two_cells_away_step_next_to_the_child_and_strike_at_once():
    state = threatened([[0, 0], [4, 4]], [4, 6])
    new, *_ = act(CRISIS, state)
    assert new.threat[0].tolist() == [4, 5] and new.threat_left[0] == 2
    assert new.health[0].tolist() == exactly([1.0, 0.902])


def strike(pos, threat, health=(0.5, 0.5), actions=(STAY, STAY)):
    """One crisis step with a threat out: (state before, state after, info)."""
    state = threatened(pos, threat, health=health)
    new, _, _, _, _, info = act(CRISIS, state, *actions)
    return state, new, info


def test_threats_strike_the_child_first():
    _, new, info = strike(pos=[[4, 3], [4, 5]], threat=[3, 4])  # next to both
    assert new.threat[0].tolist() == [3, 4] and new.threat_left[0] == 2
    assert new.health[0].tolist() == exactly([0.5 + 0.006, 0.5 - 0.1 + 0.002])
    assert events_of(info, CHILD, "harmed", "other_harmed") == exactly([1.0, 0.0])
    assert events_of(info, PARENT, "harmed", "other_harmed") == exactly([0.0, 1.0])


def test_threats_strike_the_parent_on_their_way():
    _, new, info = strike(pos=[[4, 3], [4, 7]], threat=[4, 1])
    assert new.threat[0].tolist() == [4, 2] and new.threat_left[0] == 2
    assert new.health[0].tolist() == exactly([0.5 - 0.05 + 0.006, 0.5 + 0.002])
    assert events_of(info, PARENT, "harmed", "threatened") == exactly([1.0, 1.0])  # a full blow
    assert events_of(info, CHILD, "other_harmed", "other_threatened") == exactly([1.0, 1.0])


def test_threats_strike_three_times_then_leave():
    state = threatened([[0, 0], [4, 4]], [4, 5])
    for left in (2, 1, 0):
        state, obs, _, _, _, info = act(CRISIS, state)
        assert state.threat_left[0] == left
        assert events_of(info, CHILD, "threatened", "harmed") == [float(left > 0), 1.0]
        # its last strike: the danger has passed, for both
        assert info.events[0, :, EV["danger_passed"]].tolist() == [float(left == 0)] * 2
    assert state.health[0].tolist() == exactly([1.0, 1.0 - 0.1 + 0.002 - 0.1 + 0.002 - 0.1 + 0.002])
    assert obs[0, :, OBS["threat_present"]].tolist() == [0.0, 0.0]
    assert obs[0, :, OBS["threat_drow"]].tolist() == [0.0, 0.0]
    assert info.events[0, :, EV["threatened"]].tolist() == [0.0, 0.0]  # gone after its last
    state, _, _, _, _, info = act(CRISIS, state)
    assert state.health[0, CHILD] == exactly(0.706 + 0.002)  # no more blows
    assert not info.events[0, :, EV["threatened"]].any()


@pytest.mark.parametrize(
    "parent_col, felt", [(0, 1.0), (1, 1.0), (2, 2 / 3), (3, 1 / 3), (4, 0.0), (6, 0.0)]
)
def test_threats_are_felt_within_3_cells(parent_col, felt):
    _, _, info = strike(pos=[[4, parent_col], [4, 1]], threat=[4, 0])  # next to the child
    assert events_of(info, PARENT, "threatened", "other_threatened") == exactly([felt, 1.0])
    assert events_of(info, CHILD, "threatened", "other_threatened") == exactly([1.0, felt])


def test_threats_turn_to_the_parent_once_the_child_is_dead():
    _, new, _ = strike(pos=[[4, 4], [0, 8]], threat=[0, 4], health=(1.0, 0.0))
    assert new.threat[0].tolist() == [1, 4]
    _, new, _ = strike(pos=[[4, 1], [4, 5]], threat=[4, 6], health=(1.0, 0.0))
    assert new.threat[0].tolist() == [4, 5] and new.threat_left[0] == 3  # nothing reaches the dead
    assert new.health[0].tolist() == [1.0, 0.0]
    _, new, _ = strike(pos=[[4, 3], [4, 5]], threat=[3, 4], health=(0.5, 0.0))
    assert new.threat_left[0] == 2
    assert new.health[0].tolist() == exactly([0.5 - 0.05 + 0.006, 0.0])


# --- shield --------------------------------------------------------------------------------


def test_shield_stops_90_percent_of_the_blow_and_the_shielder_takes_it():
    params = replace(CRISIS, max_cycles=2)  # the step ends the episode: its metrics show
    state = threatened([[4, 3], [4, 4]], [4, 5], health=[0.5, 0.5], params=params)
    new, _, _, _, _, info = act(params, state, SHIELD)
    assert new.health[0].tolist() == exactly([0.5 - 0.05 + 0.006, 0.5 - 0.01 + 0.002])
    assert events_of(info, PARENT, "protected_other", "was_protected", "harmed") == exactly(
        [1.0, 0.0, 0.05 / CRISIS.harm_scale]
    )
    assert events_of(info, CHILD, "protected_other", "was_protected", "harmed") == exactly(
        [0.0, 1.0, 0.01 / CRISIS.harm_scale]
    )
    assert info.relief[0].tolist() == exactly([1.0, 0.0])
    episode = info.episode
    assert episode["shield_events"].tolist() == [1]
    assert episode["shield_damage"].tolist() == exactly([0.05])
    assert episode["parent_threat_damage"].tolist() == exactly([0.05])
    assert episode["child_threat_damage"].tolist() == exactly([0.01])
    assert episode["time_to_help"].tolist() == [1]


def test_shield_and_comfort_in_one_step_relieve_both():
    state = threatened([[4, 3], [4, 4]], [4, 5], loneliness=[0.15, 0.0])
    new, _, _, _, _, info = act(CRISIS, state, SHIELD, COMFORT)
    assert info.relief[0].tolist() == exactly([1.0, 0.5])
    assert new.loneliness[0].tolist() == exactly([0.0, 0.003])


def test_shield_by_the_child_protects_the_parent():
    _, new, info = strike(pos=[[4, 3], [4, 4]], threat=[4, 1], actions=(STAY, SHIELD))
    assert new.threat[0].tolist() == [4, 2]
    assert new.health[0].tolist() == exactly([0.5 - 0.005 + 0.006, 0.5 - 0.1 + 0.002])
    assert info.relief[0].tolist() == exactly([0.0, 1.0])
    assert events_of(info, CHILD, "protected_other") == [1.0]


@pytest.mark.parametrize(
    "pos, threat",
    [([[4, 2], [4, 4]], [4, 5]), ([[0, 0], [4, 4]], [0, 8])],  # too far; no blow
)
def test_shield_without_a_blow_or_from_afar_does_nothing(pos, threat):
    _, shielded, info = strike(pos=pos, threat=threat, actions=(SHIELD, STAY))
    _, exposed, _ = strike(pos=pos, threat=threat)
    np.testing.assert_array_equal(shielded.health, exposed.health)
    assert not info.events[0, :, [EV["protected_other"], EV["was_protected"]]].any()
    assert info.relief[0].tolist() == [0.0, 0.0]


def test_shield_twice_the_shielder_takes_two_blows():
    params = replace(CRISIS, max_cycles=3)
    info = care_episode(
        [SHIELD, SHIELD, STAY],
        params,
        pos=[[4, 3], [4, 4]],
        food=FAR_FOOD,
        threat=[4, 5],
        threat_left=3,
    )
    assert info.episode["shield_events"].tolist() == [2]
    assert info.episode["shield_damage"].tolist() == exactly([0.1])
    assert info.episode["child_threat_damage"].tolist() == exactly([0.01 + 0.01 + 0.1])


# --- health --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hunger, loneliness, health",
    [
        ([0.2, 0.3], [0.0, 0.0], [0.506, 0.502]),
        ([0.6, 0.3], [0.49, 0.2], [0.5, 0.502]),  # hungry parent
        ([0.2, 0.3], [0.2, 0.55], [0.506, 0.5]),  # lonely child
        ([0.496, 0.488], [0.0, 0.0], [0.5, 0.5]),  # hunger exactly 0.5 after the rise
        ([0.2, 0.3], [0.5, 0.0], [0.5, 0.502]),  # loneliness exactly 0.5
        ([0.49, 0.3], [0.49, 0.2], [0.506, 0.502]),
    ],
)
def test_health_regenerates_while_hunger_and_loneliness_are_below_05(hunger, loneliness, health):
    state = one_world(
        pos=[[4, 4], [4, 5]],
        food=FAR_FOOD,
        hunger=hunger,
        loneliness=loneliness,
        health=[0.5, 0.5],
        carrying=[False, False],
    )
    new, *_ = act(CARETAKING, state)
    assert new.health[0].tolist() == exactly(health)


def test_health_stays_within_0_and_1():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, health=[0.999, 0.9995])
    assert act(CARETAKING, state)[0].health[0].tolist() == [1.0, 1.0]
    state = threatened([[0, 0], [4, 4]], [4, 5], health=[1.0, 0.05])
    new, _, _, _, _, info = act(CRISIS, state)
    assert new.health[0].tolist() == [1.0, 0.0]
    assert info.died[0].tolist() == [False, True]


def test_health_a_blow_and_hunger_together_harm_fully():
    hungry = threatened([[0, 0], [4, 4]], [4, 5], hunger=[0.2, 1.0], health=[0.5, 0.5])
    new, _, _, _, _, info = act(CRISIS, hungry)
    assert new.health[0].tolist() == exactly([0.506, 0.5 - 0.1 - 0.02])
    assert events_of(info, CHILD, "harmed") == [1.0]  # 0.12 is more than a full harm


# --- emotions ------------------------------------------------------------------------------


def expected_affect(params, state, new, info, extra=None):
    """What the agents' affect must be after a step: their affect stepped on the step's
    events and the other's face (both alive), with hunger (felt from 0.4) and loneliness
    driving cortisol."""
    drive = np.zeros((1, 2, len(MODULATORS)))
    felt = np.clip((new.hunger - 0.4) / 0.6, 0.0, 1.0)
    drive[..., MODULATORS.index("cortisol")] = 1.0 * felt + 0.4 * new.loneliness
    if extra is not None:
        drive += extra
    face = state.affect.primary[:, ::-1, None]  # the one other's face, per pair
    return step_affect(state.affect, info.pair_events, params.dt, params.affect, drive, face)


@pytest.mark.parametrize("hunger, loneliness", [([0.2, 0.3], [0.0, 0.0]), ([0.9, 0.6], [0.3, 0.7])])
def test_emotions_step_on_the_events_and_on_hunger_and_loneliness(hunger, loneliness):
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=hunger, loneliness=loneliness)
    new, _, _, _, _, info = act(CARETAKING, state, FEED)
    want = expected_affect(CARETAKING, state, new, info)
    for name in ("levels", "primary", "mood", "social"):
        np.testing.assert_allclose(getattr(new.affect, name), getattr(want, name), rtol=1e-12)
    value = np.array([[0.5, -0.2]])  # the first step: no TD error and nothing expected yet
    signals = AgentSignals(value=value)
    driven, *_, info = step(CARETAKING, state, [[FEED, STAY]], signals)
    want = expected_affect(CARETAKING, state, driven, info)
    np.testing.assert_allclose(driven.affect.levels, want.levels, rtol=1e-12)


def test_emotions_step_on_the_td_error_the_world_computes_by_hand():
    params = WorldParams(reward_mode="emotional")
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.6])
    v0, v1 = np.array([[0.03, -0.02]]), np.array([[0.05, 0.01]])
    first, _, r0, *_ = step(params, state, [[FEED, STAY]], AgentSignals(value=v0))
    assert first.has_value.all() and first.last_value.tolist() == v0.tolist()
    assert first.last_reward.tolist() == r0.astype(float).tolist() and np.all(r0 != 0)
    second, *_, info = step(params, first, [[STAY, STAY]], AgentSignals(value=v1))
    delta = r0.astype(float) + 0.99 * v1 - v0  # δ = r_{t−1} + γ·V(s_t) − V(s_{t−1})
    ahead = (1 - 0.99) * (v1 - v0)  # the prospect: V against the value expected, v0
    want = expected_affect(params, first, second, info, learning_drive(delta, ahead, 0.5))
    np.testing.assert_allclose(second.affect.levels, want.levels, rtol=1e-12)
    # a step without a value leaves the next one without a TD error or a prospect
    plain, *_ = step(params, first, [[STAY, STAY]])
    assert not plain.has_value.any() and plain.last_value.tolist() == [[0.0, 0.0]]
    third, *_, info = step(params, plain, [[STAY, STAY]], AgentSignals(value=v1))
    want = expected_affect(params, plain, third, info)
    np.testing.assert_allclose(third.affect.levels, want.levels, rtol=1e-12)


def test_emotions_the_events_of_a_feeding_step():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.6])
    _, _, _, _, _, info = act(CARETAKING, state, FEED)
    joy = np.clip(core_affect(state.affect.primary)[0, :, 0] / 0.5, -1.0, 1.0)
    assert joy.tolist() == exactly([0.2 / 7, 0.2 / 7])  # the uniform emotions of the start
    want = np.zeros((2, len(EVENTS)))
    want[CHILD, EV["fed"]] = want[PARENT, EV["cared"]] = 1.0
    want[:, EV["close"]] = 1.0
    want[:, EV["other_joy"]] = joy[::-1]
    np.testing.assert_allclose(info.events[0], want, rtol=1e-12, atol=0.0)


def test_emotions_the_others_distress_as_its_face_showed_it():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD)
    primary = state.affect.primary.copy()
    primary[0, CHILD] = [1.0, 0, 0, 0, 0, 0, 0]  # all fear
    sad = replace(state, affect=replace(state.affect, primary=primary))
    _, _, _, _, _, info = act(CARETAKING, sad)
    valence = np.clip(core_affect(primary)[0, CHILD, 0] / 0.5, -1.0, 1.0)
    assert valence < 0.0
    assert events_of(info, PARENT, "other_distress", "other_joy") == exactly([-valence, 0.0])
    assert events_of(info, CHILD, "other_distress", "other_joy") == exactly([0.0, 0.2 / 7])


@pytest.mark.parametrize(
    "child_pos, move, separated, reunited, close",
    [
        ((4, 9 - 1), LEFT, 0.0, 1.0, 0.0),  # five cells apart, then four: reunited
        ((4, 7), RIGHT, 1.0, 0.0, 0.0),  # four, then five: separated
        ((4, 8), STAY, 1.0, 0.0, 0.0),  # apart all along
        ((4, 7), STAY, 0.0, 0.0, 0.0),
        ((4, 5), LEFT, 0.0, 0.0, 1.0),  # next to each other
        ((5, 4), STAY, 0.0, 0.0, 1.0),
        ((4, 6), LEFT, 0.0, 0.0, 0.0),
    ],
)
def test_emotions_separated_beyond_4_cells_and_reunited(
    child_pos, move, separated, reunited, close
):
    state = one_world(pos=[[4, 3], child_pos], food=FAR_FOOD)
    _, _, _, _, _, info = act(CARETAKING, state, STAY, move)
    for agent in (PARENT, CHILD):
        assert events_of(info, agent, "separated", "reunited", "close") == [
            separated,
            reunited,
            close,
        ]


# --- death ---------------------------------------------------------------------------------


def test_death_the_dead_act_no_more_and_nothing_reaches_them():
    state = one_world(
        pos=[[4, 4], [4, 5]],
        food=[[4, 5], [0, 0], [0, 8]],
        health=[1.0, 0.0],
        hunger=[0.2, 0.3],
        loneliness=[0.0, 0.4],
    )
    for child in (RIGHT, EAT, COMFORT):
        new, _, rewards, _, _, info = act(CARETAKING, state, COMFORT, child)
        assert new.pos[0].tolist() == [[4, 4], [4, 5]]
        assert new.hunger[0].tolist() == exactly([0.204, 0.3])
        assert new.loneliness[0].tolist() == exactly([0.0, 0.4])
        assert new.health[0].tolist() == [1.0, 0.0]
        assert new.food[0].tolist() == [[4, 5], [0, 0], [0, 8]]
        assert new.last_action[0].tolist() == [COMFORT, STAY]
        assert rewards[0, CHILD] == 0.0 and info.relief[0].tolist() == [0.0, 0.0]
        assert all(term[0, CHILD] == 0.0 for term in info.reward_terms.values())
        assert not info.events[0, CHILD].any() and not info.died[0].any()


def test_death_a_dead_parent_is_not_close_and_shows_no_face():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, health=[0.0, 1.0], loneliness=[0.4, 0.0])
    new, _, _, _, _, info = act(CARETAKING, state, STAY, COMFORT)
    assert new.loneliness[0].tolist() == exactly([0.4, 0.003])  # the dead are not comforted
    assert info.relief[0].tolist() == [0.0, 0.0]
    names = ("separated", "reunited", "close", "other_joy", "other_distress", "comforted")
    assert events_of(info, CHILD, *names) == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert not info.events[0, PARENT].any()


def test_death_the_survivor_feels_the_loss_and_the_lasting_absence():
    state = threatened([[4, 3], [4, 4]], [4, 5], health=[1.0, 0.05])
    state, _, rewards, terminated, _, info = act(CRISIS, state)
    assert info.died[0].tolist() == [False, True] and not terminated[0]
    # the child was still there when the step began
    assert events_of(info, PARENT, "loss", "separated", "reunited", "close") == [1, 1, 0, 1]
    assert events_of(info, CHILD, "loss", "harmed", "close") == [0.0, 1.0, 1.0]
    assert info.reward_terms["death"][0].tolist() == [0.0, -1.0]
    assert info.reward_terms["alive"][0].tolist() == [0.05, 0.0]
    assert info.reward_terms["health"][0].tolist() == exactly([0.0, -0.05])
    state, _, rewards, terminated, _, info = act(CRISIS, state)
    assert not info.died[0].any() and not terminated[0]
    names = ("loss", "separated", "close", "other_joy", "other_distress")
    assert events_of(info, PARENT, *names) == [0, 1, 0, 0, 0]
    assert rewards[0, CHILD] == 0.0


# --- end -----------------------------------------------------------------------------------


def test_end_terminates_when_both_are_dead():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[1.0, 1.0], health=[0.02, 0.03])
    state, _, _, terminated, truncated, info = act(CARETAKING, state)
    assert info.died[0].tolist() == [True, False]
    assert not terminated[0] and not truncated[0] and info.episode_envs.size == 0
    assert info.episode == {}
    state, _, _, terminated, truncated, info = act(CARETAKING, state)
    assert info.died[0].tolist() == [False, True]
    assert terminated[0] and not truncated[0]
    assert info.episode_envs.tolist() == [0]
    assert info.episode["steps"].tolist() == [2]
    assert info.episode["child_survived"].tolist() == [False]
    assert info.episode["parent_survived"].tolist() == [False]


def test_end_truncates_after_max_cycles():
    state = one_world(t=498, pos=[[4, 4], [4, 5]], food=FAR_FOOD)
    state, obs, _, terminated, truncated, info = act(CARETAKING, state)
    assert state.t[0] == 499 and not truncated[0] and not terminated[0]
    assert obs[0, :, OBS["time"]].tolist() == observed([499 / 500] * 2)
    state, obs, _, terminated, truncated, info = act(CARETAKING, state)
    assert state.t[0] == 500 and truncated[0] and not terminated[0]
    assert info.episode_envs.tolist() == [0] and info.episode["steps"].tolist() == [500]
    assert info.episode["child_survived"].tolist() == [True]
    dying = one_world(
        t=499, pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[1.0, 1.0], health=[0.02, 0.02]
    )
    _, _, _, terminated, truncated, _ = act(CARETAKING, dying)
    assert terminated[0] and not truncated[0]


@pytest.mark.parametrize(
    "care, expected",
    [(FEED, 3), (COMFORT, 3), (SHIELD, 5), (STAY, 5), (PICK, 5)],
)
def test_end_time_to_help_is_the_step_of_the_first_care_act(care, expected):
    params = WorldParams(max_cycles=5)
    info = care_episode(
        [STAY, STAY, care, FEED, STAY],
        params,
        pos=[[4, 4], [4, 6]],
        food=FAR_FOOD,
        carrying=[False, False],
    )
    assert info.episode["feeds"].tolist() == [0]
    near = care_episode(
        [STAY, STAY, care, STAY, care],
        params,
        pos=[[4, 4], [4, 5]],
        food=FAR_FOOD,
        loneliness=[0.0, 0.3],
    )
    assert near.episode["time_to_help"].tolist() == [expected]
    assert near.episode["feeds"].tolist() == [int(care == FEED)]
    assert near.episode["comfort_acts"].tolist() == [2 * int(care == COMFORT)]


def test_end_time_to_help_by_shielding_and_the_episode_metrics():
    params = replace(CRISIS, max_cycles=4)
    info = care_episode(
        [STAY, SHIELD, STAY, STAY],
        params,
        pos=[[4, 3], [4, 4]],
        food=FAR_FOOD,
        threat=[4, 5],
        threat_left=3,
        hunger=[0.2, 0.73],
    )
    episode = info.episode
    assert episode["time_to_help"].tolist() == [2]
    assert episode["steps"].tolist() == [4]
    assert episode["shield_events"].tolist() == [1]
    assert episode["child_threat_damage"].tolist() == exactly([0.1 + 0.01 + 0.1])
    assert episode["parent_threat_damage"].tolist() == exactly([0.05])
    assert episode["child_steps_hungry"].tolist() == [3]  # 0.742, then 0.754 …
    assert episode["parent_steps_hungry"].tolist() == [0]
    assert episode["hungry_fraction_child"].tolist() == exactly([0.75])
    assert episode["child_eats"].tolist() == [0] and episode["parent_eats"].tolist() == [0]


def test_end_episode_metrics_count_meals_and_sum_the_rewards():
    params = WorldParams(max_cycles=3)
    state = one_world(
        params, pos=[[4, 4], [4, 5]], food=[[4, 4], [0, 0], [0, 8]], carrying=[True, False]
    )
    total = np.zeros(2)
    for parent in (EAT, EAT, FEED):  # eats what it holds, then from the ground; feeds
        state, _, rewards, _, _, info = act(params, state, parent)
        total += rewards[0]
    episode = info.episode
    assert episode["parent_eats"].tolist() == [2] and episode["child_eats"].tolist() == [0]
    assert episode["feeds"].tolist() == [0]  # nothing left in hand to give
    assert [episode["parent_return"][0], episode["child_return"][0]] == exactly(total.tolist())
    assert episode["parent_health"].tolist() == [1.0]
    assert episode["child_health"].tolist() == [1.0]
    social = state.affect.social[0, :, 0, ATTACHMENT]
    assert episode["attachment_parent_child"].tolist() == [social[PARENT]]
    assert episode["attachment_child_parent"].tolist() == [social[CHILD]]


# --- rewards -------------------------------------------------------------------------------


def test_rewards_extrinsic_terms_of_one_step():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.7, 0.6], health=[0.5, 0.5])
    _, _, rewards, _, _, info = act(CARETAKING, state, FEED)
    felt = [(0.704 - 0.4) / 0.6, (0.112 - 0.4 > 0) * 1.0]
    want = {
        "alive": [0.05, 0.05],
        "hunger": [-0.05 * felt[0], 0.0],
        "meal": [0.0, 0.1],
        "health": [0.0, 0.002],  # the child, fed, regenerates; the parent is too hungry
        "death": [0.0, 0.0],
    }
    assert set(info.reward_terms) == set(want)
    for name, values in want.items():
        assert info.reward_terms[name][0].tolist() == exactly(values), name
    np.testing.assert_allclose(rewards[0], np.sum(list(want.values()), 0), rtol=1e-6)


def test_rewards_emotional_and_explicit_terms_of_one_step():
    fields = dict(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.6], health=[0.5, 0.5])
    emotional = WorldParams(reward_mode="emotional")
    state = one_world(emotional, **fields)
    new, _, _, _, _, info = act(emotional, state, FEED)
    valence = np.clip(core_affect(new.affect.primary)[0, :, 0] / 0.5, -1.0, 1.0)
    attachment = new.affect.social[0, :, 0, ATTACHMENT]
    want = {
        "own_valence": 0.01 * valence,
        "empathic_joy": 0.1 * attachment * np.maximum(valence[::-1], 0.0),
        "empathic_distress": 0.1 * attachment * np.minimum(valence[::-1], 0.0),
        "bond": attachment - state.affect.social[0, :, 0, ATTACHMENT],
    }
    for name, values in want.items():
        assert info.reward_terms[name][0].tolist() == exactly(values.tolist()), name
    assert info.reward_terms["meal"][0].tolist() == exactly([0.0, 0.1])
    explicit = WorldParams(reward_mode="explicit")
    _, _, _, _, _, info = act(explicit, one_world(explicit, **fields), FEED)
    child_own = 0.05 + 0.1 + 0.002  # alive, a meal, regeneration
    assert info.reward_terms["child_wellbeing"][0].tolist() == exactly([child_own, 0.0])
    dead = one_world(explicit, **(fields | {"health": [0.5, 0.0]}))
    _, _, _, _, _, info = act(explicit, dead, FEED)
    assert info.reward_terms["child_wellbeing"][0].tolist() == [0.0, 0.0]


# --- observations ----------------------------------------------------------------------------


def test_observations_of_a_hand_built_world():
    state = one_world(
        CRISIS,
        t=100,
        pos=[[2, 3], [6, 1]],
        food=[[8, 8], [4, 5], [0, 1]],
        health=[0.9, 0.4],
        hunger=[0.1, 0.7],
        loneliness=[0.0, 0.6],
        carrying=[True, False],
        threat=[0, 7],
        threat_left=2,
    )
    obs = observe(CRISIS, state)[0]
    want = {
        "own_row": [2 / 8, 6 / 8],
        "own_col": [3 / 8, 1 / 8],
        "own_health": [0.9, 0.4],
        "own_hunger": [0.1, 0.7],
        "own_loneliness": [0.0, 0.6],
        "own_carrying": [1.0, 0.0],
        "other_drow": [4 / 8, -4 / 8],
        "other_dcol": [-2 / 8, 2 / 8],
        "other_health": [0.4, 0.9],
        "other_hunger": [0.7, 0.1],
        "other_loneliness": [0.6, 0.0],
        "other_carrying": [0.0, 1.0],
        "food_drow": [2 / 8, -2 / 8],  # (4, 5) and (0, 1) are two away from the parent:
        "food_dcol": [2 / 8, 4 / 8],  # the first listed wins; the child's nearest is (4, 5)
        "on_food": [0.0, 0.0],
        "threat_drow": [-2 / 8, -6 / 8],
        "threat_dcol": [4 / 8, 6 / 8],
        "threat_present": [1.0, 1.0],
        "time": [0.2, 0.2],
    }
    for name, values in want.items():
        assert obs[:, OBS[name]].tolist() == observed(values), name
    on = observe(CRISIS, replace(state, food=np.array([[[8, 8], [6, 1], [2, 3]]])))[0]
    assert on[:, OBS["on_food"]].tolist() == [1.0, 1.0]
    assert on[:, OBS["food_drow"]].tolist() == [0.0, 0.0]
    last = observe(CRISIS, replace(state, threat_left=np.array([1])))[0]  # its last strike
    assert last[:, OBS["threat_present"]].tolist() == [1.0, 1.0]
    assert last[:, OBS["threat_dcol"]].tolist() == observed([4 / 8, 6 / 8])
    calm = observe(CRISIS, replace(state, threat_left=np.array([0])))[0]
    assert not calm[:, [OBS["threat_drow"], OBS["threat_dcol"], OBS["threat_present"]]].any()


def test_observations_of_the_emotions():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD)
    primary = np.array([[[0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.4, 0.1, 0.1, 0.1, 0.1]]])
    mood = np.array([[[0.25, 0.5], [-0.5, 0.75]]])
    social = np.linspace(0.0, 0.95, 20).reshape(1, 2, 1, 10)  # one pair per agent
    affect = replace(state.affect, primary=primary, mood=mood, social=social)
    obs = observe(CARETAKING, replace(state, affect=affect))[0]
    names = [name for name, _, _ in OBS_FEATURES]
    own = [names.index(f"own_{e}") for e in EMOTIONS]
    expressed = [names.index(n) for n in names if n.startswith("other_expressed_")]
    social_obs = [names.index(n) for n in names if n.startswith("own_social_")]
    np.testing.assert_allclose(obs[:, own], primary[0], rtol=1e-7)
    np.testing.assert_allclose(obs[:, expressed], primary[0, ::-1], rtol=1e-7)
    np.testing.assert_allclose(obs[:, social_obs], social[0, :, 0], rtol=1e-7)
    np.testing.assert_allclose(
        obs[:, [OBS["own_mood_valence"], OBS["own_mood_arousal"]]], mood[0], rtol=1e-6
    )


@pytest.mark.parametrize("hunger, hungry", [(0.738, 1.0), (0.737, 0.0)])
def test_end_a_one_step_episode_counts_hunger_from_075(hunger, hungry):
    params = WorldParams(max_cycles=1)
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, hunger])
    _, _, _, _, truncated, info = act(params, state)
    assert truncated[0]
    assert info.episode["child_steps_hungry"].tolist() == [int(hungry)]
    assert info.episode["hungry_fraction_child"].tolist() == [hungry]
    assert info.episode["time_to_help"].tolist() == [1]
    counts = ("feeds", "comfort_acts", "shield_events", "parent_eats", "child_eats")
    for name in (*counts, "child_steps_hungry", "parent_steps_hungry"):
        assert info.episode[name].dtype == np.int64, name
    assert not any(name.endswith("_sum") for name in info.episode)
    assert "complex_steps" not in info.episode


# --- parameters and actions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"scenario": "war"}, "unknown scenario 'war'; expected one of: caretaking, crisis"),
        (
            {"reward_mode": "greedy"},
            "unknown reward_mode 'greedy'; expected one of: extrinsic, emotional, explicit",
        ),
        ({"size": 2}, "size must be an integer from 3 to 64; got 2"),
        ({"n_food": 0}, "n_food must be an integer from 1 to 30; got 0"),
        ({"max_cycles": 0}, "max_cycles must be an integer from 1 to 1000000; got 0"),
        ({"threat_period": 0}, "threat_period must be an integer from 1 to 1000000; got 0"),
        ({"start_radius": -1}, "start_radius must be an integer from 0 to 64; got -1"),
        ({"dt": 0.0}, "dt must be > 0; got 0.0"),
    ],
)
def test_parameters_are_checked(fields, message):
    with pytest.raises(ValueError) as error:
        WorldParams(**fields)
    assert str(error.value) == message


def test_parameters_at_their_limits_are_fine():
    params = WorldParams(size=3, n_food=1, max_cycles=1, threat_period=1, start_radius=0, dt=1e-3)
    assert (params.size, params.n_food, params.max_cycles, params.threat_period) == (3, 1, 1, 1)


@pytest.mark.parametrize(
    "actions, message",
    [
        (
            [[0, 0], [0, 10]],
            "invalid action np.int64(10) for child_0 in env 1: expected an "
            "integer in Discrete(10) (0..9: stay, up, down, left, right, pick, eat, feed, comfort, "
            "shield)",
        ),
        ([[0, 0], [-1, 0]], "invalid action np.int64(-1) for parent_0 in env 1"),
        (
            [[0, 0], [0, 2.5]],
            "invalid action np.float64(2.5) for child_0 in env 1: expected an "
            "integer in Discrete(10)",
        ),
        (
            [[False, False], [False, False]],
            "actions must be integers in Discrete(10); got an array of bool",
        ),
    ],
)
def test_actions_are_checked(actions, message):
    state = stack(one_world(), one_world())
    with pytest.raises(ValueError) as error:
        step(CARETAKING, state, np.array(actions))
    assert str(error.value).startswith(message)


def test_actions_may_be_whole_floats():
    state = one_world(pos=[[4, 4], [6, 6]], food=FAR_FOOD)
    new, *_ = step(CARETAKING, state, np.array([[1.0, 4.0]]))
    assert new.pos[0].tolist() == [[3, 4], [6, 7]]


# --- a batch -------------------------------------------------------------------------------


def test_a_batch_steps_each_world_as_if_alone():
    params = replace(CRISIS, max_cycles=41)
    worlds = [
        (one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.2, 0.6]), (FEED, STAY)),
        (one_world(params, t=40, pos=[[4, 4], [4, 4]], food=FAR_FOOD), (STAY, STAY)),
        (
            one_world(
                params, t=40, pos=[[4, 3], [4, 4]], food=FAR_FOOD, threat=[4, 5], threat_left=2
            ),
            (SHIELD, STAY),
        ),
        (
            one_world(
                params,
                pos=[[2, 2], [2, 2]],
                food=[[2, 2]] * 3,
                health=[1.0, 0.0],
                carrying=[False, False],
            ),
            (EAT, EAT),
        ),
    ]
    batch = stack(*(state for state, _ in worlds))
    new, obs, rewards, _, truncated, info = step(params, batch, [a for _, a in worlds])
    for i, (state, actions) in enumerate(worlds):
        alone, alone_obs, alone_rewards, *_, alone_info = step(params, state, [actions])
        for name in (
            "pos",
            "health",
            "hunger",
            "loneliness",
            "carrying",
            "food",
            "threat",
            "threat_left",
            "stats",
        ):
            np.testing.assert_array_equal(getattr(new, name)[i], getattr(alone, name)[0], name)
        np.testing.assert_array_equal(obs[i], alone_obs[0])
        np.testing.assert_array_equal(rewards[i], alone_rewards[0])
        np.testing.assert_array_equal(info.events[i], alone_info.events[0])
    assert truncated.tolist() == [False, True, True, False]
    assert info.episode_envs.tolist() == [1, 2]
    # one step taken in these states: no care yet (counts it), the shield (cares at once)
    assert info.episode["time_to_help"].tolist() == [2, 1]
