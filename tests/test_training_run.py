"""Training runs on disk: metrics, checkpoints, and resume equivalence (on CartPole)."""

import json

import pytest
import torch

from emotion_engine.agents.mlp import MLPActorCritic
from emotion_engine.agents.policy_file import POLICY_FILE, load_policy
from emotion_engine.checkpoint import CheckpointError
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.gym_vec import GymVecEnv
from emotion_engine.training.run import STATE_FILE, run_training

CONFIG = PPOConfig(total_steps=6 * 64, n_envs=2, n_steps=32, n_minibatches=2, n_epochs=2, seed=3)
SPEC = {"env": "CartPole-v1"}


def fresh():
    env = GymVecEnv("CartPole-v1", CONFIG.n_envs)
    torch.manual_seed(CONFIG.seed)
    return env, [MLPActorCritic(env.obs_dim, env.n_actions)]


class Interrupt(Exception):
    pass


def test_resume_gives_the_same_result_as_an_uninterrupted_run(tmp_path):
    env, agents = fresh()
    whole = run_training(CONFIG, env, agents, tmp_path / "whole", SPEC, checkpoint_every=1)

    def stop_after_three(done, total):
        if done >= 3 * CONFIG.batch_size:
            raise Interrupt

    env, agents = fresh()
    with pytest.raises(Interrupt):
        run_training(
            CONFIG,
            env,
            agents,
            tmp_path / "cut",
            SPEC,
            checkpoint_every=1,
            progress=stop_after_three,
        )
    assert not (tmp_path / "cut" / POLICY_FILE).exists()
    env, agents = fresh()  # a new process: nothing carried over but the files
    resumed = run_training(CONFIG, env, agents, tmp_path / "cut", SPEC, resume=True)

    def learning(history):  # everything but the wall-clock speed
        return [{k: v for k, v in h.items() if k != "sps"} for h in history]

    assert learning(resumed.history) == learning(whole.history)
    w1, w2 = whole.agents[0].state_dict(), resumed.agents[0].state_dict()
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    lines = (tmp_path / "cut" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(x)["update"] for x in lines] == list(range(1, 7))
    assert any((tmp_path / "cut" / "tb").iterdir())


def test_policy_file_loads_into_fresh_agents(tmp_path):
    env, agents = fresh()
    run_training(CONFIG, env, agents, tmp_path, SPEC)
    _, other = fresh()
    meta = load_policy(tmp_path / POLICY_FILE, other)
    assert meta["spec"] == SPEC and meta["env_steps"] == CONFIG.n_updates * CONFIG.batch_size
    assert all(torch.equal(agents[0].state_dict()[k], v) for k, v in other[0].state_dict().items())


def test_refusals_existing_run_mismatch_and_corruption(tmp_path):
    env, agents = fresh()
    run_training(CONFIG, env, agents, tmp_path, SPEC)
    env, agents = fresh()
    with pytest.raises(FileExistsError, match="--resume"):
        run_training(CONFIG, env, agents, tmp_path, SPEC)
    with pytest.raises(CheckpointError, match="different run"):
        run_training(CONFIG, env, agents, tmp_path, {"env": "other"}, resume=True)
    with pytest.raises(CheckpointError, match="different PPO config"):
        run_training(
            PPOConfig(**{**CONFIG.to_dict(), "gamma": 0.5}),
            env,
            agents,
            tmp_path,
            SPEC,
            resume=True,
        )
    state = tmp_path / STATE_FILE
    state.write_bytes(state.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="corrupt"):
        run_training(CONFIG, env, agents, tmp_path, SPEC, resume=True)
