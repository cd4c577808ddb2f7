"""The agents' policy file (``policy.safetensors``): the weights of every agent of a run and
its spec, which training writes and evaluation, the app and the command line load.

Shipped checkpoints are package data: ``emotion_engine/checkpoints/<scenario>/policy.safetensors``
inside the installed package (override the folder with the environment variable
``EMOTION_ENGINE_CHECKPOINTS``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from torch import nn

from emotion_engine import checkpoint as ck
from emotion_engine.agents.emotional import AgentConfig, EmotionalAgent
from emotion_engine.agents.policy import build_agents
from emotion_engine.worlds.core import N_ACTIONS, OBS_DIM

POLICY_FILE = "policy.safetensors"


def save_policy(path: Path, agents: list[nn.Module], spec: dict, extra: dict) -> Path:
    """The agents' weights alone, with the run's spec (what the app and evaluation load)."""
    tensors = {}
    for i, agent in enumerate(agents):
        tensors.update(ck.module_tensors(agent, f"agent_{i}."))
    return ck.save_checkpoint(path, tensors, {"kind": "policy", "spec": spec, **extra})


def load_policy(
    path: str | Path, agents: list[nn.Module], spec_check: Callable[[dict], None] | None = None
) -> dict:
    """Load agent weights saved by :func:`save_policy` into ``agents``; returns the metadata."""
    tensors, meta = ck.load_checkpoint(path, kind="policy")
    if spec_check is not None:
        spec_check(meta["spec"])
    for i, agent in enumerate(agents):
        ck.load_module_state(agent, tensors, f"agent_{i}.", source=str(path))
    return meta


def load_agents(path: str | Path) -> tuple[list[EmotionalAgent], dict]:
    """Agents built with the sizes recorded in a policy file, loaded from it."""
    _, meta = ck.load_checkpoint(path, kind="policy")
    spec = meta.get("spec", {})
    if spec.get("obs_dim") != OBS_DIM or spec.get("n_actions") != N_ACTIONS:
        raise ck.CheckpointError(
            f"{path} was trained on observations of {spec.get('obs_dim')} features and "
            f"{spec.get('n_actions')} actions; these worlds have {OBS_DIM} and {N_ACTIONS}. "
            "Retrain it (make checkpoints)."
        )
    agents = build_agents(AgentConfig(**spec["agent_config"]))
    load_policy(path, agents)
    return agents, meta


def checkpoint_dir() -> Path:
    """Where shipped checkpoints are looked for: ``$EMOTION_ENGINE_CHECKPOINTS``, else the
    package's own ``checkpoints`` folder."""
    env = os.environ.get("EMOTION_ENGINE_CHECKPOINTS")
    return Path(env) if env else _package_checkpoints()


def protected_dirs() -> tuple[Path, ...]:
    """The folders of shipped checkpoints, which no run may write into: the package's own
    and the one :func:`checkpoint_dir` names."""
    return tuple(dict.fromkeys((_package_checkpoints(), checkpoint_dir())))


def _package_checkpoints() -> Path:
    return Path(str(resources.files("emotion_engine") / "checkpoints"))


def shipped_policy_path(scenario: str) -> Path:
    """The shipped policy file of a scenario (it may not exist)."""
    return checkpoint_dir() / scenario / POLICY_FILE


def shipped_agents(scenario: str) -> list[EmotionalAgent]:
    """The shipped agents of ``scenario``; CheckpointError if missing or unusable."""
    path = shipped_policy_path(scenario)
    if not path.is_file():
        raise ck.CheckpointError(
            f"no trained checkpoint for {scenario} at {path}; "
            "make it with `make checkpoints`, or use the untrained policy"
        )
    return load_agents(path)[0]
