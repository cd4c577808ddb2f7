"""The neuromodulator lab: one agent's modulators under a person's stimuli, in real time.

A person holds a drive u in [0, 1] on each modulator (sliders) or gives an instant dose
(buttons); every tick an :class:`~emotion_engine.affect.session.EmotionSession` advances the
levels exactly with the chosen temperament's parameters, and the lab reads out layer 2 (the
primary emotions and the dominant one), the mood, layer 5 (the feeling wheel's word) and the
face.

The lab reads every temperament against one yardstick, the :data:`REFERENCE` temperament's
resting levels. The emotion model measures each agent from its *own* rest (activation 0 at
its baseline), so every temperament would read neutral ("relaxed") at rest, the anxious one
too; measured from the reference rest, a temperament's resting levels show as its
disposition: the anxious agent rests anxious, the affectionate one content.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

from emotion_engine.affect import (
    EMOTIONS,
    MODULATORS,
    EmotionSession,
    Feeling,
    core_affect,
    name_feeling,
    primary_emotions,
    resting_levels,
    step_mood,
    temperament,
)
from emotion_engine.affect.primary import EMOTION_MODULATOR, EMOTION_WEIGHTS
from emotion_engine.app.faces import picture
from emotion_engine.face import Animator, face_from_emotions

DOSE = 0.3
"""Level added by one press of a modulator's dose button."""
WINDOW = 60.0
"""Seconds of model time the lab's history keeps."""
REFERENCE = "balanced"
"""The temperament whose resting levels every reading is measured from."""
_REFERENCE_PARAMS = temperament(REFERENCE)
LEADS = {modulator: emotion for emotion, modulator in EMOTION_MODULATOR.items()}
"""Modulator → the primary emotion it carries (the seed's pairing)."""


def reading(levels: ArrayLike) -> NDArray[np.float64]:
    """The primary emotions (7,) of ``levels`` measured from the :data:`REFERENCE` rest."""
    return primary_emotions(levels, _REFERENCE_PARAMS)


def rest_reading(name: str) -> Feeling:
    """The feeling a temperament's resting levels read as."""
    return name_feeling(reading(resting_levels(temperament(name))))


def temperament_note(name: str) -> str:
    """One line: where ``name`` rests apart from the reference, and how that reads."""
    own, ref = temperament(name).baseline, _REFERENCE_PARAMS.baseline
    apart = [
        f"{m} {own[i]:.2f} ({ref[i]:.2f})" for i, m in enumerate(MODULATORS) if own[i] != ref[i]
    ]
    f = rest_reading(name)
    rests = f"rests with {', '.join(apart)}" if apart else "is the reference rest"
    reads = "neutral" if f.emotion == "neutral" else f"{f.emotion}, {f.intensity:.0%}"
    return f"**{name}** {rests}: at rest it reads *{f.word}* ({reads})."


def _weighted(weights: NDArray[np.float64], sign: float) -> str:
    """The modulators whose weights have ``sign``, the strongest first, e.g. "cortisol +3"."""
    order = np.argsort(-np.abs(weights), kind="stable")
    named = [f"{MODULATORS[i]} {weights[i]:+g}" for i in order if np.sign(weights[i]) == sign]
    return ", ".join(named) or "—"


def drive_legend() -> list[tuple[str, str, str]]:
    """(emotion, what raises it, what lowers it) from layer 2's weights: each modulator with
    its weight, the strongest first."""
    return [(e, _weighted(w, 1.0), _weighted(w, -1.0))
            for e, w in zip(EMOTIONS, EMOTION_WEIGHTS, strict=True)]  # fmt: skip


@dataclass(frozen=True)
class Readout:
    """What the lab shows after a tick."""

    levels: NDArray[np.float64]
    emotions: NDArray[np.float64]
    feeling: Feeling
    face: Image.Image
    mood: NDArray[np.float64]


class Lab:
    """One agent's emotion session, its reading, its recent levels and its animated face."""

    def __init__(self, temperament_name: str = "balanced", seed: int = 0) -> None:
        self.temperament = temperament_name
        self.session = EmotionSession(temperament(temperament_name))
        self.mood = core_affect(self.emotions)
        self.times: list[float] = [0.0]
        self.history: list[NDArray[np.float64]] = [self.levels.copy()]
        self.animator = Animator(seed=seed)

    @property
    def levels(self) -> NDArray[np.float64]:
        """The modulator levels now, (7,)."""
        return self.session.levels

    @property
    def emotions(self) -> NDArray[np.float64]:
        """The primary emotions now, (7,), read from the reference rest (:func:`reading`)."""
        return reading(self.levels)

    @property
    def t(self) -> float:
        """Model time in seconds."""
        return self.session.t

    def _remember(self) -> None:
        self.times.append(self.t)
        self.history.append(self.levels.copy())
        while self.times[0] < self.t - WINDOW:
            del self.times[0], self.history[0]

    def dose(self, modulator: str, amount: float = DOSE) -> None:
        """Add an instant dose to one modulator (clipped to its ceiling)."""
        self.session.dose(modulator, amount)
        self._remember()

    def advance(self, drive: ArrayLike, dt: float) -> None:
        """Hold ``drive`` (7,), clipped to [0, 1], for ``dt`` seconds of model time; the mood
        follows the emotions."""
        self.session.hold(np.clip(np.asarray(drive, float), 0, 1))
        self.session.advance(dt)
        self.mood = step_mood(self.mood, self.emotions, dt, self.session.mood_tau)
        self._remember()

    def readout(self, face_dt: float = 0.2, true_pixels: bool = False) -> Readout:
        """Emotions, mood, the named feeling and the face, animated ``face_dt`` seconds further.

        The lab names the feeling from the emotions alone, without the mood as context.
        """
        emotions = self.emotions
        self.animator.target = face_from_emotions(emotions)
        face = picture(self.animator.update(face_dt), true_pixels)
        return Readout(self.levels.copy(), emotions, name_feeling(emotions), face, self.mood)

    def recent(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(times (k,), levels (k, 7)) of the last :data:`WINDOW` seconds."""
        return np.asarray(self.times), np.stack(self.history)
