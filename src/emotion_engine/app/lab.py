"""The neuromodulator lab: one agent's modulators under a person's stimuli, in real time.

A person holds a drive u in [0, 1] on each modulator (sliders) or gives an instant dose
(buttons); every tick an :class:`~emotion_engine.affect.session.EmotionSession` advances the
levels exactly and the lab reads out layer 2 (the primary emotions and the dominant one), the
mood, layer 5 (the feeling wheel's word) and the face.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

from emotion_engine.affect import EmotionSession, Feeling, name_feeling, temperament
from emotion_engine.app.faces import picture
from emotion_engine.face import Animator, face_from_emotions

DOSE = 0.3
"""Level added by one press of a modulator's dose button."""
WINDOW = 60.0
"""Seconds of model time the lab's history keeps."""


@dataclass(frozen=True)
class Readout:
    """What the lab shows after a tick."""

    levels: NDArray[np.float64]
    emotions: NDArray[np.float64]
    feeling: Feeling
    face: Image.Image
    mood: NDArray[np.float64]


class Lab:
    """One agent's emotion session, its recent levels and its animated face."""

    def __init__(self, temperament_name: str = "balanced", seed: int = 0) -> None:
        self.temperament = temperament_name
        self.session = EmotionSession(temperament(temperament_name))
        self.times: list[float] = [0.0]
        self.history: list[NDArray[np.float64]] = [self.levels.copy()]
        self.animator = Animator(seed=seed)

    @property
    def levels(self) -> NDArray[np.float64]:
        """The modulator levels now, (7,)."""
        return self.session.levels

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
        """Hold ``drive`` (7,), clipped to [0, 1], for ``dt`` seconds of model time."""
        self.session.hold(np.clip(np.asarray(drive, float), 0, 1))
        self.session.advance(dt)
        self._remember()

    def readout(self, face_dt: float = 0.2, true_pixels: bool = False) -> Readout:
        """Emotions, mood, the named feeling and the face, animated ``face_dt`` seconds further.

        The lab names the feeling from the emotions alone, without the mood as context.
        """
        now = self.session.readout()
        self.animator.target = face_from_emotions(now.primary)
        face = picture(self.animator.update(face_dt), true_pixels)
        return Readout(now.levels.copy(), now.primary, name_feeling(now.primary), face, now.mood)

    def recent(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(times (k,), levels (k, 7)) of the last :data:`WINDOW` seconds."""
        return np.asarray(self.times), np.stack(self.history)
