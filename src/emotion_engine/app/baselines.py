"""The same episode with other agents, for the summary's context: is attachment 0.72 good?

Baseline episodes are run on demand, for the same scenario, seed and length: the world is fast
(a 100-step episode takes about a tenth of a second), so no table of precomputed numbers is
needed and any seed the page is given has its context.
"""

from __future__ import annotations

from dataclasses import replace

from emotion_engine.app.episode import Episode
from emotion_engine.app.inputs import RunRequest

CONTEXT = ("trained", "untrained", "scripted")
"""The agents whose figures stand beside a run's: learned with and without training, and the
hand-written caring rule."""


def context_policies(policy: str, trained_loaded: bool) -> tuple[str, ...]:
    """The agents to compare a run of ``policy`` with: :data:`CONTEXT` but itself, and but the
    trained ones when their checkpoint does not load."""
    return tuple(p for p in CONTEXT if p != policy and (trained_loaded or p != "trained"))


def baseline_summaries(request: RunRequest, policies: tuple[str, ...]) -> dict[str, dict]:
    """Policy → the summary of ``request``'s episode run with that policy instead."""
    return {p: Episode(replace(request, policy=p)).run() for p in policies}
