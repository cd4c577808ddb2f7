"""The policies registry: every policy that ``simulate``, ``evaluate``, the app and the
benchmarks run by name.

| policy                          | what                                                   |
|---------------------------------|--------------------------------------------------------|
| `random`, `scripted`, `selfish` | the baselines of :mod:`emotion_engine.worlds.policies` |
| `trained`                       | the shipped emotional agents of the scenario           |
| `untrained`                     | the same agents with fresh weights (seeded)            |

It sits above the worlds and the agents, so neither needs to know the other's policies. The
agents (torch) are imported only when a learned policy is asked for, so the baselines run
without loading torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emotion_engine.worlds.core import WorldParams
from emotion_engine.worlds.policies import POLICIES as BASELINES
from emotion_engine.worlds.policies import Policy, PolicyFactory

if TYPE_CHECKING:
    from emotion_engine.agents.policy import LearnedPolicy


def trained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """The shipped agents of ``params.scenario``; CheckpointError if missing or unusable."""
    from emotion_engine.agents.policy import LearnedPolicy
    from emotion_engine.agents.policy_file import shipped_agents

    return LearnedPolicy(shipped_agents(params.scenario), seed)


def untrained_policy(params: WorldParams, seed: int = 0) -> LearnedPolicy:
    """Emotional agents with fresh random weights (seeded): the 'before learning' control."""
    from emotion_engine.agents.policy import LearnedPolicy, build_agents

    return LearnedPolicy(build_agents(seed=seed), seed)


LEARNED_POLICIES: tuple[str, ...] = ("trained", "untrained")
"""The policies that run torch networks (their entry points set torch's threads)."""


POLICIES: dict[str, PolicyFactory] = {
    **BASELINES,
    **dict(zip(LEARNED_POLICIES, (trained_policy, untrained_policy), strict=True)),
}
"""Policy name → factory ``(params, seed) -> policy``."""

POLICY_NAMES: tuple[str, ...] = tuple(POLICIES)


def make_policy(name: str, params: WorldParams, seed: int = 0) -> Policy:
    """The policy called ``name`` for worlds with ``params``; ValueError listing the names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected one of: {', '.join(POLICY_NAMES)}")
    return POLICIES[name](params, seed)
