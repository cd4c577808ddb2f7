"""A training run on disk: metrics.jsonl, TensorBoard logs, atomic checkpoints and resume.

Layout of ``out/``:

| file                   | what                                                           |
|------------------------|----------------------------------------------------------------|
| ``state.safetensors``  | the last checkpoint: weights, optimiser and env state, history |
| ``state.json``         | its metadata, readable                                         |
| ``policy.safetensors`` | the trained agents alone (see agents/policy_file.py)           |
| ``metrics.jsonl``      | one JSON line per PPO update                                   |
| ``tb/``                | TensorBoard event files                                        |

Resuming restores everything in ``state.safetensors`` and continues; because every update
draws from a generator seeded from (seed, update) and the env state is restored exactly, a resumed run ends
with the same weights as an uninterrupted one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn

from emotion_engine import checkpoint as ck
from emotion_engine.agents.policy_file import POLICY_FILE, save_policy
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.layout import METRICS_FILE, STATE_FILE
from emotion_engine.training.ppo import (
    TrainingState,
    TrainResult,
    UpdateLog,
    VecEnv,
    make_optimizer,
    train,
)


class StatefulVecEnv(VecEnv, Protocol):
    """A VecEnv whose full state can be saved and restored (needed to resume)."""

    def state_dict(self) -> tuple[dict[str, np.ndarray], dict]: ...

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict) -> None: ...


def run_training(
    config: PPOConfig,
    env: StatefulVecEnv,
    agents: list[nn.Module],
    out: str | Path,
    spec: dict,
    *,
    resume: bool = False,
    checkpoint_every: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train with checkpoints in ``out``; ``spec`` (JSON) describes the run and must match on resume.

    Raises:
        FileExistsError: ``out`` already holds a run and ``resume`` is False.
        ck.CheckpointError: resuming from a missing, corrupt or mismatched checkpoint.
    """
    out = Path(out)
    state_path = out / STATE_FILE
    if resume:
        state = _restore(state_path, config, env, agents, spec)
        _rewrite_metrics(out, state.history)
    else:
        if state_path.exists():
            raise FileExistsError(
                f"{out} already holds a training run; pass --resume to continue it or choose another --out"
            )
        out.mkdir(parents=True, exist_ok=True)
        (out / METRICS_FILE).write_text("")
        state = None
    writer = _tensorboard(out)

    def on_update(st: TrainingState, log: UpdateLog) -> None:
        line = log.to_dict()
        with open(out / METRICS_FILE, "a") as f:
            f.write(json.dumps(line) + "\n")
        _log_scalars(writer, line)
        if st.update > config.n_updates or (st.update - 1) % checkpoint_every == 0:
            _save_state(state_path, config, env, agents, spec, st)

    try:
        result = train(config, env, agents, state=state, on_update=on_update, progress=progress)
    finally:
        writer.close()
    if result.stopped_reason == "done":
        save_policy(
            out / POLICY_FILE,
            agents,
            spec,
            {"env_steps": result.env_steps, "config": config.to_dict()},
        )
    return result


def _save_state(
    path: Path,
    config: PPOConfig,
    env: StatefulVecEnv,
    agents: list[nn.Module],
    spec: dict,
    st: TrainingState,
) -> None:
    tensors: dict[str, torch.Tensor | np.ndarray] = {"obs": st.obs}
    optim_meta = []
    for i, (agent, opt) in enumerate(zip(agents, st.optimizers, strict=True)):
        tensors.update(ck.module_tensors(agent, f"agent_{i}."))
        t, extra = ck.optimizer_tensors(opt, f"optim_{i}.")
        tensors.update(t)
        optim_meta.append(extra)
    env_arrays, env_meta = env.state_dict()
    tensors.update({f"env.{k}": v for k, v in env_arrays.items()})
    meta = {"kind": "training-state", "spec": spec, "config": config.to_dict(), "update": st.update,
            "history": st.history, "optimizers": optim_meta, "env": env_meta}  # fmt: skip
    ck.save_checkpoint(path, tensors, meta)


def _restore(
    path: Path, config: PPOConfig, env: StatefulVecEnv, agents: list[nn.Module], spec: dict
) -> TrainingState:
    tensors, meta = ck.load_checkpoint(path, kind="training-state")
    for name, mine, theirs in (
        ("run", spec, meta["spec"]),
        ("PPO config", config.to_dict(), meta["config"]),
    ):
        if mine != theirs:
            diff = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
            raise ck.CheckpointError(
                f"{path} was made with a different {name} (differs in: {', '.join(diff)}); resume with the same settings"
            )
    optimizers = []
    for i, agent in enumerate(agents):
        ck.load_module_state(agent, tensors, f"agent_{i}.", source=str(path))
        opt = make_optimizer(agent, config)
        ck.load_optimizer(opt, tensors, f"optim_{i}.", meta["optimizers"][i])
        optimizers.append(opt)
    env.load_state_dict(
        {k[4:]: v.numpy() for k, v in tensors.items() if k.startswith("env.")}, meta["env"]
    )
    return TrainingState(meta["update"], tensors["obs"].numpy(), optimizers, meta["history"])


def _rewrite_metrics(out: Path, history: list[dict]) -> None:
    # lines written after the checkpoint would be repeated by the resumed run: drop them
    (out / METRICS_FILE).write_text("".join(json.dumps(h) + "\n" for h in history))


def _tensorboard(out: Path):
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(out / "tb"))


def _log_scalars(writer, line: dict) -> None:
    step = line["env_steps"]
    writer.add_scalar("charts/sps", line["sps"], step)
    for key, value in line.items():
        if key.startswith("episode_"):
            writer.add_scalar(f"episodes/{key[8:]}", value, step)
    for i, agent in enumerate(line["agents"]):
        for key, value in agent.items():
            writer.add_scalar(f"agent_{i}/{key}", value, step)
