"""Fuzz: bad actions, reset arguments and constructor values of the PettingZoo worlds raise
ValueError, and the world stays usable (a valid step afterwards works)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.worlds import caretaking_v0, crisis_v0
from emotion_engine.worlds.core import AGENTS, N_ACTIONS
from fuzzing import counted, fuzz

pytestmark = pytest.mark.timeout(60)

WORLDS = st.sampled_from([caretaking_v0, crisis_v0])
BAD_ACTION = st.one_of(
    st.integers(max_value=-1), st.integers(min_value=N_ACTIONS),
    st.floats(allow_nan=True), st.booleans(), st.none(), st.text(max_size=3),
    st.sampled_from([np.float32(1.0), np.array([1, 2]), np.array([]), np.int64(-1),
                     np.uint8(200), [1], (1,), {}, 1j, object()]),
)  # fmt: skip
GOOD_ACTION = st.integers(0, N_ACTIONS - 1)


def valid_actions(agents) -> dict[str, int]:
    return dict.fromkeys(agents, 0)


@fuzz(60)
@given(WORLDS, st.sampled_from(AGENTS), BAD_ACTION, st.integers(0, 3))
@counted
def test_parallel_step_with_a_bad_action_raises_and_the_world_goes_on(world, agent, bad, seed):
    env = world.parallel_env(max_cycles=20)
    env.reset(seed=seed)
    before = env.state
    with pytest.raises(ValueError):
        env.step({**valid_actions(env.agents), agent: bad})
    assert env.state is before  # unchanged
    _, rewards, *_ = env.step(valid_actions(env.agents))
    assert set(rewards) == set(AGENTS)


@fuzz(30)
@given(WORLDS, st.one_of(
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.none()), GOOD_ACTION,
                    max_size=3).filter(lambda d: set(d) != set(AGENTS)),
    st.sampled_from([{"parent_0": 0}, {"child_0": 0}, {"parent_0": 0, "child_0": 0, "x": 0}]),
))  # fmt: skip
@counted
def test_parallel_step_with_unknown_or_missing_agents(world, actions):
    env = world.parallel_env(max_cycles=20)
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(actions)
    env.step(valid_actions(env.agents))


@fuzz(20)
@given(WORLDS, st.one_of(st.none(), st.integers(), st.text(max_size=4),
                         st.lists(GOOD_ACTION, max_size=2), st.just(np.zeros(2, int))))  # fmt: skip
@counted
def test_parallel_step_with_something_not_a_dict(world, actions):
    env = world.parallel_env(max_cycles=20)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="dict"):
        env.step(actions)
    env.step(valid_actions(env.agents))


@fuzz(40)
@given(WORLDS, st.sampled_from([0, 1]), BAD_ACTION, st.integers(0, 3))
@counted
def test_aec_step_with_a_bad_action_raises_at_once_and_the_world_goes_on(world, turn, bad, seed):
    env = world.env(max_cycles=20)
    env.reset(seed=seed)
    for _ in range(turn):
        env.step(0)
    with pytest.raises(ValueError):
        env.step(bad)
    for _ in range(2 * len(AGENTS)):
        env.step(None if env.terminations[env.agent_selection] else 0)
    assert env.agents == list(AGENTS)


@fuzz(30)
@given(WORLDS, st.one_of(
    st.integers(max_value=-1), st.integers(min_value=2**64),
    st.floats(), st.text(max_size=4), st.booleans(), st.lists(st.integers(0, 5), min_size=2),
    st.sampled_from([np.float64(1.0), np.array([1, 2]), object()]),
))  # fmt: skip
@counted
def test_reset_with_a_bad_seed(world, seed):
    env = world.parallel_env(max_cycles=20)
    with pytest.raises(ValueError):
        env.reset(seed=seed)
    env.reset(seed=0)
    env.step(valid_actions(env.agents))


@fuzz(20)
@given(WORLDS, st.one_of(
    st.integers(max_value=0), st.integers(min_value=2**40),
    st.floats().filter(lambda v: not (math.isfinite(v) and v == int(v) and 0 < v < 2**40)),
    st.sampled_from(["10", None, [5]]),
))  # fmt: skip
@counted
def test_bad_max_cycles(world, max_cycles):
    with pytest.raises(ValueError):
        world.parallel_env(max_cycles=max_cycles)


@fuzz(20)
@given(WORLDS, st.one_of(
    st.tuples(st.sampled_from(["size", "n_food", "threat_period", "near_radius"]),
              st.sampled_from([math.nan, math.inf, 1.5, -1, "9", None, 10**12])),
    st.tuples(st.just("dt"), st.sampled_from([math.nan, math.inf, 0.0, -1.0, "9", None])),
))  # fmt: skip
@counted
def test_bad_world_numbers(world, field):
    name, value = field
    with pytest.raises(ValueError):
        world.parallel_env(**{name: value})


@fuzz(20)
@given(WORLDS, st.sampled_from(["render_mode", "reward_mode"]),
       st.one_of(st.text(max_size=8), st.integers()).filter(
           lambda v: v not in ("human", "rgb_array", "ansi", "extrinsic", "emotional", "explicit")))  # fmt: skip
@counted
def test_unknown_modes(world, name, value):
    with pytest.raises(ValueError):
        world.parallel_env(**{name: value})
