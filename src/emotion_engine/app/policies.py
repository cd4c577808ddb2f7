"""Which policies can run, and whether the shipped (trained) checkpoints load.

The page never claims "trained" unless the checkpoint loaded: :func:`load` refuses with a
:class:`PolicyUnavailable` that says what is missing and offers the untrained agents, and
:func:`trained_status` reports each scenario's checkpoint for the page's banner.
"""

from __future__ import annotations

from dataclasses import dataclass

from emotion_engine.checkpoint import CheckpointError
from emotion_engine.policies import make_policy
from emotion_engine.worlds.core import SCENARIOS, WorldParams
from emotion_engine.worlds.policies import Policy


class PolicyUnavailable(ValueError):
    """A policy that cannot run here (e.g. trained agents without a loadable checkpoint)."""


@dataclass(frozen=True)
class CheckpointStatus:
    """Whether a scenario's trained agents load, and a sentence saying so."""

    scenario: str
    loaded: bool
    message: str


def load(name: str, params: WorldParams, seed: int) -> Policy:
    """The policy ``name`` for these worlds; PolicyUnavailable if its checkpoint fails."""
    try:
        return make_policy(name, params, seed)
    except CheckpointError as e:
        raise PolicyUnavailable(
            f"The trained agents for {params.scenario} are not available ({e}). "
            "Choose 'untrained' to run the same emotional agents with fresh weights."
        ) from None


def trained_status(scenario: str) -> CheckpointStatus:
    """Try to load the trained agents of ``scenario`` and report the outcome."""
    try:
        make_policy("trained", WorldParams(scenario=scenario), 0)
    except CheckpointError as e:
        return CheckpointStatus(scenario, False, str(e))
    return CheckpointStatus(scenario, True, "loaded")


def all_trained_status() -> list[CheckpointStatus]:
    """:func:`trained_status` of every scenario."""
    return [trained_status(s) for s in SCENARIOS]


def refusal_lines(statuses: list[CheckpointStatus]) -> list[str]:
    """One line per scenario whose trained agents did not load, saying why (the server's log)."""
    return [f"trained agents for {s.scenario} not loaded: {s.message}"
            for s in statuses if not s.loaded]  # fmt: skip


def status_markdown(statuses: list[CheckpointStatus]) -> str:
    """A short Markdown banner: which scenarios have trained agents, and why not."""
    if all(s.loaded for s in statuses):
        return "**Trained agents loaded** for " + " and ".join(s.scenario for s in statuses) + "."
    missing = [s for s in statuses if not s.loaded]
    head = (
        "**Trained agents not loaded** for " + " and ".join(s.scenario for s in missing) + ": "
        "runs there use untrained agents (fresh weights) or the baselines, never labelled "
        "trained."
    )
    reasons = "<br>".join(f"<small>{s.scenario}: {s.message}</small>" for s in missing)
    return f"{head}<details><summary>Why</summary>{reasons}</details>"
