"""One training run of the parent and child in a world: its spec, world, config and agents.

A run is fully described by a JSON *spec* (scenario, reward mode, ablated intrinsic terms,
whether learning signals drive emotions, network sizes, observation layout) and a
:class:`~emotion_engine.training.config.PPOConfig`; both are stored in every checkpoint and
must match to resume.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import PRIMITIVE_INDEX, build_agents
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.ppo import TrainResult
from emotion_engine.training.run import run_training
from emotion_engine.training.world_env import WorldVecEnv
from emotion_engine.worlds.core import N_ACTIONS, OBS_DIM, SCENARIOS, WorldParams
from emotion_engine.worlds.rewards import REWARD_MODES, RewardWeights

INTRINSIC_TERMS: tuple[str, ...] = ("own_valence", "empathic_joy", "empathic_distress", "bond")
"""The emotional reward terms that ablations switch off (see worlds/rewards.py)."""


def make_spec(
    scenario: str,
    reward_mode: str = "emotional",
    ablate: Sequence[str] = (),
    learning_signals: bool = True,
    agent_config: AgentConfig | None = None,
) -> dict:
    """The JSON description of a run; ValueError for unknown names."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of: {', '.join(SCENARIOS)}")
    if reward_mode not in REWARD_MODES:
        raise ValueError(
            f"unknown reward mode {reward_mode!r}; expected one of: {', '.join(REWARD_MODES)}"
        )
    unknown = sorted(set(ablate) - set(INTRINSIC_TERMS))
    if unknown:
        raise ValueError(
            f"cannot ablate {unknown}; the intrinsic terms are: {', '.join(INTRINSIC_TERMS)}"
        )
    return {
        "scenario": scenario,
        "reward_mode": reward_mode,
        "ablate": sorted(set(ablate)),
        "learning_signals": learning_signals,
        "agent_config": (agent_config or AgentConfig()).to_dict(),
        "obs_dim": OBS_DIM,
        "n_actions": N_ACTIONS,
        "primitive_index": PRIMITIVE_INDEX,
    }


def condition_names() -> tuple[str, ...]:
    """The experiment's conditions: the three reward modes and one ablation per intrinsic term
    (``no_<term>``: emotional reward without that term), plus ``no_learning_signals``."""
    return (*REWARD_MODES, *(f"no_{t}" for t in INTRINSIC_TERMS), "no_learning_signals")


def condition_spec(condition: str, scenario: str, agent_config: AgentConfig | None = None) -> dict:
    """The run spec of a named condition (see :func:`condition_names`)."""
    if condition in REWARD_MODES:
        return make_spec(scenario, condition, agent_config=agent_config)
    if condition == "no_learning_signals":
        return make_spec(scenario, "emotional", learning_signals=False, agent_config=agent_config)
    term = condition.removeprefix("no_")
    if condition.startswith("no_") and term in INTRINSIC_TERMS:
        return make_spec(scenario, "emotional", ablate=[term], agent_config=agent_config)
    raise ValueError(
        f"unknown condition {condition!r}; expected one of: {', '.join(condition_names())}"
    )


def world_params(spec: dict, max_cycles: int = 500) -> WorldParams:
    """The worlds of a run: its scenario and reward mode, ablated terms weighted 0."""
    weights = replace(RewardWeights(), **dict.fromkeys(spec["ablate"], 0.0))
    return WorldParams(scenario=spec["scenario"], reward_mode=spec["reward_mode"], rewards=weights,
                       max_cycles=max_cycles)  # fmt: skip


def default_config(total_steps: int, seed: int, **overrides: object) -> PPOConfig:
    """The project's PPO settings for the worlds: CleanRL-like, 64 envs × 128 steps, and a
    learning rate of 1e-3 (3e-4 barely moved the policy: approx-KL ~0.002 per update)."""
    base = {"total_steps": total_steps, "seed": seed, "n_envs": 64, "n_steps": 128,
            "n_minibatches": 4, "n_epochs": 4, "learning_rate": 1e-3, "ent_coef": 0.01}  # fmt: skip
    return PPOConfig(**(base | overrides))


def train_run(
    spec: dict,
    config: PPOConfig,
    out: str | Path,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    checkpoint_every: int = 10,
) -> TrainResult:
    """Train parent and child for ``spec`` with ``config``, checkpointing into ``out`` every
    ``checkpoint_every`` updates and at the end."""
    env = WorldVecEnv(world_params(spec), config.n_envs, learning_signals=spec["learning_signals"])
    agents = build_agents(AgentConfig(**spec["agent_config"]), seed=config.seed)
    return run_training(config, env, agents, out, spec, resume=resume, progress=progress,
                        checkpoint_every=checkpoint_every)  # fmt: skip
