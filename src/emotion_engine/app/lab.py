"""The neuromodulator lab: one agent's modulators under a person's stimuli, in real time.

A person holds a drive u in [0, 1] on each modulator (sliders) or gives an instant dose
(buttons); every tick the levels advance exactly (:func:`~emotion_engine.affect.step_levels`)
and the lab reads out layer 2 (the primary emotions and the dominant one), layer 5 (the
feeling wheel's word) and the face.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

from emotion_engine.affect import (
    MODULATORS,
    Feeling,
    apply_dose,
    name_feeling,
    primary_emotions,
    resting_levels,
    step_levels,
    temperament,
)
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


class Lab:
    """One agent's modulator levels, their recent history and its animated face."""

    def __init__(self, temperament_name: str = "balanced", seed: int = 0) -> None:
        self.temperament = temperament_name
        self.params = temperament(temperament_name)
        self.levels = resting_levels(self.params)
        self.t = 0.0
        self.times: list[float] = [0.0]
        self.history: list[NDArray[np.float64]] = [self.levels.copy()]
        self.animator = Animator(seed=seed)

    def _remember(self) -> None:
        self.times.append(self.t)
        self.history.append(self.levels.copy())
        while self.times[0] < self.t - WINDOW:
            del self.times[0], self.history[0]

    def dose(self, modulator: str, amount: float = DOSE) -> None:
        """Add an instant dose to one modulator (clipped to its ceiling)."""
        if modulator not in MODULATORS:
            raise ValueError(f"unknown modulator {modulator!r}; expected one of: {MODULATORS}")
        dose = np.zeros(len(MODULATORS))
        dose[MODULATORS.index(modulator)] = amount
        self.levels = apply_dose(self.levels, dose, self.params)
        self._remember()

    def advance(self, drive: ArrayLike, dt: float) -> None:
        """Hold ``drive`` (7,) in [0, 1] for ``dt`` seconds of model time."""
        self.levels = step_levels(
            self.levels, np.clip(np.asarray(drive, float), 0, 1), dt, self.params
        )
        self.t += dt
        self._remember()

    def readout(self, face_dt: float = 0.2, true_pixels: bool = False) -> Readout:
        """Emotions, the named feeling and the face, animated ``face_dt`` seconds further."""
        emotions = primary_emotions(self.levels, self.params)
        self.animator.target = face_from_emotions(emotions)
        face = picture(self.animator.update(face_dt), true_pixels)
        return Readout(self.levels.copy(), emotions, name_feeling(emotions), face)

    def recent(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(times (k,), levels (k, 7)) of the last :data:`WINDOW` seconds."""
        return np.asarray(self.times), np.stack(self.history)
