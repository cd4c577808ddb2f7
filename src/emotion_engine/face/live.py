"""Live: the emotion model runs in real time and the face follows it on a display.

Every frame the modulator levels advance exactly by one frame's time (layer 1), the primary
emotions (layer 2) give the target face, the animation follows it, and the frame is drawn
and shown. Stimuli arrive as lines — on stdin, from an MQTT broker
(:mod:`emotion_engine.face.mqtt`), or from keys 1–7 in the pygame window — in the
live form of :mod:`emotion_engine.affect.stimuli`: ``NAME AMOUNT`` or ``NAME+AMOUNT`` (a dose,
added to the level at once), ``NAME=DRIVE`` (a drive held until changed; ``NAME=0`` ends it),
where NAME is a modulator or a primary emotion. The model is one
:class:`~emotion_engine.affect.session.EmotionSession`. A session ends after ``frames``
frames or ``duration`` seconds if given, on Ctrl-C, or — when neither limit is given — at
the end of stdin.
"""

from __future__ import annotations

import math
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import numpy as np

from emotion_engine.affect import (
    EMOTIONS,
    MODULATORS,
    EmotionSession,
    Readout,
    dominant,
    parse_stimulus,
    temperament,
)
from emotion_engine.face.animation import Animator
from emotion_engine.face.display import Display
from emotion_engine.face.expressions import face_from_emotions
from emotion_engine.face.renderer import render
from emotion_engine.face.terminal import status_line

SYNTAX = "dose: joy+0.8 | hold: fear=0.5 (fear=0 ends) | Ctrl-C quits"
"""The stimulus syntax, on the terminal display's status line."""
MAX_FPS = 1000.0
"""The fastest live face (``--fps``): frames of a millisecond; a display shows far fewer."""


def read_lines(stream: TextIO) -> queue.Queue[str | None]:
    """A queue filled with the lines of ``stream`` by a daemon thread; None marks its end."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="face-stdin", daemon=True).start()
    return lines


def check_session(
    fps: float, frames: int | None, duration: float | None, speed: float = 1.0
) -> None:
    """Refuse, with a ValueError naming it, a frame rate, limit or speed a session cannot run."""
    if not (math.isfinite(fps) and 0 < fps <= MAX_FPS):
        raise ValueError(f"fps must be > 0 and <= {MAX_FPS:g}; got {fps!r}")
    if frames is not None and frames < 1:
        raise ValueError(f"frames must be >= 1 (or no limit); got {frames}")
    if duration is not None and not (math.isfinite(duration) and duration > 0):
        raise ValueError(f"duration must be > 0 seconds (or no limit); got {duration!r}")
    if not (math.isfinite(speed) and speed > 0):
        raise ValueError(f"speed must be > 0; got {speed!r}")


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
    on_frame: Callable[[float, Readout], None] | None = None,
) -> dict[str, object]:
    """Drive ``display`` with the live face until a limit, Ctrl-C or the end of ``lines``.

    Args:
        fps: frames per second (at most :data:`MAX_FPS`); the model and the animation
            advance 1/fps each frame.
        frames, duration: stop after this many frames (>= 1) or (model) seconds (> 0).
        speed: model seconds per frame-second (e.g. 10 to watch slow moods change).
        lines: stimulus lines; None at the end of input. Bad lines are reported on ``log``.
        on_frame: called after each frame with the seconds of frames shown so far and the
            model's readout (e.g. :meth:`emotion_engine.face.mqtt.MqttLink.observe`).

    Returns a summary: frames shown, why the session ended, stimuli applied, and the final
    levels, emotions and dominant emotion.
    """
    check_session(fps, frames, duration, speed)
    session = EmotionSession(temperament(temperament_name))
    animator = Animator(seed=seed)
    dt = 1.0 / fps
    limited = frames is not None or duration is not None
    applied, shown, ended = 0, 0, ""
    deadline = clock()
    with _interrupts() as interrupted:
        while not ended:
            if interrupted.is_set():
                ended = "interrupt"
                break
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
                    session.apply(parse_stimulus(text, timed=False))
                except ValueError as e:
                    log.write(f"ignored: {e}\n")
                    continue
                applied += 1
            if ended:
                break
            now = session.advance(dt * speed)
            animator.target = face_from_emotions(now.primary, intensity)
            display.caption(status_line(now.dominant, now.word, SYNTAX))
            display.show(render(animator.update(dt)))
            shown += 1
            if on_frame is not None:
                on_frame(shown * dt, now)
            deadline += dt
            delay = deadline - clock()
            if delay > 0:
                sleep(delay)
            else:
                deadline = clock()  # running late: do not try to catch up
    final = session.readout()
    return {
        "frames": shown,
        "ended": ended,
        "stimuli": applied,
        "dominant": EMOTIONS[int(dominant(final.primary))],
        "emotions": dict(zip(EMOTIONS, np.round(final.primary, 6).tolist(), strict=True)),
        "levels": dict(zip(MODULATORS, np.round(final.levels, 6).tolist(), strict=True)),
    }


@contextmanager
def _interrupts() -> Iterator[threading.Event]:
    """An event set by Ctrl-C (SIGINT) while the block runs, in place of KeyboardInterrupt:
    an exception raised at an arbitrary point could leave a lock of the MQTT or serial
    link held, and closing the link would then wait forever. Off the main thread, where no
    signal arrives, the event is never set."""
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.set())
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


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
