"""Validation of a run's inputs, shared by the page and the API, with messages people read.

Every check raises :class:`InvalidInput` (a ValueError) whose message names the input, the
allowed values and what was given; the UI turns it into a ``gr.Error`` so that the page and
``gradio_client`` callers both see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCENARIO_LABELS: dict[str, str] = {
    "caretaking": "Caretaking (parent–child)",
    "crisis": "Crisis (self-sacrifice)",
}
POLICY_LABELS: dict[str, str] = {
    "trained": "Trained agents",
    "untrained": "Untrained agents",
    "random": "Random (baseline)",
    "scripted": "Scripted (baseline)",
}
MIN_STEPS, MAX_STEPS, DEFAULT_STEPS = 50, 500, 100
MAX_SEED = 2**31 - 1
MIN_EPISODES, MAX_EPISODES = 2, 100


class InvalidInput(ValueError):
    """An input outside its allowed range or set; the message says which and why."""


@dataclass(frozen=True)
class RunRequest:
    """One episode to run: a valid scenario, length, seed and policy."""

    scenario: str
    steps: int
    seed: int
    policy: str


def whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; accepts ints, integral floats and digit strings."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = float(value.strip())
    if number is None or not math.isfinite(number) or number != int(number):
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    if not low <= number <= high:
        raise InvalidInput(f"{name} must be from {low} to {high}; got {int(number)}")
    return int(number)


def choice(name: str, value: object, allowed: dict[str, str]) -> str:
    """``value`` if it is one of ``allowed``'s keys (or labels), as the key."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in allowed:
            return key
        for k, label in allowed.items():
            if value == label:
                return k
    raise InvalidInput(f"unknown {name} {value!r}; expected one of: {', '.join(allowed)}")


def validate(scenario: object, steps: object, seed: object, policy: object) -> RunRequest:
    """A checked :class:`RunRequest`; InvalidInput naming the first bad input."""
    return RunRequest(
        scenario=choice("scenario", scenario, SCENARIO_LABELS),
        steps=whole_number("steps", steps, MIN_STEPS, MAX_STEPS),
        seed=whole_number("seed", seed, 0, MAX_SEED),
        policy=choice("policy", policy, POLICY_LABELS),
    )
