"""Live: the emotion model runs in real time and the face follows it on a display.

Every frame the modulator levels advance exactly by one frame's time (layer 1), the primary
emotions (layer 2) give the target face, the animation follows it, and the frame is drawn
and shown. Stimuli arrive as lines — on stdin, or from keys 1–7 in the pygame window:

- ``NAME AMOUNT``: a dose, added to the level at once (clipped to the ceiling);
- ``NAME=DRIVE``: a drive u in [0, 1] held until changed (``NAME=0`` ends it);

where NAME is a modulator (``dopamine``) or a primary emotion (``joy``, meaning its
modulator in the seed's pairing). A session ends after ``frames`` frames or ``duration``
seconds if given, on Ctrl-C, or — when neither limit is given — at the end of stdin.
"""

from __future__ import annotations

import math
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from emotion_engine.affect import (
    EMOTIONS,
    MODULATORS,
    apply_dose,
    primary_emotions,
    resting_levels,
    step_levels,
    temperament,
)
from emotion_engine.affect.modulators import modulator_index
from emotion_engine.affect.primary import EMOTION_MODULATOR
from emotion_engine.face.animation import Animator
from emotion_engine.face.display import Display
from emotion_engine.face.expressions import face_from_emotions
from emotion_engine.face.renderer import render


@dataclass(frozen=True)
class LiveStimulus:
    """A dose (``sustained`` False) or a held drive on one modulator."""

    modulator: int
    amount: float
    sustained: bool


def parse_live_stimulus(line: str) -> LiveStimulus:
    """Parse ``NAME AMOUNT`` (a dose) or ``NAME=DRIVE`` (a held drive)."""
    text = line.strip()
    name, sep, value = text.partition("=")
    if not sep:
        name, _, value = text.partition(" ")
    name, value = name.strip(), value.strip()
    if not name or not value:
        raise ValueError(f"stimulus {text!r}: expected NAME AMOUNT or NAME=DRIVE")
    index = modulator_index(EMOTION_MODULATOR.get(name, name))
    try:
        amount = float(value)
    except ValueError:
        raise ValueError(f"stimulus {text!r}: {value!r} is not a number") from None
    if sep and not 0.0 <= amount <= 1.0:
        raise ValueError(f"stimulus {text!r}: a drive must lie in [0, 1]")
    if not sep and not (math.isfinite(amount) and amount >= 0):
        raise ValueError(f"stimulus {text!r}: a dose must be finite and >= 0")
    return LiveStimulus(index, amount, bool(sep))


def read_lines(stream: TextIO) -> queue.Queue[str | None]:
    """A queue filled with the lines of ``stream`` by a daemon thread; None marks its end."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="face-stdin", daemon=True).start()
    return lines


def run_live(
    display: Display,
    *,
    fps: float = 30.0,
    frames: int | None = None,
    duration: float | None = None,
    temperament_name: str = "balanced",
    intensity: float = 1.0,
    speed: float = 1.0,
    seed: int | None = 0,
    lines: queue.Queue[str | None] | None = None,
    log: TextIO = sys.stderr,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, object]:
    """Drive ``display`` with the live face until a limit, Ctrl-C or the end of ``lines``.

    Args:
        fps: frames per second; the model and the animation advance 1/fps each frame.
        frames, duration: stop after this many frames or (model) seconds.
        speed: model seconds per frame-second (e.g. 10 to watch slow moods change).
        lines: stimulus lines; None at the end of input. Bad lines are reported on ``log``.

    Returns a summary: frames shown, why the session ended, stimuli applied, and the final
    levels, emotions and dominant emotion.
    """
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0; got {fps!r}")
    if not (math.isfinite(speed) and speed > 0):
        raise ValueError(f"speed must be > 0; got {speed!r}")
    params = temperament(temperament_name)
    levels = resting_levels(params)
    drive = np.zeros(len(MODULATORS))
    animator = Animator(seed=seed)
    dt = 1.0 / fps
    limited = frames is not None or duration is not None
    applied, shown, ended = 0, 0, ""
    deadline = clock()
    try:
        while not ended:
            if frames is not None and shown >= frames:
                ended = "frames"
                break
            if duration is not None and shown * dt >= duration - 1e-9:
                ended = "duration"
                break
            for text in _pending(lines, display) if lines is not None else display.stimuli():
                if text is None:
                    lines = None
                    if not limited:
                        ended = "eof"
                    continue
                if not text.strip():
                    continue
                try:
                    stim = parse_live_stimulus(text)
                except ValueError as e:
                    log.write(f"ignored: {e}\n")
                    continue
                if stim.sustained:
                    drive[stim.modulator] = stim.amount
                else:
                    dose = np.zeros(len(MODULATORS))
                    dose[stim.modulator] = stim.amount
                    levels = apply_dose(levels, dose, params)
                applied += 1
            if ended:
                break
            levels = step_levels(levels, drive, dt * speed, params)
            emotions = primary_emotions(levels, params)
            animator.target = face_from_emotions(emotions, intensity)
            display.show(render(animator.update(dt)))
            shown += 1
            deadline += dt
            delay = deadline - clock()
            if delay > 0:
                sleep(delay)
            else:
                deadline = clock()  # running late: do not try to catch up
    except KeyboardInterrupt:
        ended = "interrupt"
    emotions = primary_emotions(levels, params)
    return {
        "frames": shown,
        "ended": ended,
        "stimuli": applied,
        "dominant": EMOTIONS[int(np.argmax(emotions))],
        "emotions": dict(zip(EMOTIONS, np.round(emotions, 6).tolist(), strict=True)),
        "levels": dict(zip(MODULATORS, np.round(levels, 6).tolist(), strict=True)),
    }


def _pending(lines: queue.Queue[str | None], display: Display) -> list[str | None]:
    """Stimulus lines waiting now: the display's keys, then stdin's (None at its end)."""
    out: list[str | None] = list(display.stimuli())
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return out
        out.append(line)
        if line is None:
            return out
