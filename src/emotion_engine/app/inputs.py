"""Validation of a run's inputs, shared by the page and the API, with messages people read.

Every check raises :class:`InvalidInput` (a ValueError) whose message names the input, the
allowed values and what was given (cut to :data:`~emotion_engine.text.MAX_ECHO` characters); the UI turns it into a
``gr.Error`` so that the page and ``gradio_client`` callers both see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emotion_engine.text import MAX_ECHO, clip

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
_MAX_WRITTEN_BITS = 4 * 3300
"""Ints of more bits than this have more digits than ``repr`` writes by default (4300)."""
_WHOLE = re.compile(r"\s*[+-]?\d+\s*")


class InvalidInput(ValueError):
    """An input outside its allowed range or set; the message says which and why."""


@dataclass(frozen=True)
class RunRequest:
    """One episode to run: a valid scenario, length, seed and policy."""

    scenario: str
    steps: int
    seed: int
    policy: str


def abridge(message: str, keep: int = MAX_ECHO) -> str:
    """``message`` with its middle cut out if longer than twice ``keep``: the start and end
    are kept (what was refused, and why) around an ellipsis."""
    if len(message) <= 2 * keep:
        return message
    return f"{message[:keep].rstrip()} … {message[-keep:].lstrip()}"


def shown(value: object) -> str:
    """``value`` as an error message repeats it: its repr, cut to :data:`MAX_ECHO` (an int with
    more digits than Python writes out, by its size)."""
    if isinstance(value, int) and value.bit_length() > _MAX_WRITTEN_BITS:
        return f"an integer of {value.bit_length()} bits"
    return clip(repr(value[: MAX_ECHO + 1] if isinstance(value, str) else value))


def _integer(value: object) -> int | None:
    """``value`` as an int if it is an int, an integral float or a digit string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # more digits than int() converts
            return None
    return None


def whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; accepts ints, integral floats and digit strings
    (an empty field, None or blank, is asked for as such)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(f"{name} is empty; enter a whole number from {low} to {high}")
    number = _integer(value)
    if number is None:
        raise InvalidInput(
            f"{name} must be a whole number from {low} to {high}; got {shown(value)}"
        )
    if not low <= number <= high:
        raise InvalidInput(f"{name} must be from {low} to {high}; got {shown(number)}")
    return number


def choice(name: str, value: object, allowed: dict[str, str]) -> str:
    """``value`` if it is one of ``allowed``'s keys (or labels), as the key."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in allowed:
            return key
        for k, label in allowed.items():
            if value == label:
                return k
    raise InvalidInput(f"unknown {name} {shown(value)}; expected one of: {', '.join(allowed)}")


def validate(scenario: object, steps: object, seed: object, policy: object) -> RunRequest:
    """A checked :class:`RunRequest`; InvalidInput naming the first bad input."""
    return RunRequest(
        scenario=choice("scenario", scenario, SCENARIO_LABELS),
        steps=whole_number("steps", steps, MIN_STEPS, MAX_STEPS),
        seed=whole_number("seed", seed, 0, MAX_SEED),
        policy=choice("policy", policy, POLICY_LABELS),
    )
