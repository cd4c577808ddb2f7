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

import torch
from torch import nn

from emotion_engine import checkpoint as ck
from emotion_engine.agents.emotional import SIZE_LIMITS, AgentConfig, EmotionalAgent
from emotion_engine.agents.policy import LearnedPolicy, build_agents, primitive_index
from emotion_engine.worlds.core import N_ACTIONS, SCENARIOS
from emotion_engine.worlds.family import MAX_CHILDREN
from emotion_engine.worlds.spec import obs_dim

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
    _load_weights(agents, tensors, str(path))
    return meta


class ScenarioMismatch(ck.CheckpointError):
    """A policy file trained for another scenario than the one asked for."""

    def __init__(self, path: str | Path, trained_for: str, scenario: str) -> None:
        super().__init__(f"{path} holds agents trained for {trained_for}, not {scenario}")
        self.path = str(path)
        self.trained_for = trained_for


def load_agents(path: str | Path, scenario: str | None = None) -> tuple[list[EmotionalAgent], dict]:
    """Agents built with the sizes and family recorded in a policy file (of ``scenario`` when
    given), loaded from it; returns (agents, metadata).

    The header and every tensor's name, shape and dtype are checked before any network is
    built (CheckpointError saying what is wrong), so a header that claims huge sizes costs
    nothing.
    """
    tensors, meta = ck.load_checkpoint(path, kind="policy")
    config, n_children = _policy_config(meta.get("spec"), str(path), scenario)
    ck.check_tensors(tensors, _meta_tensors(config, n_children), str(path))
    agents = build_agents(config, n_children=n_children)
    _load_weights(agents, tensors, str(path))
    return agents, meta


def learned_policy(path: str | Path, scenario: str | None = None, seed: int = 0) -> LearnedPolicy:
    """The agents of a policy file (:func:`load_agents`) as a policy that acts as they were
    trained: without learning signals if their run had none, the child network acting for
    every child of the family it was trained in."""
    agents, meta = load_agents(path, scenario)
    return LearnedPolicy(
        agents, seed, learning_signals=meta["spec"].get("learning_signals") is not False
    )


def _policy_config(
    spec: object, source: str, scenario: str | None = None
) -> tuple[AgentConfig, int]:
    """The agents' sizes and number of children in a policy file's ``spec`` (1 where it
    names none), once it is known to fit these worlds (observation layout of its family,
    actions, primitive positions) and ``scenario`` when given."""
    if not isinstance(spec, dict):
        raise ck.CheckpointError(f"{source} has no run spec (a JSON object under 'spec')")
    trained_for = spec.get("scenario")
    if trained_for not in SCENARIOS:
        raise ck.CheckpointError(
            f"{source} was trained for scenario {ck.shown(trained_for)}; "
            f"the scenarios are {', '.join(SCENARIOS)}"
        )
    if scenario is not None and trained_for != scenario:
        raise ScenarioMismatch(source, trained_for, scenario)
    n = spec.get("n_children", 1)
    if type(n) is not int or not 1 <= n <= MAX_CHILDREN:
        raise ck.CheckpointError(
            f"{source} was trained for families of {ck.shown(n)} children; "
            f"these worlds hold 1 to {MAX_CHILDREN}"
        )
    family = "" if n == 1 else f" (for {n} children)"
    if spec.get("obs_dim") != obs_dim(n) or spec.get("n_actions") != N_ACTIONS:
        raise ck.CheckpointError(
            f"{source} was trained on observations of {ck.shown(spec.get('obs_dim'))} features "
            f"and {ck.shown(spec.get('n_actions'))} actions; these worlds have {obs_dim(n)}"
            f"{family} and {N_ACTIONS}. Retrain it (make checkpoints)."
        )
    if spec.get("primitive_index") != primitive_index(n):
        raise ck.CheckpointError(
            f"{source} reads the social primitives at {ck.shown(spec.get('primitive_index'))}; "
            f"these worlds have them at {primitive_index(n)}{family}"
        )
    sizes = spec.get("agent_config")
    if not isinstance(sizes, dict) or set(sizes) - {"composer"} != set(SIZE_LIMITS):
        raise ck.CheckpointError(
            f"{source}: agent_config must be an object of exactly {', '.join(SIZE_LIMITS)} "
            f"(and optionally composer); got {ck.shown(sizes)}"
        )
    try:
        return AgentConfig(**sizes), n
    except ValueError as e:
        raise ck.CheckpointError(f"{source}: agent_config {e}") from None


def _meta_tensors(config: AgentConfig, n_children: int = 1) -> dict[str, torch.Tensor]:
    """The tensors of a policy file of agents with ``config`` for families of ``n_children``,
    as meta tensors: their names, shapes and dtypes, without memory or computation."""
    with torch.device("meta"):
        agents = build_agents(config, n_children=n_children)
    return {k: v for i, agent in enumerate(agents)
            for k, v in ck.module_tensors(agent, f"agent_{i}.").items()}  # fmt: skip


def _load_weights(agents: list[nn.Module], tensors: dict[str, torch.Tensor], source: str) -> None:
    for i, agent in enumerate(agents):
        ck.load_module_state(agent, tensors, f"agent_{i}.", source=source)


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
    return load_agents(path, scenario)[0]
