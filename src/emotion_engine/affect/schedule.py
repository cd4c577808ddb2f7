"""Run the emotion model alone on a stimulus schedule (what ``emotion-engine affect`` does).

A schedule is a list of stimuli written as text:

- ``NAME=DRIVE@START-END``: drive ``u`` in [0, 1] on modulator NAME for START ≤ t < END s;
- ``NAME+AMOUNT@TIME``: an instantaneous dose of AMOUNT (> 0) at time TIME s.

Overlapping drives on one modulator add up and are clipped to 1. Between grid points the
drive is constant, so the levels are exact (no integration error) at every grid point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from emotion_engine.affect.feelings import name_feeling
from emotion_engine.affect.modulators import (
    MODULATORS,
    N_MODULATORS,
    ModulatorParams,
    apply_dose,
    modulator_index,
    resting_levels,
    step_levels,
)
from emotion_engine.affect.mood import core_affect, step_mood
from emotion_engine.affect.primary import DEFAULT_TEMPERATURE, EMOTIONS, primary_emotions

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_DRIVE_RE = re.compile(rf"^(\w+)=({_NUMBER})@({_NUMBER})-({_NUMBER})$")
_DOSE_RE = re.compile(rf"^(\w+)\+({_NUMBER})@({_NUMBER})$")


@dataclass(frozen=True)
class Stimulus:
    """A drive held over [start, end), or a dose at ``start`` (``end`` is None)."""

    modulator: str
    amount: float
    start: float
    end: float | None = None

    @property
    def is_dose(self) -> bool:
        return self.end is None


def parse_stimulus(text: str) -> Stimulus:
    """Parse ``NAME=DRIVE@START-END`` or ``NAME+AMOUNT@TIME``; ValueError says what is wrong."""
    spec = text.strip().replace(" ", "")
    if m := _DRIVE_RE.match(spec):
        name, u, start, end = m.group(1), *map(float, m.group(2, 3, 4))
        modulator_index(name)
        if not 0.0 <= u <= 1.0:
            raise ValueError(f"stimulus {text!r}: drive must lie in [0, 1]; got {u:g}")
        if start < 0 or end <= start:
            raise ValueError(f"stimulus {text!r}: need 0 <= START < END; got {start:g}-{end:g}")
        return Stimulus(name, u, start, end)
    if m := _DOSE_RE.match(spec):
        name, amount, t = m.group(1), *map(float, m.group(2, 3))
        modulator_index(name)
        if amount <= 0 or t < 0:
            raise ValueError(f"stimulus {text!r}: need AMOUNT > 0 and TIME >= 0")
        return Stimulus(name, amount, t)
    raise ValueError(
        f"malformed stimulus {text!r}; write NAME=DRIVE@START-END (e.g. dopamine=1.0@0-5) "
        "or NAME+AMOUNT@TIME (e.g. oxytocin+0.3@10)"
    )


def drive_at(stimuli: list[Stimulus], t: float) -> np.ndarray:
    """The drive vector (7,) in force at time ``t``."""
    u = np.zeros(N_MODULATORS)
    for s in stimuli:
        if not s.is_dose and s.start <= t < s.end:
            u[MODULATORS.index(s.modulator)] += s.amount
    return np.minimum(u, 1.0)


def run_schedule(
    stimuli: list[Stimulus],
    duration: float,
    dt: float,
    params: ModulatorParams,
    temperature: float = DEFAULT_TEMPERATURE,
) -> dict[str, object]:
    """Levels, emotions, mood and feeling words on the grid 0, dt, …, ≤ duration."""
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be a positive number of seconds; got {dt!r}")
    if not (duration > 0 and np.isfinite(duration)):
        raise ValueError(f"duration must be a positive number of seconds; got {duration!r}")
    steps = int(np.floor(duration / dt + 1e-9))
    if steps > 1_000_000:
        raise ValueError(f"duration/dt gives {steps} steps; at most 1,000,000 are allowed")
    t = np.arange(steps + 1) * dt
    levels = np.empty((steps + 1, N_MODULATORS))
    levels[0] = resting_levels(params)
    mood = core_affect(primary_emotions(levels[0], params, temperature))
    moods = [mood]
    for i in range(steps):
        n = levels[i]
        for s in stimuli:
            if s.is_dose and t[i] <= s.start < t[i] + dt:
                n = apply_dose(
                    n, np.eye(N_MODULATORS)[MODULATORS.index(s.modulator)] * s.amount, params
                )
        levels[i + 1] = step_levels(n, drive_at(stimuli, t[i]), dt, params)
        mood = step_mood(mood, primary_emotions(levels[i + 1], params, temperature), dt)
        moods.append(mood)
    primary = primary_emotions(levels, params, temperature)
    mood_arr = np.array(moods)
    feelings = [
        name_feeling(p, {"valence": m[0], "arousal": m[1]})
        for p, m in zip(primary, mood_arr, strict=True)
    ]
    return {
        "t": t,
        "levels": levels,
        "primary": primary,
        "mood": mood_arr,
        "dominant": [f.emotion for f in feelings],
        "feeling": [f.word for f in feelings],
        "emotions": EMOTIONS,
    }
