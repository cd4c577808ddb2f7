"""Layer 5: naming what an agent feels with words from the Willcox and Plutchik wheels.

The dominant seed emotion picks a word through *context rules* kept as data
(:data:`CONTEXT_RULES`): the first rule for that emotion whose condition holds and whose word
is on the chosen Willcox version wins; its Willcox core is the ring the word sits on. So
"scared and alone" reads *rejected*, "scared with no control" *helpless*, a pleasant surprise
*excited* and an unpleasant one *confused*.

The seed → Plutchik mapping (:data:`SEED_TO_PLUTCHIK`) is this project's choice: love → trust
(Plutchik's love is the joy+trust dyad), power → anticipation (being in control and looking
ahead); Plutchik's disgust has no seed emotion. Intensity selects the mild / basic / intense
word; a close second emotion names a dyad.

Context features (all in [0, 1] except valence in [−1, 1]); missing ones read as 0, but
``control`` as 0.5: ``alone``, ``threatened``, ``harmed``, ``other_harmed``, ``cared``,
``cared_for``, ``protected_other``, ``loss``, ``novelty``, ``attachment``, ``control``,
``valence``, ``arousal``, and ``intensity`` (filled in from the emotion distribution).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from emotion_engine.affect.primary import EMOTIONS
from emotion_engine.affect.wheels import (
    WILLCOX,
    WillcoxVersion,
    plutchik_dyad,
    plutchik_intensity_word,
    willcox_core_of,
)

SEED_TO_PLUTCHIK: dict[str, str] = {
    "fear": "fear",
    "mad": "anger",
    "joy": "joy",
    "love": "trust",
    "sad": "sadness",
    "surprise": "surprise",
    "power": "anticipation",
}

# (seed emotion, feature, ">" or "<", threshold, word); None feature = the default.
CONTEXT_RULES: tuple[tuple[str, str | None, str, float, str], ...] = (
    ("fear", "alone", ">", 0.5, "rejected"),
    ("fear", "control", "<", 0.3, "helpless"),
    ("fear", "novelty", ">", 0.5, "confused"),
    ("fear", None, "", 0.0, "anxious"),
    ("mad", "intensity", ">", 0.8, "rage"),
    ("mad", "harmed", ">", 0.5, "hurt"),
    ("mad", "other_harmed", ">", 0.5, "hostile"),
    ("mad", None, "", 0.0, "angry"),
    ("joy", "cared_for", ">", 0.5, "playful"),
    ("joy", "arousal", ">", 0.6, "excited"),
    ("joy", None, "", 0.0, "energetic"),
    ("love", "cared", ">", 0.5, "nurturing"),
    ("love", "cared_for", ">", 0.5, "trusting"),
    ("love", "attachment", ">", 0.5, "loving"),
    ("love", None, "", 0.0, "content"),
    ("sad", "loss", ">", 0.5, "depressed"),
    ("sad", "alone", ">", 0.5, "lonely"),
    ("sad", "arousal", "<", 0.25, "sleepy"),
    ("sad", None, "", 0.0, "guilty"),
    ("surprise", "valence", "<", 0.0, "confused"),
    ("surprise", None, "", 0.0, "excited"),
    ("power", "protected_other", ">", 0.5, "proud"),
    ("power", "cared_for", ">", 0.5, "appreciated"),
    ("power", None, "", 0.0, "respected"),
)
"""Context rules, in priority order per seed emotion. Every seed emotion has a default."""

_DEFAULT_CONTEXT = {"control": 0.5}

NEUTRAL = "neutral"
NEUTRAL_INTENSITY = 0.05
"""Below this intensity no emotion stands out: the feeling is ``neutral`` / "relaxed"."""
NEUTRAL_WORD = "relaxed"


@dataclass(frozen=True)
class Feeling:
    """The named feeling of one agent at one instant."""

    emotion: str  # dominant seed emotion, or "neutral" when none stands out
    word: str  # Willcox word chosen by the context rules
    core: str  # its Willcox core
    plutchik: str | None  # Plutchik basic emotion (None when neutral)
    plutchik_word: str | None  # mild / basic / intense word (None when neutral)
    intensity: float  # in [0, 1]
    dyad: str | None  # Plutchik dyad with the second emotion, if close


def intensity(emotions: ArrayLike) -> float:
    """How far the top emotion stands above uniform: 0 at uniform, 1 when it has all mass."""
    p = np.asarray(emotions, dtype=float)
    n = p.shape[-1]
    return float(np.clip((p.max() - 1.0 / n) / (1.0 - 1.0 / n), 0.0, 1.0))


def choose_word(emotion: str, context: Mapping[str, float], version: WillcoxVersion = "A") -> str:
    """The first context rule for ``emotion`` that holds and whose word is on the wheel."""
    on_wheel = {w for c in WILLCOX[version] for w in (c.core, *c.middle, *c.outer)}
    for seed, feature, op, threshold, word in CONTEXT_RULES:
        if seed != emotion or word not in on_wheel:
            continue
        if feature is None:
            return word
        value = context.get(feature, _DEFAULT_CONTEXT.get(feature, 0.0))
        if (op == ">" and value > threshold) or (op == "<" and value < threshold):
            return word
    raise ValueError(f"no context rule names a word for {emotion!r} on Willcox version {version}")


def name_feeling(
    emotions: ArrayLike,
    context: Mapping[str, float] | None = None,
    version: WillcoxVersion = "A",
    dyad_ratio: float = 0.6,
) -> Feeling:
    """Name the feeling of one agent from its primary-emotion distribution (shape (7,)).

    A dyad is named when the second emotion has at least ``dyad_ratio`` of the first's mass.
    Below :data:`NEUTRAL_INTENSITY` the feeling is neutral.
    """
    p = np.asarray(emotions, dtype=float)
    if p.shape != (len(EMOTIONS),):
        raise ValueError(f"name_feeling takes one distribution of shape (7,); got {p.shape}")
    level = intensity(p)
    if level < NEUTRAL_INTENSITY:
        core = willcox_core_of(NEUTRAL_WORD, version)
        return Feeling(NEUTRAL, NEUTRAL_WORD, core, None, None, level, None)
    order = np.argsort(p)[::-1]
    top, second = EMOTIONS[order[0]], EMOTIONS[order[1]]
    ctx = {**_DEFAULT_CONTEXT, **(context or {}), "intensity": level}
    word = choose_word(top, ctx, version)
    basic = SEED_TO_PLUTCHIK[top]
    dyad = None
    if p[order[1]] >= dyad_ratio * p[order[0]]:
        found = plutchik_dyad(basic, SEED_TO_PLUTCHIK[second])
        dyad = found[0] if found else None
    return Feeling(
        emotion=top,
        word=word,
        core=willcox_core_of(word, version),
        plutchik=basic,
        plutchik_word=plutchik_intensity_word(basic, level),
        intensity=level,
        dyad=dyad,
    )
