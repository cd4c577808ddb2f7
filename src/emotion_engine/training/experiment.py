"""One training run of the parent and child in a world: its config, world and agents.

A run is defined by its :class:`~emotion_engine.training.spec.RunSpec` and a
:class:`~emotion_engine.training.config.PPOConfig`; both are stored in every checkpoint and
must match to resume.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emotion_engine.agents.policy import build_agents
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.partners import assign
from emotion_engine.training.ppo import TrainResult
from emotion_engine.training.run import DEFAULT_CHECKPOINT_SECONDS, run_training
from emotion_engine.training.spec import RunSpec
from emotion_engine.training.world_env import WorldVecEnv

MAX_SEED = 2**32 - 1
"""The largest training seed (seeds are 32-bit: numpy's and torch's generators take them)."""


def default_config(total_steps: int, seed: int, **overrides: object) -> PPOConfig:
    """The project's PPO settings for the worlds: CleanRL-like, 64 envs × 128 steps, and a
    learning rate of 1e-3 (3e-4 barely moved the policy: approx-KL ~0.002 per update).
    ValueError for a seed outside [0, :data:`MAX_SEED`] or invalid settings."""
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"the seed must lie in [0, {MAX_SEED}]; got {seed}")
    base = {"total_steps": total_steps, "seed": seed, "n_envs": 64, "n_steps": 128,
            "n_minibatches": 4, "n_epochs": 4, "learning_rate": 1e-3, "ent_coef": 0.01}  # fmt: skip
    return PPOConfig(**(base | overrides))


def train_run(
    spec: RunSpec,
    config: PPOConfig,
    out: str | Path,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    checkpoint_every: int = 10,
    *,
    overwrite: bool = False,
    checkpoint_seconds: float = DEFAULT_CHECKPOINT_SECONDS,
) -> TrainResult:
    """Train parent and child for ``spec`` with ``config`` in ``out``, the envs apportioned
    to the spec's child partners (:func:`~emotion_engine.training.partners.assign`) (see
    :func:`~emotion_engine.training.run.run_training` for the folder, ``overwrite`` and when
    the state is checkpointed); ValueError when ``config.gamma`` is not the worlds'
    ``td_discount`` (the TD error that drives the emotions would not be the one learnt)."""
    params = spec.world_params()
    if config.gamma != params.td_discount:
        raise ValueError(
            f"PPOConfig.gamma = {config.gamma!r} must equal the worlds' td_discount = "
            f"{params.td_discount!r} (the TD error that drives the emotions); set gamma to it"
        )
    env = WorldVecEnv(params, config.n_envs, learning_signals=spec.learning_signals,
                      partners=assign(spec.partners, config.n_envs))  # fmt: skip
    agents = build_agents(spec.agent_config, seed=config.seed, n_children=spec.n_children)
    return run_training(config, env, agents, out, spec.to_dict(), resume=resume,
                        overwrite=overwrite, checkpoint_every=checkpoint_every,
                        checkpoint_seconds=checkpoint_seconds, progress=progress)  # fmt: skip
