"""Training runs on disk: metrics, checkpoints, and resume equivalence (on CartPole)."""

import itertools
import json
import math
import os
import stat

import pytest
import torch
from safetensors import safe_open

from emotion_engine.agents.mlp import MLPActorCritic
from emotion_engine.agents.policy_file import POLICY_FILE, load_policy
from emotion_engine.checkpoint import CheckpointError
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.gym_vec import GymVecEnv
from emotion_engine.training.run import STATE_FILE, RunFolderError, run_training

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
    with pytest.raises(RunFolderError, match="--resume"):
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


def test_a_run_killed_after_a_timed_checkpoint_resumes_identically(tmp_path):
    env, agents = fresh()
    whole = run_training(CONFIG, env, agents, tmp_path / "whole", SPEC)
    clock = itertools.count().__next__  # one second per reading: the start, then per update
    timed = {"checkpoint_every": 100, "checkpoint_seconds": 2.5, "clock": clock}

    def stop_after_four(done, total):
        if done >= 4 * CONFIG.batch_size:
            raise Interrupt

    env, agents = fresh()
    with pytest.raises(Interrupt):
        run_training(CONFIG, env, agents, tmp_path / "cut", SPEC, progress=stop_after_four, **timed)
    # read at 0 (start), 1, 2, 3 (after update 3: 3 s since the start, saved), 4 (saved at),
    # 5 (after update 4: 1 s since the save)
    assert json.loads((tmp_path / "cut" / "state.json").read_text())["update"] == 4
    env, agents = fresh()
    resumed = run_training(CONFIG, env, agents, tmp_path / "cut", SPEC, resume=True, **timed)
    w1, w2 = whole.agents[0].state_dict(), resumed.agents[0].state_dict()
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    assert [h["update"] for h in resumed.history] == list(range(1, 7))


@pytest.mark.parametrize("seconds", [0.0, -1.0, math.nan, math.inf, 86_401.0])
def test_checkpoint_seconds_out_of_range_are_refused_before_any_file(tmp_path, seconds):
    env, agents = fresh()
    with pytest.raises(ValueError, match=r"checkpoint_seconds must lie in \(0, 86400\]"):
        run_training(CONFIG, env, agents, tmp_path / "run", SPEC, checkpoint_seconds=seconds)
    assert not (tmp_path / "run").exists()


def test_stale_temporaries_are_removed_and_files_get_a_normal_mode(tmp_path):
    stale = [".state.safetensors.k2x_9abc.tmp", ".metrics.jsonl.abcdefgh.tmp"]
    kept = [".notes.tmp", "notes.txt", ".state.safetensors.short.tmp"]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"")
    old = os.umask(0o022)
    try:
        env, agents = fresh()
        run_training(CONFIG, env, agents, tmp_path, SPEC)
    finally:
        os.umask(old)
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {*kept, "state.safetensors", "state.json", POLICY_FILE, "policy.json",
                     "metrics.jsonl", "tb"}  # fmt: skip
    for name in ("state.safetensors", "state.json", POLICY_FILE, "policy.json", "metrics.jsonl"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    (tmp_path / stale[0]).write_bytes(b"")  # a kill during a later write, then a resume
    env, agents = fresh()
    run_training(CONFIG, env, agents, tmp_path, SPEC, resume=True)
    assert not (tmp_path / stale[0]).exists()


def test_a_folder_with_a_policy_is_refused_and_overwrite_replaces_only_the_runs_files(tmp_path):
    env, agents = fresh()
    run_training(CONFIG, env, agents, tmp_path / "done", SPEC)
    out = tmp_path / "copy"
    out.mkdir()
    for name in (POLICY_FILE, "policy.json"):
        (out / name).write_bytes((tmp_path / "done" / name).read_bytes())
    (out / "evaluation.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    env, agents = fresh()
    with pytest.raises(RunFolderError, match=r"\(policy.safetensors, policy.json, evaluation"):
        run_training(CONFIG, env, agents, out, SPEC)
    with pytest.raises(RunFolderError, match="give one of them"):
        run_training(CONFIG, env, agents, out, SPEC, resume=True, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    other = PPOConfig(**{**CONFIG.to_dict(), "total_steps": 64})
    run_training(other, env, agents, out, SPEC, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine" and not (out / "evaluation.json").exists()
    assert json.loads((out / "policy.json").read_text())["env_steps"] == 64
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 1


def test_the_shipped_checkpoints_are_never_written(tmp_path, monkeypatch):
    from emotion_engine.agents.policy_file import checkpoint_dir, protected_dirs

    monkeypatch.delenv("EMOTION_ENGINE_CHECKPOINTS", raising=False)
    package = checkpoint_dir()
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(tmp_path / "shipped"))
    assert protected_dirs() == (package, tmp_path / "shipped")
    env, agents = fresh()
    for out in (tmp_path / "shipped", tmp_path / "shipped" / "crisis", package / "new-run"):
        with pytest.raises(RunFolderError, match="inside the shipped checkpoints"):
            run_training(CONFIG, env, agents, out, SPEC, overwrite=True)
        assert not out.exists()


def test_a_file_as_the_folder_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    env, agents = fresh()
    with pytest.raises(RunFolderError, match="is a file"):
        run_training(CONFIG, env, agents, tmp_path / "file", SPEC)
    with pytest.raises(NotADirectoryError):
        run_training(CONFIG, env, agents, tmp_path / "file" / "run", SPEC)
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m.pop("history"), "'history' is missing"),
        (lambda m: m.update(update="3"), "'update' is missing or not of type int"),
        (lambda m: m.update(optimizers=[]), "one optimiser per agent"),
        (lambda m: m.update(update=0), "no valid update"),
    ],
)
def test_a_training_state_header_is_checked_before_resuming(tmp_path, edit, message):
    from safetensors.torch import load_file, save_file

    env, agents = fresh()
    run_training(CONFIG, env, agents, tmp_path, SPEC)
    state = tmp_path / STATE_FILE
    tensors = load_file(state)
    with safe_open(state, framework="pt") as f:
        header = f.metadata()
    meta = json.loads(header["emotion_engine"])
    edit(meta)
    save_file(tensors, state, metadata={"emotion_engine": json.dumps(meta)})
    env, agents = fresh()
    with pytest.raises(CheckpointError, match=message):
        run_training(CONFIG, env, agents, tmp_path, SPEC, resume=True)
