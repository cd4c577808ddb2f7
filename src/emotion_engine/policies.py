"""The policies registry above the worlds and the agents: every policy that ``evaluate``
and the app run by name — the worlds' baselines (:mod:`emotion_engine.worlds.policies`),
``trained`` (the shipped emotional agents of the scenario) and ``untrained`` (the same
agents with fresh weights, seeded)."""

from __future__ import annotations

from emotion_engine.agents.policy import trained_policy, untrained_policy
from emotion_engine.worlds.core import WorldParams
from emotion_engine.worlds.policies import POLICIES as BASELINES
from emotion_engine.worlds.policies import Policy, PolicyFactory

POLICIES: dict[str, PolicyFactory] = {
    **BASELINES,
    "trained": trained_policy,
    "untrained": untrained_policy,
}
"""Policy name → factory ``(params, seed) -> policy``."""


def make_policy(name: str, params: WorldParams, seed: int = 0) -> Policy:
    """The policy called ``name`` for worlds with ``params``; ValueError listing the names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected one of: {', '.join(POLICIES)}")
    return POLICIES[name](params, seed)
