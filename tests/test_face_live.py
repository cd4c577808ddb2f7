"""The live loop: stimuli move the face, sessions end cleanly, bad lines are reported."""

import io
import os
import queue
import signal

import pytest

from emotion_engine.face.display import Display
from emotion_engine.face.live import SYNTAX, read_lines, run_live


class Recorder(Display):
    """Keeps the frames it is shown; presses Ctrl-C (SIGINT to this process) on showing frame
    ``stop_after``."""

    def __init__(self, stop_after: int | None = None):
        self.frames = []
        self.stop_after = stop_after

    def show(self, image):
        self.frames.append(image)
        if len(self.frames) == self.stop_after:
            os.kill(os.getpid(), signal.SIGINT)

    def caption(self, text):
        self.status = text


def lines_of(*items):
    q = queue.Queue()
    for item in items:
        q.put(item)
    return q


def run(display, **kwargs):
    return run_live(display, sleep=lambda s: None, log=io.StringIO(), **kwargs)


def test_a_dopamine_dose_makes_the_face_joyful():
    display = Recorder()
    summary = run(display, frames=20, lines=lines_of("dopamine 0.8", None))
    assert summary["frames"] == 20 == len(display.frames)
    assert summary["ended"] == "frames" and summary["stimuli"] == 1
    assert summary["dominant"] == "joy"
    assert all(f.mode == "1" and f.size == (128, 64) for f in display.frames)
    assert display.frames[-1].tobytes() != display.frames[0].tobytes()
    assert display.status.startswith("joy") and display.status.endswith(SYNTAX)


def test_emotion_names_and_held_drives_work():
    summary = run(Recorder(), frames=30, lines=lines_of("sad=1", "serotonin+0.01", None))
    assert summary["dominant"] == "sad" and summary["stimuli"] == 2
    assert summary["levels"]["cortisol"] > 0.15


def test_end_of_input_ends_a_session_without_limits():
    summary = run(Recorder(), lines=lines_of("joy 0.5", None))
    assert summary["ended"] == "eof" and summary["stimuli"] == 1


def test_duration_limits_model_time():
    summary = run(Recorder(), fps=10, duration=1.5, lines=None)
    assert summary["ended"] == "duration" and summary["frames"] == 15


def test_ctrl_c_ends_cleanly():
    before = signal.getsignal(signal.SIGINT)
    summary = run(Recorder(stop_after=4), lines=None)
    assert summary["ended"] == "interrupt" and summary["frames"] == 4
    assert signal.getsignal(signal.SIGINT) is before  # the session's handler is gone


def test_bad_lines_are_reported_and_skipped():
    log = io.StringIO()
    summary = run_live(
        Recorder(), frames=3, lines=lines_of("dopamine lots", "", "joy 0.2", None), log=log,
        sleep=lambda s: None,
    )  # fmt: skip
    assert summary["stimuli"] == 1
    assert "not a number" in log.getvalue()


def test_read_lines_queues_a_stream_and_marks_its_end():
    q = read_lines(io.StringIO("joy 0.5\nsad=1\n"))
    assert [q.get(timeout=5) for _ in range(3)] == ["joy 0.5\n", "sad=1\n", None]


@pytest.mark.parametrize("kwargs", [{"fps": 0}, {"speed": -1}, {"temperament_name": "grumpy"}])
def test_bad_settings_raise(kwargs):
    with pytest.raises(ValueError):
        run(Recorder(), frames=1, lines=None, **kwargs)
