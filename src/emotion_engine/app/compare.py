"""Compare runs: many seeds of two policies in the same worlds, side by side.

Both policies play the same seeds (one episode each, all seeds batched in one world array),
so differences come from the policies, not from the worlds they met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from emotion_engine.app.inputs import (
    MAX_EPISODES,
    MIN_EPISODES,
    POLICY_LABELS,
    InvalidInput,
    choice,
    validate,
    whole_number,
)
from emotion_engine.app.policies import load
from emotion_engine.stats import wilson
from emotion_engine.worlds.core import WorldParams
from emotion_engine.worlds.runner import run_episodes


@dataclass(frozen=True)
class Comparison:
    """Per-episode metrics of each policy on the same seeds, and child survival's 95% CI."""

    scenario: str
    steps: int
    seeds: list[int]
    metrics: dict[str, dict[str, NDArray]]
    survival: dict[str, tuple[float, float]]

    def rows(self) -> list[list[object]]:
        """One table row per policy: survival with its interval, and means of the others."""
        out = []
        for policy, m in self.metrics.items():
            low, high = self.survival[policy]
            love = np.asarray(m["parent_maternal_love"], dtype=float)
            out.append(
                [
                    policy,
                    f"{np.mean(m['child_survived']):.0%} ({max(low, 0.0):.0%}–{high:.0%})",
                    round(float(np.mean(m["attachment_parent_child"])), 3),
                    round(float(np.mean(m["shield_events"])), 2),
                    "n/a" if np.isnan(love).all() else round(float(np.nanmean(love)), 3),
                ]
            )
        return out


COLUMNS = (
    "policy",
    "child survival (95% CI)",
    "attachment",
    "shield events",
    "maternal love",
)


def compare(
    scenario: object,
    steps: object,
    episodes: object,
    first_seed: object,
    policy_a: object,
    policy_b: object,
) -> Comparison:
    """Run ``episodes`` seeds from ``first_seed`` with each policy; InvalidInput if bad."""
    request = validate(scenario, steps, first_seed, policy_a)
    other = choice("policy", policy_b, POLICY_LABELS)
    if other == request.policy:
        raise InvalidInput(f"choose two different policies; both are {other!r}")
    n = whole_number("episodes", episodes, MIN_EPISODES, MAX_EPISODES)
    seeds = list(range(request.seed, request.seed + n))
    params = WorldParams(scenario=request.scenario, max_cycles=request.steps)
    metrics, survival = {}, {}
    for policy in (request.policy, other):
        m = metrics[policy] = run_episodes(params, load(policy, params, seeds[0]), seeds).metrics
        survival[policy] = wilson(int(np.sum(m["child_survived"])), n)
    return Comparison(request.scenario, request.steps, seeds, metrics, survival)
