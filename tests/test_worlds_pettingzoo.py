"""The PettingZoo views: PettingZoo's own test suite, validation, pickling, and equality with
the batched core."""

import pickle

import numpy as np
import pytest
from pettingzoo.test import (
    api_test,
    max_cycles_test,
    parallel_api_test,
    parallel_seed_test,
    render_test,
)

from emotion_engine.worlds import caretaking_v0, crisis_v0
from emotion_engine.worlds.core import AGENTS, N_ACTIONS, WorldParams, reset, step

MODULES = (caretaking_v0, crisis_v0)


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_pettingzoo_suite(mod):
    parallel_api_test(mod.parallel_env(max_cycles=300), num_cycles=400)
    parallel_seed_test(lambda: mod.parallel_env(max_cycles=200))
    max_cycles_test(mod)
    render_test(lambda render_mode=None: mod.env(render_mode=render_mode, max_cycles=20))
    api_test(mod.env(max_cycles=200), num_cycles=250)


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_docstring_carries_the_tables(mod):
    for heading in ("Observation", "Action", "Rewards", "Events"):
        assert heading in mod.__doc__
    for name in ("own_hunger", "other_expressed_joy", "shield", "empathic_distress", "loss"):
        assert f"`{name}`" in mod.__doc__ or f"| {name} " in mod.__doc__


def test_rgb_array_shows_the_grid():
    env = crisis_v0.parallel_env(render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape[2] == 3
    assert frame.shape[1] == 9 * 40 and frame.shape[0] > frame.shape[1]
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 4  # more than a blank canvas
    text = crisis_v0.parallel_env(render_mode="ansi")
    text.reset(seed=0)
    picture = text.render()
    assert "P" in picture and "parent_0" in picture and "child_0" in picture


@pytest.mark.parametrize(
    "actions, match",
    [
        ({"parent_0": 0, "child_0": 10}, "child_0.*Discrete\\(10\\)"),
        ({"parent_0": -1, "child_0": 0}, "parent_0.*Discrete\\(10\\)"),
        ({"parent_0": float("nan"), "child_0": 0}, "parent_0.*Discrete\\(10\\)"),
        ({"parent_0": 1.0, "child_0": 0}, "parent_0.*Discrete\\(10\\)"),
        ({"parent_0": 0}, "missing action for child_0.*Discrete\\(10\\)"),
        ({"parent_0": 0, "child_0": 0, "uncle_0": 0}, "unknown agent.*uncle_0.*Discrete"),
    ],
)
def test_invalid_actions_raise_and_leave_the_world_unchanged(actions, match):
    env = crisis_v0.parallel_env()
    env.reset(seed=1)
    env.step({"parent_0": 1, "child_0": 2})
    before = pickle.dumps(env.state)
    with pytest.raises(ValueError, match=match):
        env.step(actions)
    assert pickle.dumps(env.state) == before
    assert env.agents == list(AGENTS)


def test_numpy_integer_actions_are_accepted():
    env = caretaking_v0.parallel_env()
    env.reset(seed=0)
    env.step({"parent_0": np.int64(3), "child_0": np.array(4)})


def test_worlds_pickle_mid_episode():
    env = crisis_v0.parallel_env(max_cycles=50)
    env.reset(seed=4)
    for _ in range(10):
        env.step({a: 5 for a in env.agents})
    clone = pickle.loads(pickle.dumps(env))
    aec = pickle.loads(pickle.dumps(crisis_v0.env()))
    aec.reset(seed=0)
    a = env.step({"parent_0": 1, "child_0": 2})
    b = clone.step({"parent_0": 1, "child_0": 2})
    for x, y in zip(a[0].values(), b[0].values(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[1] == b[1]


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_view_and_core_give_identical_trajectories(scenario):
    mod = caretaking_v0 if scenario == "caretaking" else crisis_v0
    env = mod.parallel_env(max_cycles=300)
    obs, _ = env.reset(seed=9)
    params = WorldParams(scenario=scenario, max_cycles=300)
    state, core_obs = reset(params, [9])
    rng = np.random.default_rng(0)
    steps = 0
    while env.agents:
        a = rng.integers(0, N_ACTIONS, 2)
        live = list(env.agents)
        acts = {agent: int(a[i]) for i, agent in enumerate(AGENTS) if agent in live}
        obs, rewards, terms, truncs, _ = env.step(acts)
        state, core_obs, core_rewards, terminated, truncated, info = step(params, state, a[None])
        assert set(obs) == set(rewards) == set(terms) == set(live)
        for i, agent in enumerate(AGENTS):
            if agent not in live:
                continue
            np.testing.assert_array_equal(obs[agent], core_obs[0, i])
            assert rewards[agent] == core_rewards[0, i]
            assert terms[agent] == (info.died[0, i] or terminated[0])
            assert truncs[agent] == truncated[0]
        steps += 1
    assert steps > 10
