"""The learning loop inside the world: the agents' signals, the TD error, and bad signals."""

import numpy as np
import pytest

from emotion_engine.affect import MODULATORS
from emotion_engine.affect.complex import complex_drive
from emotion_engine.worlds import AgentSignals, BatchedWorld, WorldParams, caretaking_v0, vector_env
from emotion_engine.worlds.core import step
from emotion_engine.worlds.learning import prospect, signal_drive, signals_from, td_error
from world_builder import CHILD, FAR_FOOD, PARENT, STAY, one_world

SEROTONIN, DOPAMINE = MODULATORS.index("serotonin"), MODULATORS.index("dopamine")
STILL = [[STAY, STAY]]


def test_an_episodes_first_step_has_no_td_error_and_the_dead_get_nothing():
    params = WorldParams()
    fresh = one_world(params)
    alive = np.ones((1, 2), dtype=bool)
    assert td_error(params, fresh, np.array([[0.4, -0.3]]), alive).tolist() == [[0.0, 0.0]]
    after, *_ = step(params, fresh, STILL, AgentSignals(value=np.array([[0.4, -0.3]])))
    # V rose by 0.2 for both: δ = r + 0.99 · V(s_t) − V(s_{t−1})
    value = np.array([[0.6, -0.1]])
    want = after.last_reward + 0.99 * value - np.array([[0.4, -0.3]])
    np.testing.assert_allclose(td_error(params, after, value, alive), want, rtol=1e-12)
    dead_child = np.array([[True, False]])
    assert td_error(params, after, value, dead_child)[0, CHILD] == 0.0
    signals = AgentSignals(value=value, complex_emotions=np.full((1, 2, 4), 0.5),
                           given=np.ones((1, 2), dtype=bool))  # fmt: skip
    drive = signal_drive(params, after, signals, dead_child)
    assert drive[0, CHILD].tolist() == [0.0] * len(MODULATORS)
    # hope: the prospect, (1 − γ)·(V − the value expected so far, 0.4) / scale 0.5, at
    # weight 0.5, and what the complex emotions add
    assert after.expected_value.tolist() == [[0.4, -0.3]]  # the first value it gave
    hope = (1 - 0.99) * (0.6 - 0.4) / 0.5
    felt = complex_drive(np.full(4, 0.5))[SEROTONIN]
    assert drive[0, PARENT, SEROTONIN] == pytest.approx(0.5 * hope + felt, abs=1e-12)


def test_the_expected_value_is_a_running_mean_and_a_steady_value_brings_no_hope():
    params = WorldParams()
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD)
    values = [1.0, 3.0, 3.0]
    for v in values:
        state, *_ = step(params, state, STILL, AgentSignals(value=np.full((1, 2), v)))
    keep = np.exp(-1 / params.prospect_tau)
    want = 3.0 + (3.0 + (1.0 - 3.0) * keep - 3.0) * keep
    np.testing.assert_allclose(state.expected_value, [[want, want]], rtol=1e-12)
    alive = np.ones((1, 2), dtype=bool)
    assert prospect(params, state, np.full((1, 2), want), alive).tolist() == [[0.0, 0.0]]
    # a value of 10, as a trained agent's, is no hope in itself once it is expected
    for _ in range(600):
        state, *_ = step(params, state, STILL, AgentSignals(value=np.full((1, 2), 10.0)))
    assert np.abs(prospect(params, state, np.full((1, 2), 10.0), alive)).max() < 1e-4


EXPECTING = {"has_value": [True, True], "expected_value": [0.0, 0.0]}
"""A world whose agents gave a value last step and expect 0: a value of 1 is hope."""


def test_a_dead_agents_affect_is_not_driven_by_its_signals():
    params = WorldParams()
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, health=[1.0, 0.0], **EXPECTING)
    plain, *_ = step(params, state, STILL)
    driven, *_ = step(params, state, STILL, AgentSignals(value=np.ones((1, 2))))
    np.testing.assert_array_equal(driven.affect.levels[0, CHILD], plain.affect.levels[0, CHILD])
    assert driven.affect.levels[0, PARENT, SEROTONIN] > plain.affect.levels[0, PARENT, SEROTONIN]


def test_only_the_agents_given_are_driven():
    params = WorldParams()
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, **EXPECTING)
    plain, *_ = step(params, state, STILL)
    signals = AgentSignals(value=np.ones((1, 2)), given=np.array([[True, False]]))
    driven, *_ = step(params, state, STILL, signals)
    np.testing.assert_array_equal(driven.affect.levels[0, CHILD], plain.affect.levels[0, CHILD])
    assert driven.affect.levels[0, PARENT, SEROTONIN] > plain.affect.levels[0, PARENT, SEROTONIN]
    assert driven.has_value.tolist() == [[True, False]]
    assert driven.last_value.tolist() == [[1.0, 0.0]]


def test_signals_from_a_policys_extras():
    assert signals_from({}) is None
    value = np.array([[0.2, np.nan]])  # a learned parent beside a scripted child
    emotions = np.array([[[0.1, 0.2, 0.3, 0.4], [np.nan] * 4]])
    s = signals_from({"value": value, "complex_emotions": emotions})
    assert s.given.tolist() == [[True, False]]
    assert s.value.tolist() == [[0.2, 0.0]]
    assert s.complex_emotions.tolist() == [[[0.1, 0.2, 0.3, 0.4], [0.0] * 4]]
    only = signals_from({"value": np.array([[0.2, 0.3]])})
    assert only.complex_emotions is None and only.given.tolist() == [[True, True]]


BAD = [
    (AgentSignals(value=np.zeros((1, 3))), r"signals\.value must be numbers of shape \(1, 2\)"),
    (AgentSignals(value=np.zeros(2)), r"signals\.value must be numbers of shape \(1, 2\)"),
    (AgentSignals(value=np.array([["a", "b"]])), r"signals\.value must be numbers"),
    (AgentSignals(value=np.array([[0.1, np.nan]])), r"signals\.value must be finite; got nan for child_0 in env 0"),
    (AgentSignals(complex_emotions=np.zeros((1, 2, 3))),
     r"signals\.complex_emotions must be numbers of shape \(1, 2, 4\)"),
    (AgentSignals(complex_emotions=np.full((1, 2, 4), np.inf)),
     r"signals\.complex_emotions must be finite; got inf for parent_0 in env 0"),
    (AgentSignals(value=np.zeros((1, 2)), given=np.ones((1, 2))),
     r"signals\.given must be bools of shape \(1, 2\)"),
]  # fmt: skip


@pytest.mark.parametrize("signals, message", BAD)
def test_bad_signals_are_a_one_line_error_and_change_nothing(signals, message):
    world = BatchedWorld(1, WorldParams())
    world.step(STILL, AgentSignals(value=np.array([[0.3, 0.1]])))
    before, obs = world.state, world.obs.copy()
    with pytest.raises(ValueError, match=message) as caught:
        world.step(STILL, signals)
    assert "\n" not in str(caught.value)
    assert world.state is before and before.t.tolist() == [1]
    np.testing.assert_array_equal(world.obs, obs)
    assert before.last_value.tolist() == [[0.3, 0.1]] and before.has_value.all()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("td_discount", 1.5, r"td_discount must be in \[0, 1\]; got 1.5"),
        ("td_discount", float("nan"), "td_discount must be a finite number"),
        ("learning_scale", 0.0, "learning_scale must be > 0; got 0.0"),
        ("learning_scale", "0.1", "learning_scale must be a finite number"),
    ],
)
def test_the_loops_parameters_are_checked(field, value, message):
    with pytest.raises(ValueError, match=message):
        WorldParams(**{field: value})


def test_the_pettingzoo_view_takes_the_signals_of_its_world():
    plain, driven = caretaking_v0.parallel_env(), caretaking_v0.parallel_env()
    for env in (plain, driven):
        env.reset(seed=4)
    actions = {"parent_0": STAY, "child_0": STAY}
    with pytest.raises(ValueError, match=r"signals\.value must be numbers of shape \(1, 2\)"):
        driven.step(actions, AgentSignals(value=np.ones(2)))
    assert driven.state.t.tolist() == [0]
    parent_only = np.array([[True, False]])
    for value in (1.0, 2.0):  # the first value is what it expects; the second is hope
        plain.step(actions)
        driven.step(actions, AgentSignals(value=np.array([[value, 0.0]]), given=parent_only))
    a, b = plain.state.affect.levels[0], driven.state.affect.levels[0]
    assert b[PARENT, SEROTONIN] > a[PARENT, SEROTONIN]
    np.testing.assert_array_equal(b[CHILD], a[CHILD])  # not given: no drive


def test_the_vector_env_takes_one_signal_per_entry():
    plain, driven = vector_env("caretaking", 2), vector_env("caretaking", 2)
    for env in (plain, driven):
        env.reset(seed=4)
    actions = np.zeros(4, dtype=np.int64)
    with pytest.raises(
        ValueError, match=r"signals\.value must have shape \(4,\), one row per entry"
    ):
        driven.step(actions, AgentSignals(value=np.ones((2, 2))))
    given = np.array([False, True, False, False])  # world 0's child only
    for value in (1.0, 2.0):  # the first value is what it expects; the second is hope
        plain.step(actions)
        driven.step(actions, AgentSignals(value=np.full(4, value), given=given))
    a, b = plain.world.state.affect.levels, driven.world.state.affect.levels
    changed = (a != b).any(-1)
    assert changed.tolist() == [[False, True], [False, False]]
    assert b[0, CHILD, SEROTONIN] > a[0, CHILD, SEROTONIN]
