"""Compare runs: many seeds of two policies in the same worlds, side by side.

Both policies play the same seeds (one episode each, all seeds batched in one world array),
so differences come from the policies, not from the worlds they met. A comparison reports
its progress after every step of a batch, with the time left estimated by a
:class:`Countdown` from what the steps run so far have cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass
class Countdown:
    """The time left of each policy's ``steps`` steps, from the measured cost of its steps so
    far (a learned policy's step costs many times a baseline's, so each is timed on its own
    and a policy not yet started is not priced)."""

    steps: int
    clock: Callable[[], float] = time.perf_counter
    done: int = 0
    _started: float = field(default=0.0, init=False)

    def start_policy(self) -> None:
        """A new policy starts: none of its steps done, timed from now."""
        self.done, self._started = 0, self.clock()

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current policy are done."""
        self.done += steps

    def seconds_left(self) -> float | None:
        """Seconds until the current policy's steps are done; None before any step."""
        if self.done <= 0:
            return None
        return (self.clock() - self._started) / self.done * max(self.steps - self.done, 0)

    def describe(self, policy: str, then: str | None) -> str:
        """What runs now, about how long it has left and what follows, e.g. "trained: about
        12 s left, then scripted"."""
        left = self.seconds_left()
        now = "timing its first step" if left is None else f"about {left:.0f} s left"
        return f"{policy}: {now}" + (f", then {then}" if then else "")


Progress = Callable[[int, int, str], None]
"""Told (steps done, steps in all, what runs now and the time left) after every step."""


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
    progress: Progress | None = None,
) -> Comparison:
    """Run ``episodes`` seeds from ``first_seed`` with each policy; InvalidInput if bad.

    ``progress``, if given, hears after every step of each policy's batch of episodes."""
    request = validate(scenario, steps, first_seed, policy_a)
    other = choice("policy", policy_b, POLICY_LABELS)
    if other == request.policy:
        raise InvalidInput(f"choose two different policies; both are {other!r}")
    n = whole_number("episodes", episodes, MIN_EPISODES, MAX_EPISODES)
    seeds = list(range(request.seed, request.seed + n))
    params = WorldParams(scenario=request.scenario, max_cycles=request.steps)
    metrics, survival = {}, {}
    countdown = Countdown(request.steps)
    order = (request.policy, other)
    for i, policy in enumerate(order):
        agents = load(policy, params, seeds[0])
        then = order[i + 1] if i + 1 < len(order) else None

        def step(count: int, policy: str = policy, then: str | None = then, i: int = i) -> None:
            countdown.advance(count)
            if progress is not None:
                done = i * request.steps + countdown.done
                progress(done, len(order) * request.steps, countdown.describe(policy, then))

        countdown.start_policy()
        m = metrics[policy] = run_episodes(params, agents, seeds, progress=step).metrics
        survival[policy] = wilson(int(np.sum(m["child_survived"])), n)
    return Comparison(request.scenario, request.steps, seeds, metrics, survival)
