"""Expression presets and blending: from an emotion distribution to a face.

A preset is a point in the face's parameter space (:mod:`emotion_engine.face.params`). A mixed
state is a weighted mix of presets — interpolation in parameter space, the seed's wish for a
GAN latent space without the need for a face dataset:

    face = neutral + intensity · Σₖ wₖ · (presetₖ − neutral),   wₖ ≥ 0,  Σₖ wₖ ≤ 1

(weights summing to more than 1 are scaled down to 1; what is left of 1 is neutral), with
the intensity from 0 to :data:`MAX_INTENSITY`. The result is clipped to the parameters'
bounds.

From the emotion model's distribution p over the seven primary emotions (``EMOTIONS`` order)
the weights are each emotion's excess over the uniform distribution,
wₑ = max(pₑ − 1/7, 0) · 7/6: the rest state (uniform) gives the neutral face, a certain
emotion (pₑ = 1) its full preset, and the map is continuous. Complex emotions the model
names (layer 4: love, grief) add their own weights.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect import EMOTIONS, ModulatorParams, primary_emotions
from emotion_engine.face.params import NEUTRAL, FaceParams, clip, lookup
from emotion_engine.text import clip as clip_text

_PRESET_CHANGES: dict[str, dict[str, float]] = {
    "neutral": {},
    "fear": {
        "eye_w": 22, "eye_h": 29, "eye_x": -2, "round_ui": 0.85, "round_uo": 0.85,
        "round_li": 0.85, "round_lo": 0.85, "lid_l": 0.12, "lid_l_angle": -0.15,
        "brow_y": 0.5, "brow_angle": -0.35, "brow_bend": -1.0,
        "mouth_w": 24, "mouth_curve": -3, "mouth_open": 4, "mouth_thick": 2.5,
    },
    "mad": {
        "eye_h": 24, "lid_u": 0.32, "lid_u_angle": 0.55, "round_ui": 0.3, "round_uo": 0.4,
        "brow_y": -3, "brow_angle": 0.6, "brow_w": 3.5,
        "mouth_w": 28, "mouth_curve": -4, "mouth_thick": 3,
    },
    "joy": {
        "eye_h": 26, "round_ui": 0.75, "round_uo": 0.75, "lid_l": 0.35, "lid_l_bend": 5,
        "brow_y": 2, "brow_bend": 1.5,
        "mouth_w": 38, "mouth_curve": 7, "mouth_open": 7,
    },
    "love": {
        "eye_heart": 1, "eye_w": 28, "eye_h": 26, "eye_y": 1,
        "brow_y": 2, "brow_angle": -0.15, "brow_bend": 1,
        "mouth_w": 26, "mouth_curve": 6, "mouth_open": 1,
    },
    "sad": {
        "eye_y": 2, "eye_h": 24, "lid_u": 0.3, "lid_u_angle": -0.45, "lid_u_bend": 1,
        "brow_angle": -0.5, "brow_bend": -1,
        "mouth_y": 1, "mouth_w": 26, "mouth_curve": -6,
    },
    "surprise": {
        "eye_w": 26, "eye_h": 30, "round_ui": 1, "round_uo": 1, "round_li": 1, "round_lo": 1,
        "brow_y": 3.5, "brow_bend": 2,
        "mouth_w": 14, "mouth_open": 12,
    },
    "power": {
        "face_y": -2, "eye_w": 26, "round_ui": 0.35, "round_uo": 0.35,
        "lid_u": 0.28, "lid_u_angle": 0.1, "lid_l": 0.08,
        "brow_y": -1, "brow_angle": 0.2,
        "mouth_w": 30, "mouth_curve": 3, "mouth_tilt": 4,
    },
    "grief": {
        "eye_y": 3, "eye_h": 24, "lid_u": 0.45, "lid_u_angle": -0.6, "lid_u_bend": 1.5,
        "brow_y": 1, "brow_angle": -0.7, "brow_bend": -2,
        "mouth_y": 2, "mouth_w": 30, "mouth_curve": -9, "mouth_open": 4,
    },
}  # fmt: skip

EXPRESSIONS: tuple[str, ...] = ("neutral", *EMOTIONS, "grief")
"""Every preset: neutral, the seven primary emotions (``EMOTIONS`` order), then grief."""
COMPLEX_PRESETS: tuple[str, ...] = ("love", "grief")
"""Presets of complex feelings (love, grief) with a face of their own, usable as extra blend
weights (what the face draws; layer 4's emotions are in :mod:`emotion_engine.affect.complex`)."""

PRESETS: dict[str, FaceParams] = {
    name: FaceParams.make(**_PRESET_CHANGES[name]) for name in EXPRESSIONS
}
"""Name → face of every expression preset."""

_DELTAS = np.stack([PRESETS[n].values - NEUTRAL for n in EXPRESSIONS])  # (presets, params)
_EMOTION_ROWS = [EXPRESSIONS.index(e) for e in EMOTIONS]


def expression(name: str) -> FaceParams:
    """The face of a preset, with an error that lists the presets."""
    return lookup(PRESETS, name, "expression")


MAX_INTENSITY = 1.5
"""The strongest expression that still draws a face: up to it every preset, and every even
mix of two, keeps at least a fifth of the neutral eye lit; beyond it the lids close over the
eyes (joy's are gone at 2)."""


def _check_intensity(intensity: float) -> float:
    if not 0 <= intensity <= MAX_INTENSITY:
        raise ValueError(
            f"intensity must be from 0 to {MAX_INTENSITY:g} (stronger closes the eyes); "
            f"got {intensity!r}"
        )
    return float(intensity)


def _ordered_sum(terms: Iterable[NDArray[np.float64]]) -> NDArray[np.float64]:
    """The sum of ``terms`` added first to last: numpy's sum and matrix product add in an
    order of their own, the exported C code (:mod:`.c_export`) in this one."""
    return functools.reduce(operator.add, terms)


def blend_vectors(weights: ArrayLike, intensity: float = 1.0) -> NDArray[np.float64]:
    """Faces from preset weights, batched: (..., len(EXPRESSIONS)) → (..., N_PARAMS).

    Weights must be finite and ≥ 0; where they sum to more than 1 they are scaled to 1.
    """
    w = np.asarray(weights, dtype=float)
    if w.shape[-1:] != (len(EXPRESSIONS),):
        raise ValueError(f"need {len(EXPRESSIONS)} weights ({', '.join(EXPRESSIONS)})")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("blend weights must be finite and >= 0")
    total = _ordered_sum(w[..., k, None] for k in range(len(EXPRESSIONS)))
    w = w / np.maximum(total, 1.0)
    mix = _ordered_sum(w[..., k, None] * delta for k, delta in enumerate(_DELTAS))
    return clip(NEUTRAL + _check_intensity(intensity) * mix)


def blend(weights: Mapping[str, float], intensity: float = 1.0) -> FaceParams:
    """A face from preset name → weight, e.g. ``{"joy": 0.6, "surprise": 0.4}``."""
    w = np.zeros(len(EXPRESSIONS))
    for name, value in weights.items():
        expression(name)  # raises for an unknown name
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"weight of {name!r} must be finite and >= 0; got {value!r}")
        w[EXPRESSIONS.index(name)] += value
    return FaceParams(blend_vectors(w, intensity))


def emotion_weights(
    emotions: ArrayLike, complex_emotions: Mapping[str, float] | None = None
) -> NDArray[np.float64]:
    """Preset weights (..., len(EXPRESSIONS)) from distributions over ``EMOTIONS`` (..., 7).

    Each primary emotion weighs its excess over uniform, max(p − 1/7, 0)·7/6, after the
    distribution is normalised to sum 1; ``complex_emotions`` (love, grief) add to theirs.
    """
    p = np.asarray(emotions, dtype=float)
    if p.shape[-1:] != (len(EMOTIONS),):
        raise ValueError(
            f"need a distribution over {len(EMOTIONS)} emotions ({', '.join(EMOTIONS)})"
        )
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("emotion probabilities must be finite and >= 0")
    total = p.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError("emotion probabilities must not all be 0")
    n = len(EMOTIONS)
    excess = np.maximum(p / total - 1.0 / n, 0.0) * (n / (n - 1))
    w = np.zeros((*p.shape[:-1], len(EXPRESSIONS)))
    w[..., _EMOTION_ROWS] = excess
    for name, value in (complex_emotions or {}).items():
        if name not in COMPLEX_PRESETS:
            raise ValueError(
                f"unknown complex emotion {name!r}; expected one of: {', '.join(COMPLEX_PRESETS)}"
            )
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"weight of {name!r} must be finite and >= 0; got {value!r}")
        w[..., EXPRESSIONS.index(name)] += value
    return w


def face_from_emotions(
    emotions: ArrayLike,
    intensity: float = 1.0,
    complex_emotions: Mapping[str, float] | None = None,
) -> FaceParams:
    """The face of one emotion distribution over ``EMOTIONS`` (shape (7,))."""
    if np.shape(emotions) != (len(EMOTIONS),):
        raise ValueError(
            f"need one distribution of shape ({len(EMOTIONS)},); got {np.shape(emotions)}"
        )
    return FaceParams(blend_vectors(emotion_weights(emotions, complex_emotions), intensity))


def face_from_levels(
    levels: ArrayLike,
    params: ModulatorParams,
    intensity: float = 1.0,
    complex_emotions: Mapping[str, float] | None = None,
) -> FaceParams:
    """The face of one agent's modulator levels, through the primary emotions (layer 2)."""
    return face_from_emotions(primary_emotions(levels, params), intensity, complex_emotions)


def parse_blend(text: str) -> dict[str, float]:
    """``"joy=0.6,surprise=0.4"`` → {"joy": 0.6, "surprise": 0.4}, checked."""
    weights: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"blend item {clip_text(repr(item))} is not NAME=WEIGHT")
        try:
            weight = float(value)
        except ValueError:
            raise ValueError(
                f"weight of {clip_text(repr(name))} is not a number: {clip_text(repr(value.strip()))}"
            ) from None
        expression(name)
        if not (np.isfinite(weight) and weight >= 0):
            raise ValueError(
                f"weight of {clip_text(repr(name))} must be finite and >= 0; got {clip_text(value.strip())}"
            )
        if name in weights:
            raise ValueError(f"{clip_text(repr(name))} is given twice; give each expression once")
        weights[name] = weight
    if not weights:
        raise ValueError("empty blend; give NAME=WEIGHT pairs, e.g. joy=0.6,surprise=0.4")
    return weights
