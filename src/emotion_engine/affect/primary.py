"""Layer 2: the seven primary emotions of the seed, and the Lövheim cube as a second view.

Primary emotions are a softmax over signed weights of the modulators' *activations*
(:func:`~emotion_engine.affect.modulators.activation`: 0 at rest, 1 at the ceiling), divided
by a temperature. At rest every activation is 0, so the seven are equally likely; a stimulus
on one modulator makes its emotion dominant, and when the stimulus ends the distribution
relaxes back with the levels.

Weights (rows: emotion; columns: DA, 5-HT, OXT, NA, ADR, CORT, END). The seed pairs each
emotion with one modulator (fear–adrenaline, mad–endorphins, joy–dopamine, love–oxytocin,
sad–"opposite to dopamine", surprise–noradrenaline, power–serotonin); that pairing is the
+3 diagonal below. sad and power both lean on serotonin in the seed, so sad is carried by
cortisol with *negative* dopamine and serotonin weights, and power by serotonin alone
(docs/references.md, Modulators and emotions). The smaller terms encode the usual
co-activations (fear and anger share arousal; joy and love share warmth; stress hormones
dampen joy and power).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.modulators import MODULATORS, ModulatorParams, activation
from emotion_engine.affect.ops import dot

EMOTIONS: tuple[str, ...] = ("fear", "mad", "joy", "love", "sad", "surprise", "power")
"""The seed's seven primary emotions; the last axis of every emotion array follows this order."""


#                              DA    5-HT   OXT    NA    ADR   CORT   END
EMOTION_WEIGHTS = np.array([
    [ 0.0, -1.0, -0.5,  1.0,  3.0,  1.0,  0.0],  # fear: adrenaline, with arousal and stress
    [ 0.5, -1.0, -0.5,  0.5,  1.0,  0.5,  3.0],  # mad: endorphins, with arousal
    [ 3.0,  0.5,  0.5,  0.0, -1.0, -1.0,  0.5],  # joy: dopamine
    [ 0.5,  0.5,  3.0,  0.0, -0.5, -0.5,  0.5],  # love: oxytocin
    [-1.5, -1.0, -0.5,  0.0,  0.0,  3.0,  0.0],  # sad: cortisol, low dopamine, low serotonin
    [ 0.5,  0.0,  0.0,  3.0,  1.0,  0.0,  0.0],  # surprise: noradrenaline
    [ 0.5,  3.0,  0.0,  0.5,  0.0, -1.0,  0.0],  # power: serotonin
])  # fmt: skip
assert EMOTION_WEIGHTS.shape == (len(EMOTIONS), len(MODULATORS))

EMOTION_MODULATOR: dict[str, str] = {
    "fear": "adrenaline",
    "mad": "endorphins",
    "joy": "dopamine",
    "love": "oxytocin",
    "sad": "cortisol",
    "surprise": "noradrenaline",
    "power": "serotonin",
}
"""The seed's pairing of each primary emotion with the modulator that carries it."""

DEFAULT_TEMPERATURE = 0.8


def softmax(logits: NDArray[np.floating], axis: int = -1) -> NDArray[np.floating]:
    """Numerically stable softmax along ``axis``."""
    z = logits - logits.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z


def primary_emotions(
    levels: ArrayLike,
    params: ModulatorParams,
    temperature: float = DEFAULT_TEMPERATURE,
    weights: NDArray[np.floating] = EMOTION_WEIGHTS,
) -> NDArray[np.floating]:
    """The distribution over the seven primary emotions, shape (..., 7), summing to 1."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature!r}")
    return emotions_from_activation(activation(levels, params), temperature, weights)


def emotions_from_activation(
    modulator_activation: NDArray[np.floating],
    temperature: float = DEFAULT_TEMPERATURE,
    weights: NDArray[np.floating] = EMOTION_WEIGHTS,
) -> NDArray[np.floating]:
    """The primary-emotion distribution from modulator activations (see :func:`activation`)."""
    return softmax(dot(modulator_activation, weights.T / temperature))


def dominant(emotions: ArrayLike) -> NDArray[np.intp]:
    """Index of the most probable emotion along the last axis."""
    return np.argmax(np.asarray(emotions), axis=-1)


# --- The Lövheim cube -------------------------------------------------------------------

LOVHEIM_AFFECTS: tuple[str, ...] = (
    "shame/humiliation",
    "distress/anguish",
    "fear/terror",
    "anger/rage",
    "contempt/disgust",
    "surprise/startle",
    "enjoyment/joy",
    "interest/excitement",
)
"""Lövheim (2012) affects, ordered by (serotonin, dopamine, noradrenaline) as binary L/H:
LLL, LLH, LHL, LHH, HLL, HLH, HHL, HHH. A hypothesis, not a validated model."""

_CUBE_AXES = (
    MODULATORS.index("serotonin"),
    MODULATORS.index("dopamine"),
    MODULATORS.index("noradrenaline"),
)
# corner bits for each affect: (5-HT, DA, NA), 0 = low, 1 = high
_CORNERS = np.array([[(i >> 2) & 1, (i >> 1) & 1, i & 1] for i in range(8)], dtype=float)


def lovheim(levels: ArrayLike, params: ModulatorParams) -> NDArray[np.floating]:
    """Weights of the 8 Lövheim affects, shape (..., 8), summing to 1.

    Each axis coordinate is h = (1 + activation)/2 in [0, 1] (0.5 at rest), and each affect's
    weight is the trilinear interpolation weight of its corner of the cube: the product over
    the three axes of h (for a high corner) or 1 − h (for a low one). At rest all eight are 1/8.
    """
    h = (1.0 + activation(levels, params)[..., _CUBE_AXES]) / 2.0
    h = h[..., None, :]  # (..., 1, 3) against corners (8, 3)
    return np.prod(np.where(_CORNERS == 1, h, 1.0 - h), axis=-1)
