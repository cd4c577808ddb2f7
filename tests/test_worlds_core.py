"""The batched core: bounds, determinism, batch independence, auto-reset, rules, rewards."""

import re
from dataclasses import replace

import numpy as np
import pytest

from emotion_engine.affect import EVENTS, MODULATORS
from emotion_engine.worlds import core, grid
from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.core import (
    CHILD,
    DOWN,
    EAT,
    FEED,
    LEFT,
    N_ACTIONS,
    OBS_DIM,
    OBS_HIGH,
    OBS_LOW,
    PARENT,
    PICK,
    RIGHT,
    SHIELD,
    STAY,
    UP,
    AgentSignals,
    WorldParams,
    reset,
    step,
)
from emotion_engine.worlds.rewards import RewardWeights
from world_builder import one_world

SCENARIOS = ("caretaking", "crisis")


def random_run(params, seeds, steps, seed=0):
    """(observations, rewards, terminated, truncated) of a random-action run, per step."""
    rng = np.random.default_rng(seed)
    world = BatchedWorld(len(seeds), params, seeds=seeds)
    out = [world.obs.copy()]
    for _ in range(steps):
        obs, rewards, terminated, truncated, info = world.step(
            rng.integers(0, N_ACTIONS, (world.n_envs, 2))
        )
        out += [info["final_observation"].copy(), obs.copy(), rewards, terminated, truncated]
    return out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_observations_stay_inside_their_box(scenario):
    params = WorldParams(scenario=scenario, max_cycles=150, size=6)
    world = BatchedWorld(64, params, seed=3)
    rng = np.random.default_rng(0)
    seen_done = 0
    for _ in range(400):
        obs, rewards, terminated, truncated, info = world.step(rng.integers(0, N_ACTIONS, (64, 2)))
        for o in (obs, info["final_observation"]):
            assert o.shape == (64, 2, OBS_DIM) and o.dtype == np.float32
            assert np.all(o >= OBS_LOW) and np.all(o <= OBS_HIGH)
        assert rewards.shape == (64, 2) and rewards.dtype == np.float32
        assert np.all(np.isfinite(rewards))
        seen_done += int((terminated | truncated).sum())
    assert seen_done > 64  # episodes ended and restarted along the way


def test_same_seed_same_trajectory_and_different_seeds_differ():
    params = WorldParams(scenario="crisis")
    a = random_run(params, [5, 6], 120)
    b = random_run(params, [5, 6], 120)
    c = random_run(params, [7, 8], 120)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_an_env_runs_the_same_alone_or_in_a_batch():
    params = WorldParams(scenario="crisis")
    rng = np.random.default_rng(1)
    actions = rng.integers(0, N_ACTIONS, (200, 3, 2))
    batch, batch_obs = reset(params, [10, 11, 12])
    alone, alone_obs = reset(params, [11])
    for a in actions:
        batch, batch_obs, br, *_ = step(params, batch, a)
        alone, alone_obs, ar, *_ = step(params, alone, a[1:2])
        np.testing.assert_array_equal(batch_obs[1:2], alone_obs)
        np.testing.assert_array_equal(br[1:2], ar)


def test_auto_reset_reports_final_observation_metrics_and_starts_next_episode():
    params = WorldParams(scenario="caretaking", max_cycles=5)
    world = BatchedWorld(2, params, seed=0)
    first_key = world.state.key.copy()
    for _ in range(4):
        _, _, _, truncated, info = world.step(np.zeros((2, 2), dtype=int))
        assert not truncated.any() and info["episode"] == {}
    obs, _, terminated, truncated, info = world.step(np.zeros((2, 2), dtype=int))
    assert truncated.all() and not terminated.any()
    np.testing.assert_array_equal(info["episode_envs"], [0, 1])
    np.testing.assert_array_equal(info["episode"]["steps"], [5, 5])
    assert info["episode"]["child_survived"].all()
    time = core.OBS_INDEX["time"]
    assert info["final_observation"][0, 0, time] == 1.0  # time feature at the limit
    assert np.all(obs[:, :, time] == 0.0)  # the next episode has begun
    assert np.all(world.state.t == 0)
    np.testing.assert_array_equal(world.state.key, core.next_keys(first_key))


def test_the_survivor_lives_on_after_a_death_until_both_are_dead():
    params = WorldParams(scenario="caretaking", max_cycles=1000)
    state, _ = reset(params, [0])
    died_at = {}
    # Nobody acts: the child, left alone, dies first; the parent lives on, then starves too.
    for t in range(1000):
        state, _, rewards, terminated, truncated, info = step(params, state, [[STAY, STAY]])
        assert not truncated[0]
        for agent in (PARENT, CHILD):
            if info.died[0, agent]:
                died_at[agent] = t
                if agent == CHILD:
                    assert not terminated[0]  # life goes on for the parent
                    assert info.events[0, PARENT, EVENTS.index("loss")] == 1.0
        if CHILD in died_at and t > died_at[CHILD]:
            assert rewards[0, CHILD] == 0.0 and info.events[0, CHILD].sum() == 0.0
            if PARENT not in died_at:  # the child's absence is felt for good
                assert info.events[0, PARENT, EVENTS.index("separated")] == 1.0
        if terminated[0]:
            break
    assert terminated[0] and died_at[CHILD] < died_at[PARENT] == t
    assert info.episode["child_survived"][0] == np.False_


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([[0, 10]]), "child_0 in env 0: expected an integer in Discrete\\(10\\)"),
        (np.array([[-1, 0]]), "parent_0 in env 0: expected an integer in Discrete\\(10\\)"),
        (np.array([[np.nan, 0.0]]), "parent_0 in env 0: expected an integer in Discrete"),
        (np.array([[0.0, 2.5]]), "child_0 in env 0: expected an integer in Discrete"),
        (np.zeros((1, 3), dtype=int), "shape \\(1, 2\\)"),
    ],
)
def test_invalid_actions_raise_and_change_nothing(bad, match):
    params = WorldParams(scenario="crisis")
    world = BatchedWorld(1, params, seed=0)
    before = world.state
    with pytest.raises(ValueError, match=match):
        world.step(bad)
    assert world.state is before


def _face_off(shield: bool):
    """Parent next to the child, a threat next to the child: one strike, shielded or not."""
    params = WorldParams(scenario="crisis")
    state, _ = reset(params, [0])
    state = replace(
        state,
        t=np.array([1]),
        pos=np.array([[[4, 3], [4, 4]]]),
        food=np.array([[[0, 0], [0, 1], [0, 2]]]),
        threat=np.array([[4, 5]]),
        threat_left=np.array([3]),
    )
    action = SHIELD if shield else STAY
    new, _, _, _, _, info = step(params, state, [[action, STAY]])
    return params, state, new, info


def test_shielding_really_protects_the_child_and_costs_the_parent():
    params, before, shielded, info = _face_off(shield=True)
    _, _, exposed, _ = _face_off(shield=False)
    blow = params.threat_damage
    regen = np.array(params.regen)  # both are fed and not lonely: they regenerate
    child_loss = before.health[0, CHILD] + regen[CHILD] - shielded.health[0, CHILD]
    parent_loss = before.health[0, PARENT] + regen[PARENT] - shielded.health[0, PARENT]
    exposed_child_loss = before.health[0, CHILD] + regen[CHILD] - exposed.health[0, CHILD]
    assert exposed_child_loss == pytest.approx(blow * params.vulnerability[CHILD])
    assert child_loss == pytest.approx(exposed_child_loss * (1 - params.shield_block))
    assert parent_loss == pytest.approx(blow * params.vulnerability[PARENT])
    assert exposed.health[0, PARENT] == min(1.0, before.health[0, PARENT] + regen[PARENT])
    ev = info.events[0]
    assert ev[PARENT, EVENTS.index("protected_other")] == 1.0
    assert ev[CHILD, EVENTS.index("was_protected")] == 1.0
    assert shielded.stats[0, core.STATS.index("shield_events")] == 1
    assert shielded.stats[0, core.STATS.index("shield_damage")] == pytest.approx(parent_loss)


def test_shield_far_from_the_child_does_nothing():
    params = WorldParams(scenario="crisis")
    _, before, _, _ = _face_off(shield=False)
    far = replace(before, pos=np.array([[[0, 0], [4, 4]]]))
    a, *_ = step(params, far, [[SHIELD, STAY]])
    b, *_ = step(params, far, [[STAY, STAY]])
    np.testing.assert_array_equal(a.health, b.health)


def test_parent_picks_food_and_feeds_the_child():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0])
    state = replace(
        state,
        pos=np.array([[[2, 2], [2, 3]]]),
        food=np.array([[[2, 2], [7, 7], [8, 8]]]),
        hunger=np.array([[0.2, 0.8]]),
        carrying=np.array([[False, False]]),
    )
    state, *_ = step(params, state, [[PICK, EAT]])
    assert state.carrying[0, PARENT] and not (state.food[0, 0] == [2, 2]).all()
    state, _, _, _, _, info = step(params, state, [[FEED, STAY]])
    assert not state.carrying[0, PARENT]
    expected = 0.8 + 2 * params.hunger_rate[CHILD] - params.food_value
    assert state.hunger[0, CHILD] == pytest.approx(expected)
    assert info.events[0, CHILD, EVENTS.index("fed")] == 1.0
    assert info.events[0, PARENT, EVENTS.index("cared")] == 1.0
    assert state.stats[0, core.STATS.index("feeds")] == 1


def test_free_hands_pick_up_food_and_held_food_is_eaten_or_given():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0])
    assert state.carrying[0, PARENT] and not state.carrying[0, CHILD]  # start_carrying
    state = replace(state, pos=np.array([[[0, 0], [5, 5]]]), food=np.array([[[0, 1], [8, 8], [5, 5]]]),
                    carrying=np.array([[False, False]]))  # fmt: skip
    state, *_ = step(params, state, [[RIGHT, STAY]])  # onto food with free hands: picked up
    assert state.carrying[0, PARENT] and not state.carrying[0, CHILD]
    assert not (state.food[0] == [0, 1]).all(-1).any()
    hunger = state.hunger[0, PARENT]
    state, *_ = step(params, state, [[EAT, STAY]])  # eats what it holds
    assert not state.carrying[0, PARENT]
    assert state.hunger[0, PARENT] == pytest.approx(
        max(hunger + params.hunger_rate[PARENT] - params.food_value, 0.0)
    )


def test_the_family_starts_together():
    for radius in (0, 2):
        state, _ = reset(WorldParams(start_radius=radius), range(200))
        gap = np.abs(state.pos[:, PARENT] - state.pos[:, CHILD]).max(-1)
        assert gap.max() == radius


def test_the_child_cannot_carry_food():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0])
    state = replace(state, pos=np.array([[[0, 0], [5, 5]]]), food=np.array([[[5, 5]] * 3]))
    state, *_ = step(params, state, [[STAY, PICK]])
    assert not state.carrying[0, CHILD]


def test_signals_reach_the_emotion_model():
    params = WorldParams(scenario="caretaking", max_cycles=3)
    state, _ = reset(params, [0, 1])
    still = np.zeros((2, 2), dtype=int)
    plain, driven = state, state
    for value in (1.0, 3.0):  # the first value is what it expects; the rise is hope
        plain, *_ = step(params, plain, still)
        driven, *_ = step(params, driven, still, AgentSignals(value=np.full((2, 2), value)))
    serotonin = MODULATORS.index("serotonin")
    assert np.all(driven.affect.levels[..., serotonin] > plain.affect.levels[..., serotonin])
    # the drive moves the emotions only, not the body
    np.testing.assert_array_equal(driven.health, plain.health)
    np.testing.assert_array_equal(driven.hunger, plain.hunger)


def test_reward_modes():
    actions = np.random.default_rng(0).integers(0, N_ACTIONS, (60, 4, 2))

    def returns(mode, **weights):
        params = WorldParams(scenario="crisis", reward_mode=mode, rewards=RewardWeights(**weights))
        state, _ = reset(params, range(4))
        total, terms = np.zeros((4, 2)), set()
        for a in actions:
            state, _, r, _, _, info = step(params, state, a)
            np.testing.assert_allclose(sum(info.reward_terms.values()), r, rtol=1e-6, atol=1e-7)
            total += r
            terms |= set(info.reward_terms)
        return total, terms

    extrinsic, t_ext = returns("extrinsic")
    emotional, t_emo = returns("emotional")
    explicit, t_exp = returns("explicit")
    assert t_ext == {"alive", "hunger", "meal", "health", "death"}
    assert t_emo == t_ext | {"own_valence", "empathic_joy", "empathic_distress", "bond", "grief"}
    assert t_exp == t_ext | {"child_wellbeing"}
    assert not np.allclose(emotional, extrinsic)
    np.testing.assert_allclose(explicit[:, CHILD], extrinsic[:, CHILD])  # parent-only terms
    # the explicit parent also gets exactly what the child gets
    np.testing.assert_allclose(explicit[:, PARENT], extrinsic.sum(-1), rtol=1e-5, atol=1e-5)
    off, _ = returns("emotional", own_valence=0, empathic_joy=0, empathic_distress=0, bond=0)
    np.testing.assert_allclose(off, extrinsic, rtol=1e-6)


def test_params_are_checked():
    with pytest.raises(ValueError, match="unknown scenario"):
        WorldParams(scenario="war")
    with pytest.raises(ValueError, match="unknown reward_mode"):
        WorldParams(reward_mode="greedy")
    with pytest.raises(ValueError, match="seeds must be non-negative"):
        reset(WorldParams(), [-1])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_cycles", float("nan"), "max_cycles must be an integer from 1 to 1000000; got nan"),
        ("max_cycles", 1.5, "max_cycles must be an integer from 1 to 1000000; got 1.5"),
        ("max_cycles", 2**70, "max_cycles must be an integer from 1 to 1000000; got 1180591"),
        ("max_cycles", True, "max_cycles must be an integer from 1 to 1000000; got True"),
        ("size", 9.0, "size must be an integer from 3 to 64; got 9.0"),
        ("size", 65, "size must be an integer from 3 to 64; got 65"),
        ("n_food", 0, "n_food must be an integer from 1 to 30; got 0"),
        ("n_food", "3", "n_food must be an integer from 1 to 30; got '3'"),
        ("threat_radius", 0, "threat_radius must be an integer from 1 to 64; got 0"),
        ("near_radius", -1, "near_radius must be an integer from 0 to 64; got -1"),
        ("threat_period", 2.0, "threat_period must be an integer from 1 to 1000000; got 2.0"),
        ("threat_strikes", 0, "threat_strikes must be an integer from 1 to 1000000; got 0"),
        ("start_radius", None, "start_radius must be an integer from 0 to 64; got None"),
        ("dt", float("inf"), "dt must be a finite number; got inf"),
        ("food_value", float("nan"), "food_value must be a finite number; got nan"),
        ("scenario", "x" * 10**6, "unknown scenario 'xxxxxxxxxxxx...xxxxxxxxxxxxx'; expected"),
    ],
)
def test_params_must_be_numbers_in_range(field, value, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        WorldParams(**{field: value})


def test_params_accept_numpy_integers_and_the_bounds():
    params = WorldParams(max_cycles=np.int64(1_000_000), size=64, n_food=30, near_radius=0)
    assert params.max_cycles == 1_000_000 and params.size == 64


def test_a_meal_is_worth_the_hunger_it_stills():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0])
    food = state.food[0, 0]
    hungry = replace(state, pos=state.pos.copy(), hunger=np.array([[0.6, 0.3]]))
    hungry.pos[0, PARENT] = food
    sated = replace(hungry, hunger=np.array([[0.0, 0.3]]))
    _, _, _, _, _, info = step(params, hungry, [[EAT, STAY]])
    _, _, _, _, _, info_sated = step(params, sated, [[EAT, STAY]])
    assert info.reward_terms["meal"][0, PARENT] == pytest.approx(params.rewards.meal)
    assert info_sated.reward_terms["meal"][0, PARENT] == pytest.approx(
        params.rewards.meal * params.hunger_rate[PARENT] / params.food_value
    )


def test_hunger_costs_only_once_it_is_felt():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0, 1, 2])
    state = replace(state, hunger=np.array([[0.1, 0.39], [0.55, 0.7], [0.99, 0.99]]))
    _, _, _, _, _, info = step(params, state, np.zeros((3, 2), dtype=int))
    hunger = state.hunger + params.pair("hunger_rate")
    felt = np.clip((hunger - params.hunger_felt_at) / (1 - params.hunger_felt_at), 0, 1)
    np.testing.assert_allclose(info.reward_terms["hunger"], -params.rewards.hunger * felt)
    assert info.reward_terms["hunger"][0, PARENT] == 0.0
    assert info.reward_terms["hunger"][2, PARENT] == pytest.approx(-params.rewards.hunger, rel=0.02)


def test_grid_steps_go_along_the_larger_gap_rows_on_a_tie():
    src = np.array([[4, 4]] * 5)
    dst = np.array([[1, 3], [4, 8], [6, 2], [2, 6], [4, 4]])
    np.testing.assert_array_equal(grid.step_toward(src, dst), [UP, RIGHT, DOWN, UP, STAY])
    np.testing.assert_array_equal(grid.toward(src, dst), [[3, 4], [4, 5], [5, 4], [3, 4], [4, 4]])
    np.testing.assert_array_equal(grid.chebyshev(src, dst), [3, 4, 2, 2, 0])
    # away from danger, and along the wall when the way back is blocked
    away = grid.step_away(np.array([[4, 4], [8, 4]]), np.array([[4, 6], [6, 4]]), size=9)
    np.testing.assert_array_equal(away, [LEFT, UP])


def test_observations_by_name():
    params = WorldParams(scenario="crisis", max_cycles=100)
    state = one_world(params, t=25, pos=[[2, 3], [6, 3]], food=[[2, 6], [5, 3], [8, 8]],
                      threat=[0, 0], threat_left=2, hunger=[0.25, 0.5])  # fmt: skip
    obs = core.observe(params, state)[0]
    f = core.OBS_INDEX
    scale = np.float32(1 / 8)
    assert obs[PARENT, f["own_row"]] == np.float32(2) * scale
    assert obs[CHILD, f["other_drow"]] == np.float32(-4) * scale
    assert (obs[PARENT, f["own_hunger"]], obs[PARENT, f["other_hunger"]]) == (0.25, 0.5)
    # nearest food by Chebyshev distance (the first on a tie): the parent's is 3 columns
    # right (the other, 3 rows down, ties), the child's one row above
    assert obs[PARENT, f["food_dcol"]] == np.float32(3) * scale
    assert obs[PARENT, f["food_drow"]] == 0.0
    assert obs[CHILD, f["food_drow"]] == np.float32(-1) * scale and obs[CHILD, f["on_food"]] == 0
    assert obs[CHILD, f["threat_drow"]] == np.float32(-6) * scale
    assert obs[:, f["threat_present"]].tolist() == [1.0, 1.0]
    assert obs[PARENT, f["time"]] == np.float32(0.25)
    expressed = core.obs_span("other_expressed_fear", "other_expressed_power")
    np.testing.assert_array_equal(
        obs[CHILD, expressed], state.affect.primary[0, PARENT].astype(np.float32)
    )


def test_reunited_fires_on_the_step_back_within_the_separation_radius():
    params = WorldParams(scenario="caretaking")
    state, _ = reset(params, [0])
    apart = replace(state, pos=np.array([[[0, 0], [0, 5]]]))  # 5 > separation_radius 4
    reunited, separated = EVENTS.index("reunited"), EVENTS.index("separated")
    back, *_, info = step(params, apart, [[RIGHT, STAY]])
    assert info.events[0, :, reunited].tolist() == [1.0, 1.0]
    assert info.events[0, :, separated].tolist() == [0.0, 0.0]
    _, *_, info = step(params, back, [[STAY, STAY]])  # together already: nothing new
    assert info.events[0, :, reunited].tolist() == [0.0, 0.0]
    _, *_, info = step(params, apart, [[STAY, STAY]])  # still apart
    assert info.events[0, :, reunited].tolist() == [0.0, 0.0]
    assert info.events[0, :, separated].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "actions",
    [np.array([["a", "b"]]), np.array([[True, False]]), np.array([[1, None]], dtype=object)],
)
def test_actions_that_are_not_numbers_are_a_value_error(actions):
    params = WorldParams()
    state, _ = reset(params, [0])
    with pytest.raises(ValueError, match=r"actions must be integers in Discrete\(10\); got an"):
        step(params, state, actions)
