"""Training parents of families (``train --n-children``): the run's spec, the child network
acting for every child, the policy file, and the preference of a trained parent."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from emotion_engine.affect.social import EVENTS
from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import PRIMITIVE_INDEX, build_agents, primitive_index
from emotion_engine.agents.policy_file import POLICY_FILE, learned_policy, load_agents
from emotion_engine.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from emotion_engine.cli import app
from emotion_engine.policies import fitted
from emotion_engine.training.evaluate import CARE_ACTS, evaluate
from emotion_engine.training.experiment import default_config, train_run
from emotion_engine.training.ppo import _collect, learners
from emotion_engine.training.spec import RunSpec
from emotion_engine.training.sweep import SweepSettings
from emotion_engine.training.world_env import WorldVecEnv, cumulants
from emotion_engine.worlds.core import OBS_DIM, WorldParams, reset
from emotion_engine.worlds.spec import obs_features

SMALL = AgentConfig(hidden=16, head_hidden=8, composer_d=8, composer_layers=1, composer_heads=2)
FAMILY = RunSpec("caretaking", agent_config=SMALL, n_children=2)
runner = CliRunner()


def tiny_config(seed=0, updates=2):
    return default_config(updates * 6 * 8, seed, n_envs=6, n_steps=8)


@pytest.fixture(scope="module")
def family_run(tmp_path_factory):
    """A 2-child run of 2 PPO updates (6 envs × 8 steps), trained twice with one seed."""
    runs = [tmp_path_factory.mktemp(f"family{i}") for i in range(2)]
    results = [train_run(FAMILY, tiny_config(), out) for out in runs]
    return runs, results


# --- the run ----------------------------------------------------------------------------


def test_the_family_sets_the_observation_layout_and_one_child_specs_stay_as_they_were():
    assert (FAMILY.obs_dim, len(FAMILY.primitive_index)) == (80, 20)
    assert FAMILY.primitive_index == tuple(primitive_index(2))
    assert FAMILY.primitive_index[:10] == tuple(range(38, 48))  # towards child_0, then child_1
    assert FAMILY.world_params().n_children == 2 and FAMILY.world_params().strangers == 0
    assert FAMILY.to_dict()["n_children"] == 2 and RunSpec.from_dict(FAMILY.to_dict()) == FAMILY
    one = RunSpec("caretaking")
    assert "n_children" not in one.to_dict()  # a one-child spec is what it was before families
    assert (one.n_children, one.obs_dim, list(one.primitive_index)) == (1, OBS_DIM, PRIMITIVE_INDEX)
    assert RunSpec.from_dict(one.to_dict()) == one


@pytest.mark.parametrize("bad", [0, 4, 1.5, True])
def test_a_family_size_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match=r"^n_children must be an integer from 1 to 3; got "):
        RunSpec("caretaking", n_children=bad)


def test_train_refuses_four_children_in_one_line(tmp_path):
    out = runner.invoke(app, ["train", "--n-children", "4", "--total-steps", "100",
                              "--out", str(tmp_path / "run")])  # fmt: skip
    assert out.exit_code == 2
    assert out.stderr.strip() == "error: n_children must be an integer from 1 to 3; got 4"
    assert not (tmp_path / "run").exists()


# --- the child network acts for every child -----------------------------------------------


def test_the_child_network_batch_holds_every_childs_steps():
    partners = ("co-trained", "stationary", "co-trained", "co-trained")
    env = WorldVecEnv(FAMILY.world_params(), 4, partners=partners)
    assert (env.n_agents, env.obs_dim, learners(env)) == (3, 80, (0, 1, 1))
    agents = build_agents(SMALL, seed=1, n_children=2)
    config = default_config(5 * 4, 0, n_envs=4, n_steps=5)
    obs = env.reset(seed=4)
    first = obs.copy()
    rollout, _ = _collect(env, agents, obs, config, torch.Generator().manual_seed(0))
    parent, child = rollout.features
    assert parent.shape == (6, 4, 1, 80 + 4) and child.shape == (6, 4, 2, 80 + 4)
    np.testing.assert_array_equal(child[0, :, :, :80].numpy(), first[:, 1:])  # both children
    np.testing.assert_array_equal(parent[0, :, 0, :80].numpy(), first[:, 0])
    assert rollout.actions.shape == (5, 4, 3)
    # the child network learns from 5 steps × 3 envs × 2 children: the stationary env's are out
    assert int(rollout.active[:, :, 1:].sum()) == 30 and rollout.active[:, 1, 1:].sum() == 0
    assert rollout.active[:, :, 0].all()


def test_the_parents_cumulants_are_about_its_own_first_child():
    params = WorldParams(scenario="caretaking", n_children=2)
    _, obs = reset(params, [1, 2])
    at = {name: i for i, (name, _, _) in enumerate(obs_features(2))}
    later = obs.copy()
    later[:, 0, at["other_hunger@0"]] -= 0.1  # the parent sees child_0's hunger stilled
    events = np.zeros((2, 3, len(EVENTS)))
    got = cumulants(obs, later, events, n_children=2)
    same = cumulants(obs, obs, events, n_children=2)
    assert got.shape == (2, 3, 4)
    np.testing.assert_array_equal(got[:, 1:], same[:, 1:])  # the children saw nothing new
    assert (got[:, 0] != same[:, 0]).any()
    later = obs.copy()
    later[:, 0, at["other_hunger@1"]] -= 0.1  # child_1's hunger is not the parent's cumulant
    np.testing.assert_array_equal(cumulants(obs, later, events, n_children=2), same)


# --- a tiny training run, saved and loaded ------------------------------------------------------


def test_a_family_run_is_deterministic_and_its_policy_acts_in_a_family(family_run):
    runs, results = family_run
    assert [r.env_steps for r in results] == [96, 96]
    files = [load_checkpoint(out / POLICY_FILE, kind="policy") for out in runs]
    assert files[0][1]["spec"] == FAMILY.to_dict()
    assert files[0][0].keys() == files[1][0].keys()
    for name, tensor in files[0][0].items():
        torch.testing.assert_close(tensor, files[1][0][name], rtol=0, atol=0)
    state = load_checkpoint(runs[0] / "state.safetensors", kind="training-state")
    assert state[1]["spec"]["n_children"] == 2 and state[0]["obs"].shape == (6, 3, 80)
    agents, _ = load_agents(runs[0] / POLICY_FILE, "caretaking")
    assert [a.obs_dim for a in agents] == [80, 80]
    policy = learned_policy(runs[0] / POLICY_FILE, "caretaking", seed=3)
    params = WorldParams(scenario="caretaking", n_children=2)
    assert fitted(policy, params, "run") is policy
    state, obs = reset(params, [5, 6])
    actions, extras = policy(state, obs)
    assert actions.shape == (2, 3) and ((0 <= actions) & (actions < 10)).all()
    with torch.no_grad():  # each child's value is the one child network's
        for c in (1, 2):
            x = torch.as_tensor(obs[:, c])
            want = agents[1](agents[1].features(x))[1].numpy()
            np.testing.assert_allclose(extras["value"][:, c], want, rtol=1e-4, atol=1e-5)
        want = agents[0](agents[0].features(torch.as_tensor(obs[:, 0])))[1].numpy()
        np.testing.assert_allclose(extras["value"][:, 0], want, rtol=1e-4, atol=1e-5)


def test_a_family_run_resumes_to_the_same_weights(tmp_path, family_run):
    runs, _ = family_run
    train_run(FAMILY, tiny_config(updates=1), tmp_path)
    (tmp_path / POLICY_FILE).unlink()
    state = tmp_path / "state.safetensors"
    tensors, meta = load_checkpoint(state, kind="training-state")
    meta["config"] = tiny_config().to_dict()  # the same run, asked for 2 updates
    save_checkpoint(state, tensors, meta)
    train_run(FAMILY, tiny_config(), tmp_path, resume=True)
    resumed = load_checkpoint(tmp_path / POLICY_FILE, kind="policy")[0]
    whole = load_checkpoint(runs[0] / POLICY_FILE, kind="policy")[0]
    for name, tensor in whole.items():
        torch.testing.assert_close(resumed[name], tensor, rtol=0, atol=0)


def test_a_policy_file_with_a_family_it_cannot_have_is_refused(tmp_path, family_run):
    runs, _ = family_run
    tensors, meta = load_checkpoint(runs[0] / POLICY_FILE, kind="policy")
    for bad, message in ((4, "trained for families of 4 children; these worlds hold 1 to 3"),
                         (1, "observations of 80 features and 10 actions; these worlds have 51 "
                             "and 10")):  # fmt: skip
        path = save_checkpoint(tmp_path / f"bad{bad}.safetensors", tensors,
                               meta | {"spec": meta["spec"] | {"n_children": bad}})  # fmt: skip
        with pytest.raises(CheckpointError, match=message):
            load_agents(path, "caretaking")


# --- evaluation ------------------------------------------------------------------------------


def test_the_preference_of_a_trained_parent_adds_up(family_run):
    path = family_run[0][0] / POLICY_FILE
    played = []
    result = evaluate("caretaking", checkpoint=path, episodes=5, steps=80, preference=True,
                      on_episodes=played.append)  # fmt: skip
    (m,) = played
    own = sum(m[f"{act}_child_0"] for act in CARE_ACTS)
    stranger = sum(m[f"{act}_child_1"] for act in CARE_ACTS)
    np.testing.assert_array_equal(m["care_acts_own"], own)
    np.testing.assert_array_equal(m["care_acts_stranger"], stranger)
    assert result["care_acts_own_per_episode"] == pytest.approx(own.mean())
    assert result["care_acts_stranger_per_episode"] == pytest.approx(stranger.mean())
    acted = own + stranger > 0
    assert result["preference_episodes"] == int(acted.sum()) > 0
    assert result["preference_index"] == pytest.approx(
        (own[acted] / (own + stranger)[acted]).mean()
    )
    low, high = result["preference_index_ci95"]
    assert 0.0 <= low <= result["preference_index"] <= high <= 1.0
    assert 0.0 <= result["stranger_survival_rate"] <= 1.0


def test_evaluate_plays_a_family_run_in_its_family(family_run):
    path = family_run[0][0] / POLICY_FILE
    played = []
    result = evaluate(
        "caretaking", checkpoint=path, episodes=2, steps=30, on_episodes=played.append
    )
    assert "feeds_to_child_1" in played[0] and "preference_index" not in result
    assert result["child_survival_rate"] == 1.0  # 30 steps: no child starves
    cli = runner.invoke(app, ["evaluate", "--checkpoint", str(path), "--episodes", "2",
                              "--steps", "30", "--json"])  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["feeds_per_episode"] == result["feeds_per_episode"]


def test_a_sweep_trains_families_and_records_their_size():
    family = SweepSettings("caretaking", ("emotional", "extrinsic"), 1, 100, n_children=2)
    assert [family.spec(c).n_children for c in family.conditions] == [2, 2]
    assert family.header()["n_children"] == 2
    assert "n_children" not in SweepSettings("caretaking", ("emotional",), 1, 100).header()
    with pytest.raises(ValueError, match=r"^n_children must be an integer from 1 to 3; got 0"):
        SweepSettings("caretaking", ("emotional",), 1, 100, n_children=0)


def test_the_layer4_report_reads_a_family_run_in_its_family(family_run):
    path = family_run[0][0] / POLICY_FILE
    result = runner.invoke(app, ["layer4", "--checkpoint", str(path), "--episodes", "2",
                                 "--steps", "100", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["agent"] == "parent_0" and out["steps"] == 100
    means = [row["target_mean"] for row in out["prediction"].values()]
    assert len(means) == 4 and all(0.0 <= m <= 1.0 for m in means)
