"""One agent's emotion model run step by step: doses, held drives and readouts.

``EmotionSession`` is the single-agent loop that the ``affect`` command, the live face and the
app's neuromodulator lab share. It holds the modulator levels, the drive in force and the
mood; each :meth:`~EmotionSession.advance` moves the levels exactly over ``dt`` with the
drive held (layer 1), reads off the primary emotions (layer 2), lets the mood follow them and
returns a :class:`Readout`, whose feeling (layer 5) is named with the mood's valence and
arousal as context. A dose changes the levels at once; it shows in the next readout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.feelings import Feeling, name_feeling
from emotion_engine.affect.modulators import (
    N_MODULATORS,
    ModulatorParams,
    apply_dose,
    modulator_index,
    resting_levels,
    step_levels,
)
from emotion_engine.affect.mood import DEFAULT_MOOD_TAU, MOOD_AXES, core_affect, step_mood
from emotion_engine.affect.primary import DEFAULT_TEMPERATURE, primary_emotions
from emotion_engine.affect.stimuli import Stimulus

Array = NDArray[np.float64]


def feeling_in_mood(primary: ArrayLike, mood: ArrayLike) -> Feeling:
    """The named feeling of one emotion distribution (7,), with the mood (2,) as context."""
    return name_feeling(primary, dict(zip(MOOD_AXES, mood, strict=True)))


@dataclass(frozen=True)
class Readout:
    """The session at one instant: time, levels (7,), primary emotions (7,), mood (2,)."""

    t: float
    levels: Array
    primary: Array
    mood: Array

    @cached_property
    def feeling(self) -> Feeling:
        """The named feeling, with the mood as context (:func:`feeling_in_mood`)."""
        return feeling_in_mood(self.primary, self.mood)

    @property
    def dominant(self) -> str:
        """The dominant primary emotion, or "neutral" when none stands out."""
        return self.feeling.emotion

    @property
    def word(self) -> str:
        """The feeling wheel's word."""
        return self.feeling.word


class EmotionSession:
    """One agent's levels, held drive and mood, advanced exactly step by step.

    The session never changes an array in place: each dose, hold or step replaces it, so a
    readout keeps the values it was given.
    """

    def __init__(
        self,
        params: ModulatorParams,
        temperature: float = DEFAULT_TEMPERATURE,
        mood_tau: float = DEFAULT_MOOD_TAU,
    ) -> None:
        if params.baseline.shape != (N_MODULATORS,):
            raise ValueError(
                f"an EmotionSession runs one agent: params need shape ({N_MODULATORS},); "
                f"got {params.baseline.shape}"
            )
        self.params = params
        self.temperature = temperature
        self.mood_tau = mood_tau
        self.t = 0.0
        self.levels: Array = resting_levels(params)
        self.drive: Array = np.zeros(N_MODULATORS)
        self.mood: Array = core_affect(self._primary())

    def _primary(self) -> Array:
        return primary_emotions(self.levels, self.params, self.temperature)

    def dose(self, dose: str | ArrayLike, amount: float | None = None) -> None:
        """Add an instant dose: ``dose("dopamine", 0.3)``, or a vector (7,) of amounts.

        The levels are clipped to (0, K] (:func:`~emotion_engine.affect.apply_dose`).
        """
        vector = _per_modulator(dose, amount, np.zeros(N_MODULATORS), "dose")
        self.levels = apply_dose(self.levels, vector, self.params)

    def hold(self, drive: str | ArrayLike, u: float | None = None) -> None:
        """Hold a drive from now on: ``hold("dopamine", 0.8)`` on one modulator (the others
        keep theirs), or ``hold(vector)`` to set all seven; each in [0, 1]."""
        new = _per_modulator(drive, u, self.drive, "drive")
        if not np.all((new >= 0) & (new <= 1)):  # NaN fails too
            raise ValueError(f"a drive must lie in [0, 1]; got {new.tolist()}")
        self.drive = new

    def apply(self, stimulus: Stimulus) -> None:
        """Apply a stimulus now: a dose, or a drive held from now on."""
        if stimulus.held:
            self.hold(stimulus.modulator, stimulus.amount)
        else:
            self.dose(stimulus.modulator, stimulus.amount)

    def advance(self, dt: float) -> Readout:
        """Advance ``dt`` seconds with the drive held: levels exactly, then emotions and mood."""
        self.levels = step_levels(self.levels, self.drive, dt, self.params)
        self.t += dt
        primary = self._primary()
        self.mood = step_mood(self.mood, primary, dt, self.mood_tau)
        return Readout(self.t, self.levels, primary, self.mood)

    def readout(self) -> Readout:
        """The session now (after any dose since the last step)."""
        return Readout(self.t, self.levels, self._primary(), self.mood)


def _per_modulator(value: str | ArrayLike, amount: float | None, base: Array, what: str) -> Array:
    """``base`` with the named modulator's entry set to ``amount``, or the vector ``value``."""
    if isinstance(value, str):
        if amount is None:
            raise ValueError(f"a {what} on {value!r} needs an amount")
        out = base.copy()
        out[modulator_index(value)] = amount
        return out
    if amount is not None:
        raise ValueError(f"a {what} vector takes no separate amount; got {amount!r}")
    out = np.array(value, dtype=float)  # a copy: the caller may change its array later
    if out.shape != (N_MODULATORS,):
        raise ValueError(f"a {what} vector needs shape ({N_MODULATORS},); got {out.shape}")
    return out
