"""The PettingZoo views: PettingZoo's own test suite, validation, pickling, and equality with
the batched core."""

import pickle
from types import SimpleNamespace

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
from emotion_engine.worlds.family import agent_names

MODULES = (caretaking_v0, crisis_v0)


def family(mod, n_children):
    """A world module whose envs hold ``n_children`` children (what PettingZoo's tests call)."""
    return SimpleNamespace(
        parallel_env=lambda **kw: mod.parallel_env(n_children=n_children, **kw),
        env=lambda **kw: mod.env(n_children=n_children, **kw),
    )


@pytest.mark.parametrize("n_children", [1, 2, 3])
@pytest.mark.parametrize("world", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_pettingzoo_suite(world, n_children):
    mod = family(world, n_children)
    assert mod.parallel_env().possible_agents == list(agent_names(n_children))
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


def _aec_after(actions, max_cycles=50):
    """An AEC crisis env (seed 3) after the given actions, one per agent turn."""
    env = crisis_v0.env(max_cycles=max_cycles)
    env.reset(seed=3)
    for action in actions:
        env.step(action)
    return env


def _same_aec(a, b):
    assert pickle.dumps(a.unwrapped.state) == pickle.dumps(b.unwrapped.state)
    for name in ("agents", "agent_selection", "rewards", "terminations", "truncations"):
        assert getattr(a, name) == getattr(b, name)
    assert a.last()[1] == b.last()[1]  # the cumulative reward
    assert pickle.dumps(a.infos) == pickle.dumps(b.infos)
    for agent in a.agents:
        np.testing.assert_array_equal(a.observe(agent), b.observe(agent))


@pytest.mark.parametrize("turn", [0, 1], ids=["parent_0", "child_0"])
@pytest.mark.parametrize("bad", [10, -1, 1.0, "up", None, np.float32(2), [1]])
def test_aec_refuses_a_bad_action_at_its_own_step_and_goes_on(turn, bad):
    history = [1, 2, 5, 0]
    env = _aec_after(history[: 2 + turn])
    agent = env.agent_selection
    with pytest.raises(ValueError, match=f"invalid action .* for {agent}: expected an integer"):
        env.step(bad)
    assert env.agent_selection == agent
    for action in (3, 4, 7):  # the env goes on as if the bad action had never been tried
        env.step(action)
    _same_aec(env, _aec_after([*history[: 2 + turn], 3, 4, 7]))


def test_aec_a_done_agent_takes_none_only():
    env = _aec_after([1, 2], max_cycles=1)  # both truncated after one step
    assert env.truncations == {"parent_0": True, "child_0": True}
    with pytest.raises(ValueError, match=rf"^{env.agent_selection} is done: step\(None\), not 3$"):
        env.step(3)
    env.step(None)
    env.step(None)
    assert env.agents == []


@pytest.mark.parametrize("bad", [None, [1, 2], 3, "parent_0"])
def test_parallel_step_needs_a_dict(bad):
    env = crisis_v0.parallel_env()
    env.reset(seed=2)
    before = pickle.dumps(env.state)
    with pytest.raises(ValueError, match=r"^actions must be a dict mapping each live agent "):
        env.step(bad)
    assert pickle.dumps(env.state) == before
    fresh = crisis_v0.parallel_env()
    fresh.reset(seed=2)
    a, b = env.step({"parent_0": 1, "child_0": 2}), fresh.step({"parent_0": 1, "child_0": 2})
    for x, y in zip(a[0].values(), b[0].values(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[1:4] == b[1:4] and pickle.dumps(a[4]) == pickle.dumps(b[4])


def test_refusals_repeat_a_huge_action_only_in_part():
    env = caretaking_v0.parallel_env()
    env.reset(seed=0)
    with pytest.raises(ValueError) as refused:
        env.step({"parent_0": "x" * 1_000_000, "child_0": 0})
    assert len(str(refused.value)) < 200
    with pytest.raises(
        ValueError, match=r"unknown agent\(s\) \['a0', 'a1', 'a2', 'a3', 'a4', 'a5', \.\.\.\]"
    ):
        env.step({f"a{i}": 0 for i in range(10_000)})


@pytest.mark.parametrize("max_cycles", [float("nan"), 1.5, 2**70, 0, True, "500", 1_000_001])
@pytest.mark.parametrize("make", [crisis_v0.parallel_env, crisis_v0.env])
def test_max_cycles_must_be_a_bounded_positive_integer(make, max_cycles):
    with pytest.raises(ValueError, match=r"^max_cycles must be an integer from 1 to 1000000; got"):
        make(max_cycles=max_cycles)


def test_an_unknown_keyword_is_a_value_error():
    with pytest.raises(ValueError, match=r"^unknown keyword\(s\) \['colour', 'speed'\]; expected"):
        caretaking_v0.parallel_env(speed=2, colour="red")
    assert crisis_v0.env(size=5).unwrapped.params.size == 5
