"""Echoing user input in messages: long values are cut, so an error never repeats megabytes."""

from __future__ import annotations

MAX_ECHO = 100
"""Characters of a given value that an error message repeats."""


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
