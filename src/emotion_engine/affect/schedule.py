"""Run the emotion model alone on a stimulus schedule (what ``emotion-engine affect`` does).

A schedule is a list of timed stimuli (:mod:`emotion_engine.affect.stimuli`):
``NAME=DRIVE@START-END`` holds a drive u in [0, 1] on a modulator for START ≤ t < END s, and
``NAME+AMOUNT@TIME`` gives an instantaneous dose at TIME s. Overlapping drives on one modulator
add up and are clipped to 1. Between grid points the drive is constant, so the levels are
exact (no integration error) at every grid point.
"""

from __future__ import annotations

import numpy as np

from emotion_engine.affect.modulators import N_MODULATORS, ModulatorParams, modulator_index
from emotion_engine.affect.primary import DEFAULT_TEMPERATURE, EMOTIONS, primary_emotions
from emotion_engine.affect.session import EmotionSession, feeling_in_mood
from emotion_engine.affect.stimuli import Stimulus


def drive_at(stimuli: list[Stimulus], t: float) -> np.ndarray:
    """The drive vector (7,) in force at time ``t``."""
    u = np.zeros(N_MODULATORS)
    for s in stimuli:
        if s.held and s.start <= t < s.end:
            u[modulator_index(s.modulator)] += s.amount
    return np.minimum(u, 1.0)


def run_schedule(
    stimuli: list[Stimulus],
    duration: float,
    dt: float,
    params: ModulatorParams,
    temperature: float = DEFAULT_TEMPERATURE,
) -> dict[str, object]:
    """Levels, emotions, mood and feeling words on the grid 0, dt, …, ≤ duration.

    Each step of an :class:`~emotion_engine.affect.session.EmotionSession` first gives the
    doses due in [t, t + dt), then holds the drive in force at t for dt. The series' emotions
    are read off all levels in one batched call, which can differ from the per-step readouts'
    in the last bit; the feeling words are named from them.
    """
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be a positive number of seconds; got {dt!r}")
    if not (duration > 0 and np.isfinite(duration)):
        raise ValueError(f"duration must be a positive number of seconds; got {duration!r}")
    steps = int(np.floor(duration / dt + 1e-9))
    if steps > 1_000_000:
        raise ValueError(f"duration/dt gives {steps} steps; at most 1,000,000 are allowed")
    t = np.arange(steps + 1) * dt
    doses = [s for s in stimuli if not s.held]
    session = EmotionSession(params, temperature)
    readouts = [session.readout()]
    for i in range(steps):
        for s in doses:
            if t[i] <= s.start < t[i] + dt:
                session.dose(s.modulator, s.amount)
        session.hold(drive_at(stimuli, t[i]))
        readouts.append(session.advance(dt))
    levels = np.stack([r.levels for r in readouts])
    primary = primary_emotions(levels, params, temperature)
    mood = np.stack([r.mood for r in readouts])
    feelings = [feeling_in_mood(p, m) for p, m in zip(primary, mood, strict=True)]
    return {
        "t": t,
        "levels": levels,
        "primary": primary,
        "mood": mood,
        "dominant": [f.emotion for f in feelings],
        "feeling": [f.word for f in feelings],
        "emotions": EMOTIONS,
    }
