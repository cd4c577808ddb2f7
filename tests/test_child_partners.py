"""Child partners: the scripted children, pairing a parent with a partner, and the
--child-policy option of evaluate and simulate."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.agents.policy import LearnedPolicy
from emotion_engine.agents.policy_file import load_agents
from emotion_engine.cli import app
from emotion_engine.policies import (
    CHILD_PARTNER_NAMES,
    make_policy,
    partner_seed,
    with_child,
)
from emotion_engine.training.evaluate import evaluate
from emotion_engine.worlds import N_ACTIONS
from emotion_engine.worlds.core import WorldParams, reset
from emotion_engine.worlds.policies import CHILD_POLICIES
from emotion_engine.worlds.runner import run_episodes
from world_builder import (
    CHILD,
    EAT,
    FAR_FOOD,
    FEED,
    LEFT,
    PARENT,
    RIGHT,
    STAY,
    UP,
    one_world,
    stack,
)

runner = CliRunner()
PARAMS = WorldParams()
SHIPPED = "src/emotion_engine/checkpoints/caretaking/policy.safetensors"
NO_OBS = np.zeros((1, 1), dtype=np.float32)  # the scripted children read the state only


def child(name, state, seed=0):
    return CHILD_POLICIES[name](PARAMS, seed)(state, NO_OBS)[:, 0].tolist()  # the one child


def test_the_partner_names():
    assert CHILD_PARTNER_NAMES == (
        "co-trained", "stationary", "random", "forager", "clingy", "checkpoint:PATH",
    )  # fmt: skip


def test_a_stationary_child_always_stays():
    worlds = stack(
        one_world(pos=[[2, 2], [6, 6]], hunger=[0.0, 0.9]),
        one_world(pos=[[2, 2], [0, 0]], food=FAR_FOOD),  # on food, and still it stays
    )
    assert child("stationary", worlds) == [STAY, STAY]


def test_a_clingy_child_steps_toward_the_parent_and_stays_by_it():
    worlds = stack(
        one_world(pos=[[2, 2], [5, 2]]),
        one_world(pos=[[2, 2], [2, 6]]),
        one_world(pos=[[2, 2], [3, 3]]),  # next to it
        one_world(pos=[[2, 2], [2, 3]], hunger=[0.0, 0.9], food=[[2, 4], [0, 8], [8, 0]]),
    )
    assert child("clingy", worlds) == [UP, LEFT, STAY, STAY]  # hungry, it still never forages


def test_a_forager_heads_for_the_nearest_food_and_eats_on_it():
    worlds = stack(
        one_world(pos=[[6, 6], [2, 3]], food=FAR_FOOD),  # food at 3, 5 and 6 cells
        one_world(pos=[[2, 2], [1, 6]], food=FAR_FOOD),  # [0, 8] is nearest
        one_world(pos=[[2, 2], [0, 8]], food=FAR_FOOD),  # on it
    )
    assert child("forager", worlds) == [LEFT, RIGHT, EAT]


def test_a_random_child_is_seeded_and_uses_every_action():
    state = one_world()
    a, b, c = (CHILD_POLICIES["random"](PARAMS, seed) for seed in (5, 5, 6))
    runs = [np.concatenate([p(state, NO_OBS)[:, 0] for _ in range(300)]) for p in (a, b, c)]
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])
    assert np.bincount(runs[0], minlength=N_ACTIONS).min() > 10  # all 10 actions, ~30 each
    assert np.array_equal(runs[0], np.random.default_rng(5).integers(0, N_ACTIONS, 300))


def constant_parent(state, obs):
    """Feeds and steps up, composing complex emotions 0.25 (parent) and 0.75 (child)."""
    emotions = np.stack([np.full((state.n_envs, 4), 0.25), np.full((state.n_envs, 4), 0.75)], 1)
    return np.tile([FEED, UP], (state.n_envs, 1)), {"complex_emotions": emotions}


def test_with_child_takes_the_parent_column_from_the_policy_and_the_child_from_the_partner():
    worlds = stack(one_world(pos=[[2, 2], [5, 2]]), one_world(pos=[[2, 2], [2, 3]]))
    actions, extras = with_child(constant_parent, "clingy", PARAMS)(worlds, NO_OBS)
    assert actions.tolist() == [[FEED, UP], [FEED, STAY]]
    emotions = extras["complex_emotions"]  # the parent's kept; a scripted child has none
    assert (emotions[:, PARENT] == 0.25).all() and np.isnan(emotions[:, CHILD]).all()
    assert with_child(constant_parent, "co-trained", PARAMS) is constant_parent


def test_a_checkpoint_partner_is_the_child_network_of_the_policy_file():
    state, obs = reset(PARAMS, np.arange(4))
    act = with_child(make_policy("scripted", PARAMS), f"checkpoint:{SHIPPED}", PARAMS, seed=3)
    network = LearnedPolicy(load_agents(SHIPPED, "caretaking")[0], partner_seed(3))
    scripted = make_policy("scripted", PARAMS)
    for _ in range(5):
        actions, extras = act(state, obs)
        theirs, their_extras = network(state, obs)
        assert np.array_equal(actions[:, PARENT], scripted(state, obs)[0][:, PARENT])
        assert np.array_equal(actions[:, CHILD], theirs[:, CHILD])
        emotions = extras["complex_emotions"]
        assert np.isnan(emotions[:, PARENT]).all()
        assert np.array_equal(emotions[:, CHILD], their_extras["complex_emotions"][:, CHILD])
    assert partner_seed(3) != 3 and partner_seed(3) == partner_seed(3)


def test_partners_of_another_scenario_or_unknown_names_are_refused():
    crisis = "src/emotion_engine/checkpoints/crisis/policy.safetensors"
    with pytest.raises(ValueError, match=f"{crisis} holds agents trained for crisis, not care"):
        with_child(constant_parent, f"checkpoint:{crisis}", PARAMS)
    with pytest.raises(ValueError, match="unknown child policy 'sibling'; expected one of: co-"):
        with_child(constant_parent, "sibling", PARAMS)


def test_evaluate_with_a_stationary_child():
    args = ["evaluate", "--policy", "scripted", "--child-policy", "stationary"]
    result = runner.invoke(app, [*args, "--episodes", "3", "--steps", "100", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    expected = evaluate("caretaking", "scripted", episodes=3, steps=100, child_policy="stationary")
    assert out == expected and out["child_policy"] == "stationary"
    co_trained = evaluate("caretaking", "scripted", episodes=3, steps=100)
    assert co_trained["child_policy"] == "co-trained" and co_trained != expected


def test_simulate_with_a_checkpoint_child():
    args = ["simulate", "--scenario", "caretaking", "--policy", "scripted", "--steps", "40"]
    result = runner.invoke(app, [*args, "--child-policy", f"checkpoint:{SHIPPED}", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["child_policy"] == f"checkpoint:{SHIPPED}" and out["steps"] == 40
    assert out["parent_maternal_love"] is None and 0 < out["child_devotion"] < 1


@pytest.mark.parametrize("command", ["evaluate", "simulate"])
@pytest.mark.parametrize(
    "partner, message",
    [
        ("sibling", "unknown child policy 'sibling'; expected one of: co-trained, stationary, "
         "random, forager, clingy, checkpoint:PATH"),
        ("checkpoint:", "child policy checkpoint:PATH needs the path of a policy.safetensors"),
        ("checkpoint:src/emotion_engine/checkpoints/crisis/policy.safetensors",
         "holds agents trained for crisis, not caretaking"),
    ],
)  # fmt: skip
def test_bad_partners_exit_2_with_one_line(command, partner, message):
    result = runner.invoke(app, [command, "--policy", "scripted", "--child-policy", partner])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_only_the_forager_feeds_itself_when_the_parent_does_nothing():
    def idle(state, obs):
        return np.full((state.n_envs, 2), STAY), {}

    params = WorldParams(max_cycles=150)
    eats = {
        name: run_episodes(params, with_child(idle, name, params), range(10)).metrics["child_eats"]
        for name in CHILD_POLICIES
    }
    # 11 to 16 meals in 150 steps: it gets to food, and the world lets 15% of its tries work
    assert 10 <= eats["forager"].min() and eats["forager"].max() <= 20
    assert all(eats[name].max() == 0 for name in ("stationary", "random", "clingy"))
