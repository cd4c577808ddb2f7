"""Mood: a slow integral of emotion, as (valence, arousal) in [−1, 1] × [0, 1].

Each primary emotion has a fixed position in the valence–arousal plane (:data:`CORE_AFFECT`);
the momentary core affect is the emotion-weighted mean of those positions, and mood follows it
with a first-order lag of time constant ``tau`` (default 60 s), integrated exactly. After a step
input, mood therefore lags emotion with a much longer time constant (after Rutledge et al.
2014; docs/references.md, Phenomena).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.ops import dot
from emotion_engine.affect.primary import EMOTIONS

MOOD_AXES: tuple[str, ...] = ("valence", "arousal")

#                          valence arousal
CORE_AFFECT = np.array([
    [-0.7, 0.9],  # fear
    [-0.6, 0.8],  # mad
    [ 0.8, 0.6],  # joy
    [ 0.7, 0.3],  # love
    [-0.7, 0.2],  # sad
    [ 0.1, 0.9],  # surprise
    [ 0.5, 0.5],  # power
])  # fmt: skip
assert CORE_AFFECT.shape == (len(EMOTIONS), len(MOOD_AXES))
MAX_VALENCE = float(CORE_AFFECT[:, 0].max())
"""The largest valence an emotion distribution can have (all joy)."""

_VALENCE = np.ascontiguousarray(CORE_AFFECT[:, 0])

DEFAULT_MOOD_TAU = 60.0


def core_affect(emotions: ArrayLike) -> NDArray[np.floating]:
    """Momentary (valence, arousal) of an emotion distribution, shape (..., 2)."""
    return dot(emotions, CORE_AFFECT)


def valence(emotions: ArrayLike) -> NDArray[np.floating]:
    """Momentary valence of an emotion distribution, shape (...)."""
    return np.asarray(emotions, dtype=float) @ _VALENCE


def step_mood(
    mood: ArrayLike, emotions: ArrayLike, dt: float, tau: float = DEFAULT_MOOD_TAU
) -> NDArray[np.floating]:
    """Advance mood exactly over ``dt`` towards the core affect of ``emotions``."""
    if not tau > 0:
        raise ValueError(f"mood time constant tau must be > 0; got {tau!r}")
    target = core_affect(emotions)
    return target + (np.asarray(mood, dtype=float) - target) * np.exp(-dt / tau)
