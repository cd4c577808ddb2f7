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

``out`` must not hold a run's files (those above and ``evaluation.json``, the evaluation of a
policy) unless the run is resumed or ``overwrite`` replaces them, and it is never inside the
shipped checkpoints. The state is saved after an update once ``checkpoint_seconds`` have passed
since the last save, after every ``checkpoint_every``-th update, and after the last one; when
it is saved changes nothing in what is trained. Temporary files that a killed process left in
``out`` are removed when a run starts or resumes.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn

from emotion_engine import checkpoint as ck
from emotion_engine.agents.policy_file import POLICY_FILE, protected_dirs, save_policy
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

DEFAULT_CHECKPOINT_SECONDS = 60.0
"""The default interval between state checkpoints: about the most training a kill loses
(plus the update under way)."""
MAX_CHECKPOINT_SECONDS = 86_400.0
"""The longest interval between state checkpoints that a run accepts (a day)."""
TB_DIR, EVALUATION_FILE = "tb", "evaluation.json"
RUN_FILES = (STATE_FILE, Path(STATE_FILE).with_suffix(".json").name, POLICY_FILE,
             Path(POLICY_FILE).with_suffix(".json").name, METRICS_FILE, TB_DIR,
             EVALUATION_FILE)  # fmt: skip
"""What a run's folder holds: what training writes, and the evaluation of its policy."""


class RunFolderError(ValueError):
    """An ``out`` folder that a run may not write into."""


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
    overwrite: bool = False,
    checkpoint_every: int = 10,
    checkpoint_seconds: float = DEFAULT_CHECKPOINT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train with checkpoints in ``out``; ``spec`` (JSON) describes the run and must match on resume.

    ``overwrite`` removes the run's files already in ``out`` (and nothing else) first.
    ``clock`` (seconds) times the checkpoints.

    Raises:
        ValueError: ``checkpoint_every`` or ``checkpoint_seconds`` out of range.
        RunFolderError: ``out`` is inside the shipped checkpoints, or holds a run's files and
            neither ``resume`` nor ``overwrite`` is given (or both are).
        ck.CheckpointError: resuming from a missing, corrupt or mismatched checkpoint.
        OSError: ``out`` cannot be created or written.
    """
    out = Path(out)
    if not checkpoint_every >= 1:
        raise ValueError(f"checkpoint_every must be >= 1 update; got {checkpoint_every!r}")
    check_checkpoint_seconds(checkpoint_seconds)
    state_path = out / STATE_FILE
    _check_folder(out, resume, overwrite)
    state = _restore(state_path, config, env, agents, spec) if resume else None
    if overwrite:
        _remove_run_files(out)
    out.mkdir(parents=True, exist_ok=True)
    ck.remove_temporaries(out)
    _rewrite_metrics(out, state.history if state else [])
    writer = _tensorboard(out)
    last_save = clock()

    def on_update(st: TrainingState, log: UpdateLog) -> None:
        nonlocal last_save
        line = log.to_dict()
        with open(out / METRICS_FILE, "a") as f:
            f.write(json.dumps(line) + "\n")
        _log_scalars(writer, line)
        done = st.update - 1
        if (
            done >= config.n_updates
            or done % checkpoint_every == 0
            or clock() - last_save >= checkpoint_seconds
        ):
            _save_state(state_path, config, env, agents, spec, st)
            last_save = clock()

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


def check_checkpoint_seconds(seconds: float) -> None:
    """ValueError unless ``seconds`` is finite and in (0, :data:`MAX_CHECKPOINT_SECONDS`]."""
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_CHECKPOINT_SECONDS):
        raise ValueError(
            f"checkpoint_seconds must lie in (0, {MAX_CHECKPOINT_SECONDS:g}]; got {seconds!r}"
        )


def _check_folder(out: Path, resume: bool, overwrite: bool) -> None:
    """Refuse (RunFolderError) a folder this run may not write into; writes nothing."""
    if resume and overwrite:
        raise RunFolderError(
            "--resume continues the run in --out and --overwrite replaces it; give one of them"
        )
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"{out} is a file; give --out a folder (it is made if missing)")
    shipped = next((d for d in protected_dirs() if out.resolve().is_relative_to(d.resolve())), None)
    if shipped is not None:
        raise RunFolderError(
            f"{out} is inside the shipped checkpoints ({shipped}), which training never "
            "writes; train into another --out and copy its policy files there"
        )
    found = [name for name in RUN_FILES if (out / name).exists()]
    if found and not (resume or overwrite):
        raise RunFolderError(
            f"{out} already holds a run's files ({', '.join(found)}); pass --resume to "
            "continue it, --overwrite to replace them, or choose another --out"
        )


def _remove_run_files(out: Path) -> None:
    for name in RUN_FILES:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


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
    _check_state_header(path, meta, tensors, len(agents))
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


_STATE_HEADER: dict[str, type] = {"spec": dict, "config": dict, "update": int, "history": list,
                                  "optimizers": list, "env": dict}  # fmt: skip
"""The training-state header's keys and their JSON types."""


def _check_state_header(path: Path, meta: dict, tensors: dict, n_agents: int) -> None:
    """CheckpointError unless the header has every key of :data:`_STATE_HEADER`, of its type,
    one optimiser entry with ``param_groups`` per agent, and the tensors hold ``obs``."""
    for key, kind in _STATE_HEADER.items():
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise ck.CheckpointError(
                f"{path}: the training state's {key!r} is missing or not of type {kind.__name__}"
            )
    optimizers = meta["optimizers"]
    if len(optimizers) != n_agents or not all(
        isinstance(o, dict) and isinstance(o.get("param_groups"), list) for o in optimizers
    ):
        raise ck.CheckpointError(f"{path}: the training state needs one optimiser per agent")
    if meta["update"] < 1 or "obs" not in tensors:
        raise ck.CheckpointError(f"{path}: the training state has no valid update or observation")


def _rewrite_metrics(out: Path, history: list[dict]) -> None:
    # lines written after the checkpoint would be repeated by the resumed run: drop them
    ck.atomic_write_text(out / METRICS_FILE, "".join(json.dumps(h) + "\n" for h in history))


def _tensorboard(out: Path):
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(out / TB_DIR))


def _log_scalars(writer, line: dict) -> None:
    step = line["env_steps"]
    writer.add_scalar("charts/sps", line["sps"], step)
    for key, value in line.items():
        if key.startswith("episode_"):
            writer.add_scalar(f"episodes/{key[8:]}", value, step)
    for i, agent in enumerate(line["agents"]):
        for key, value in agent.items():
            writer.add_scalar(f"agent_{i}/{key}", value, step)
