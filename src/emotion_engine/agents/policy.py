"""Emotional agents acting in the worlds: building them, loading shipped checkpoints, and
the ``trained`` / ``untrained`` policies that ``simulate``, ``evaluate`` and the app use.

Shipped checkpoints live in ``checkpoints/<scenario>/policy.safetensors`` (override the folder
with the environment variable ``EMOTION_ENGINE_CHECKPOINTS``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray

from emotion_engine.agents import configure_torch
from emotion_engine.agents.actor import NumpyActor, sample
from emotion_engine.agents.emotional import AgentConfig, EmotionalAgent
from emotion_engine.training.checkpoint import CheckpointError
from emotion_engine.training.run import POLICY_FILE, load_policy
from emotion_engine.worlds.core import (
    AGENTS,
    N_ACTIONS,
    OBS_DIM,
    OBS_FEATURES,
    WorldParams,
    WorldState,
)

PRIMITIVE_INDEX: list[int] = [
    i for i, f in enumerate(OBS_FEATURES) if f[0].startswith("own_social_")
]


def build_agents(config: AgentConfig | None = None, seed: int = 0) -> list[EmotionalAgent]:
    """One freshly initialised emotional agent per world agent (parent, child), seeded."""
    configure_torch()
    torch.manual_seed(seed)
    return [EmotionalAgent(OBS_DIM, N_ACTIONS, PRIMITIVE_INDEX, config) for _ in AGENTS]


def checkpoint_dir() -> Path:
    """Where shipped checkpoints are looked for."""
    env = os.environ.get("EMOTION_ENGINE_CHECKPOINTS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "checkpoints"


def shipped_policy_path(scenario: str) -> Path:
    """The shipped policy file of a scenario (it may not exist)."""
    return checkpoint_dir() / scenario / POLICY_FILE


def load_agents(path: str | Path) -> tuple[list[EmotionalAgent], dict]:
    """Agents built with the sizes recorded in a policy checkpoint, loaded from it."""
    from emotion_engine.training.checkpoint import load_checkpoint

    _, meta = load_checkpoint(path, kind="policy")
    spec = meta.get("spec", {})
    if spec.get("obs_dim") != OBS_DIM or spec.get("n_actions") != N_ACTIONS:
        raise CheckpointError(
            f"{path} was trained on observations of {spec.get('obs_dim')} features and "
            f"{spec.get('n_actions')} actions; these worlds have {OBS_DIM} and {N_ACTIONS}. "
            "Retrain it (make checkpoints)."
        )
    agents = build_agents(AgentConfig(**spec["agent_config"]))
    load_policy(path, agents)
    return agents, meta


class LearnedPolicy:
    """Emotional agents as a world policy: sample actions (or take the most likely ones).

    Acting runs :class:`~emotion_engine.agents.actor.NumpyActor`, a snapshot of the agents'
    weights taken here (rebuild the policy after changing them). A call returns the actions
    and ``{"complex_emotions": (n, 2, 4)}``, the agents' complex emotions, which the runner
    records.
    """

    def __init__(self, agents: list[EmotionalAgent], seed: int = 0, greedy: bool = False) -> None:
        self.agents = agents
        self.actor = NumpyActor(agents)
        self.greedy = greedy
        self.rng = np.random.default_rng(seed)

    def __call__(
        self, state: WorldState, obs: NDArray[np.float32]
    ) -> tuple[NDArray[np.int64], dict[str, NDArray]]:
        logits, complex_emotions = self.actor(obs)
        actions = logits.argmax(-1) if self.greedy else sample(logits, self.rng)
        return actions, {"complex_emotions": complex_emotions}


def trained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """The shipped agents of ``params.scenario``; CheckpointError if missing or unusable."""
    path = shipped_policy_path(params.scenario)
    if not path.is_file():
        raise CheckpointError(
            f"no trained checkpoint for {params.scenario} at {path}; "
            "make it with `make checkpoints`, or use the untrained policy"
        )
    agents, _ = load_agents(path)
    return LearnedPolicy(agents, seed)


def untrained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """Emotional agents with fresh random weights (seeded): the 'before learning' control."""
    return LearnedPolicy(build_agents(seed=seed), seed)
