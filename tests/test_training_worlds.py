"""Training in the worlds: the env adapter, the emotional agents, train/evaluate end to end."""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from emotion_engine.affect import EVENTS, MODULATORS
from emotion_engine.agents.composer import COMPLEX_EMOTIONS
from emotion_engine.agents.policy import PRIMITIVE_INDEX, build_agents
from emotion_engine.checkpoint import CheckpointError
from emotion_engine.cli import app
from emotion_engine.policies import untrained_policy
from emotion_engine.training.experiment import default_config, train_run
from emotion_engine.training.spec import RunSpec
from emotion_engine.training.world_env import WorldVecEnv, cumulants
from emotion_engine.worlds.core import (
    CHILD,
    FEED,
    OBS_DIM,
    OBS_FEATURES,
    PARENT,
    STAY,
    WorldParams,
    reset,
    step,
)
from emotion_engine.worlds.runner import simulate

runner = CliRunner()
F = {name: i for i, (name, _, _) in enumerate(OBS_FEATURES)}


def test_all_ten_primitives_are_the_composers_tokens():
    names = [OBS_FEATURES[i][0] for i in PRIMITIVE_INDEX]
    assert len(names) == 10 and names[0] == "own_social_attachment"


def test_cumulants_are_read_from_each_agents_observations_before_and_after_the_step():
    before = np.zeros((1, 2, OBS_DIM), dtype=np.float32)
    before[0, PARENT, F["own_hunger"]] = 0.4
    before[0, PARENT, F["other_hunger"]] = 0.6
    after = before.copy()
    after[0, PARENT, F["own_social_attachment"]] = 0.8
    after[0, PARENT, F["other_health"]] = 0.5
    after[0, PARENT, F["other_hunger"]] = 0.2
    before[0, PARENT, F["other_health"]] = 0.5
    ev = np.zeros((1, 2, len(EVENTS)))
    ev[0, CHILD, EVENTS.index("fed")] = 1.0  # the parent's feed reached the child
    c = cumulants(before, after, ev)[0, PARENT]
    love, compassion, grief, devotion = (c[COMPLEX_EMOTIONS.index(n)] for n in COMPLEX_EMOTIONS)
    assert love == pytest.approx(0.8 * 0.4)  # attachment × the hunger the child was relieved of
    assert compassion == pytest.approx(0.2)  # the child's hunger after the step
    assert grief == pytest.approx(0.0)  # no danger
    assert devotion == pytest.approx(0.4)  # the own hunger the meal given would have stilled
    # the child saw all zeros: a parent of health 0 reads as dead, but attachment 0 weighs it 0
    assert cumulants(before, after, ev)[0, CHILD] == pytest.approx([0.0, 0.0, 0.0, 0.0])


def test_relief_is_what_ones_own_care_gave_the_other():
    params = WorldParams(scenario="caretaking", initial_hunger=(0.2, 0.9))
    state, _ = reset(params, [0])
    state = replace(state, pos=np.array([[[4, 4], [4, 5]]]))  # adjacent, parent holds food
    _, _, _, _, _, fed = step(params, state, np.array([[FEED, STAY]]))
    # the child's hunger fell by a whole meal: one meal of relief, given by the parent
    assert fed.relief[0, PARENT] == pytest.approx(1.0) and fed.relief[0, CHILD] == 0.0
    _, _, _, _, _, idle = step(params, state, np.array([[STAY, STAY]]))
    assert np.all(idle.relief == 0.0)


def test_env_ends_are_per_agent_and_dead_agents_are_inactive():
    env = WorldVecEnv(WorldParams(scenario="caretaking", max_cycles=400), n_envs=2)
    env.reset(seed=0)
    saw_child_death = False
    for _ in range(400):
        r = env.step(np.zeros((2, 2), dtype=np.int64))  # nobody acts: the child starves first
        if r.terminated[:, CHILD].any() and not r.terminated[:, PARENT].any():
            saw_child_death = True
            dead_env = int(np.flatnonzero(r.terminated[:, CHILD])[0])
            nxt = env.step(np.zeros((2, 2), dtype=np.int64))
            assert not nxt.active[dead_env, CHILD] and nxt.active[dead_env, PARENT]
            break
    assert saw_child_death


def test_learning_signals_reach_the_modulators():
    env = WorldVecEnv(WorldParams(), n_envs=1)
    quiet = WorldVecEnv(WorldParams(), n_envs=1, learning_signals=False)
    env.reset(seed=0)
    quiet.reset(seed=0)
    a = np.zeros((1, 2), dtype=np.int64)
    for e in (env, quiet):
        for value in (0.5, 2.0):  # a rising value is hope, which drives serotonin (if it goes)
            e.step(a, values=np.full((1, 2), value))
    ser = MODULATORS.index("serotonin")
    assert np.all(
        env.world.state.affect.levels[0, :, ser] > quiet.world.state.affect.levels[0, :, ser]
    )


def test_env_state_round_trip_continues_identically():
    env = WorldVecEnv(WorldParams(scenario="crisis"), n_envs=3)
    env.reset(seed=4)
    rng = np.random.default_rng(0)
    for _ in range(30):
        env.step(rng.integers(0, 10, (3, 2)), rng.normal(0, 0.1, (3, 2)))
    arrays, meta = env.state_dict()
    assert arrays["has_value"].all() and arrays["last_value"].shape == (3, 2)
    other = WorldVecEnv(WorldParams(scenario="crisis"), n_envs=3)
    other.load_state_dict(arrays, meta)
    for _ in range(60):
        act, values = rng.integers(0, 10, (3, 2)), rng.normal(0, 0.1, (3, 2))
        r1, r2 = env.step(act, values), other.step(act, values)
        np.testing.assert_array_equal(r1.obs, r2.obs)
        np.testing.assert_array_equal(r1.rewards, r2.rewards)
    np.testing.assert_array_equal(env.world.state.affect.levels, other.world.state.affect.levels)
    old = {k: v for k, v in arrays.items() if k != "last_value"}  # a state from before the loop
    with pytest.raises(CheckpointError, match="the saved worlds lack last_value"):
        other.load_state_dict(old, meta)


def test_a_short_run_trains_composer_and_policy_and_resumes_identically(tmp_path):
    spec = RunSpec("crisis")
    config = default_config(
        total_steps=3 * 4 * 32, seed=2, n_envs=4, n_steps=32, n_minibatches=2, n_epochs=1
    )
    whole = train_run(spec, config, tmp_path / "a", checkpoint_every=1)
    assert "composer_td_loss" in whole.history[0]["agents"][PARENT]

    class Stop(Exception):
        pass

    def stop_early(done, total):
        if done >= 2 * config.batch_size:
            raise Stop

    with pytest.raises(Stop):
        train_run(spec, config, tmp_path / "b", progress=stop_early, checkpoint_every=1)
    resumed = train_run(spec, config, tmp_path / "b", resume=True)
    for a, b in zip(whole.agents, resumed.agents, strict=True):
        assert all(torch.equal(a.state_dict()[k], v) for k, v in b.state_dict().items())


def test_train_and_evaluate_commands(tmp_path):
    out = tmp_path / "run"
    one_update = default_config(1, 0).batch_size
    result = runner.invoke(app, ["train", "--scenario", "caretaking", "--total-steps", str(one_update),
                                 "--out", str(out), "--no-bond", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["env_steps"] == one_update
    again = runner.invoke(app, ["train", "--total-steps", "4096", "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.stderr
    ev = runner.invoke(app, ["evaluate", "--checkpoint", str(out / "policy.safetensors"),
                             "--episodes", "6", "--steps", "60", "--json"])  # fmt: skip
    assert ev.exit_code == 0, ev.output
    got = json.loads(ev.stdout)
    assert got["episodes"] == 6 and 0.0 <= got["child_survival_rate"] <= 1.0
    low, high = got["child_survival_ci95"]
    assert low <= got["child_survival_rate"] <= high
    assert got["maternal_love_mean"] is not None  # learned agents compose complex emotions
    bad = runner.invoke(app, ["evaluate", "--checkpoint", str(tmp_path / "nope.safetensors")])
    assert bad.exit_code == 2 and "no checkpoint" in bad.stderr


def test_simulate_untrained_records_complex_emotions():
    policy = untrained_policy(WorldParams(max_cycles=50), seed=0)
    out = simulate("caretaking", 50, 0, policy)
    assert all(0.0 <= out[f"{who}_{c}"] <= 1.0 for who in ("parent", "child")
               for c in COMPLEX_EMOTIONS)  # fmt: skip
    names = list(out)  # the means come after the world's statistics, as they always have
    assert names.index("care_steps") < names.index("parent_maternal_love")
    assert names.index("child_devotion") + 1 == names.index("hungry_fraction_child")


def test_agents_report_their_parameter_counts():
    counts = build_agents()[PARENT].parameter_counts()
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    assert counts["composer"] > 0
