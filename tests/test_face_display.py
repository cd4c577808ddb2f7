"""Displays: luma emulators headless, the terminal preview, and clear errors."""

import io
import sys

import numpy as np
import pytest
from PIL import Image

from emotion_engine.face.display import DisplayError, TerminalDisplay, open_display
from emotion_engine.face.expressions import PRESETS
from emotion_engine.face.renderer import render


@pytest.fixture(autouse=True)
def headless(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")


def frames():
    return [render(PRESETS[n]) for n in ("neutral", "joy", "surprise")]


def test_capture_writes_one_png_a_frame_with_the_exact_pixels(tmp_path):
    with open_display("capture", out=tmp_path) as display:
        for frame in frames():
            display.show(frame)
    files = sorted(tmp_path.glob("face_*.png"))
    assert len(files) == 3
    for file, frame in zip(files, frames(), strict=True):
        saved = Image.open(file)
        assert saved.size == (128, 64)
        np.testing.assert_array_equal(np.asarray(saved.convert("L")) > 127, np.asarray(frame))


def test_gifanim_streams_the_animation_and_completes_it_on_close(tmp_path):
    out = tmp_path / "face.gif"
    display = open_display("gifanim", out=out, fps=25)
    sizes = []
    for frame in frames():
        display.show(frame)
        sizes.append(out.stat().st_size)
    assert 0 < sizes[1] < sizes[2]  # written as shown, not kept to the end
    display.close()
    display.close()  # closing twice is harmless
    gif = Image.open(out)
    assert gif.n_frames == 3 and gif.size == (128, 64) and gif.info["duration"] == 40
    for i, frame in enumerate(frames()):
        gif.seek(i)
        np.testing.assert_array_equal(np.asarray(gif.convert("L")) > 127, np.asarray(frame))


def test_gifanim_that_showed_nothing_leaves_no_file(tmp_path):
    out = tmp_path / "face.gif"
    open_display("gifanim", out=out).close()
    assert not out.exists()


def test_pygame_window_runs_headless_and_keys_become_stimuli():
    import pygame

    with open_display("pygame") as display:
        display.show(frames()[1])
        assert display.stimuli() == []
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, unicode="1"))
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_x, unicode="x"))
        assert display.stimuli() == ["dopamine 0.5"]


def test_dummy_device_keeps_the_last_frame():
    with open_display("dummy") as display:
        display.show(frames()[2])
        np.testing.assert_array_equal(np.asarray(display.device.image), np.asarray(frames()[2]))


def test_terminal_display_writes_frames_and_the_status_to_a_stream():
    stream = io.StringIO()
    with TerminalDisplay(stream, size=(80, 24)) as display:
        display.show(frames()[1])
        display.caption("joy (happy) | q")
        display.show(frames()[2])
    first, second, rest = stream.getvalue().split("\n\n")
    assert "\x1b" not in first + second  # not a terminal: no escape codes
    assert len(first.split("\n")) == 16 and first != second[: len(first)]
    assert second.split("\n")[16] == "joy (happy) | q" and len(second.split("\n")) == 17
    assert rest == "" and "⣿" in first


def test_terminal_display_redraws_in_place_on_a_terminal():
    stream = io.StringIO()
    with TerminalDisplay(stream, ansi=True, size=(80, 24)) as display:
        display.show(frames()[0])
    out = stream.getvalue()
    assert out.startswith("\x1b[2J\x1b[?25l\x1b[H\x1b[J") and out.endswith("\n\x1b[?25h")
    assert max(len(line) for line in out.split("\n")) <= 80


def test_a_terminal_too_small_is_refused_and_then_reported_in_place():
    with pytest.raises(DisplayError, match=r"^the terminal face needs at least 32x9 characters; "
                       r"this terminal is 30x24: enlarge the window$"):  # fmt: skip
        TerminalDisplay(io.StringIO(), size=(30, 24))
    stream = io.StringIO()
    display = TerminalDisplay(stream, size=(80, 24))
    display.size = (40, 8)  # the window shrank
    display.show(frames()[0])
    assert stream.getvalue().split("\n") == [
        "the terminal face needs at least 32x9",
        "characters; this terminal is 40x8:",
        "enlarge the window", "", ""]  # fmt: skip


@pytest.mark.parametrize(
    "kind, options, message",
    [
        ("ssd1306", {"port": 99}, "/dev/i2c-99"),
        ("ssd1306", {"interface": "spi"}, "SSD1306 on SPI"),
        ("ssd1306", {"interface": "usb"}, "i2c or spi"),
        ("ssd1306", {"rotate": 1}, "64x128"),
        ("pygame", {"rotate": 3}, "64x128"),
        ("ssd1306", {"rotate": 7}, "rotate must be"),
        ("ssd1306", {"width": 128, "height": 32}, "128x32"),
        ("capture", {}, "output path"),
        ("oled", {}, "unknown display"),
    ],
)
def test_displays_that_cannot_open_fail_with_a_clear_message(kind, options, message):
    with pytest.raises(DisplayError, match=message):
        open_display(kind, **options)


def test_missing_luma_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "luma.emulator.device", None)
    with pytest.raises(DisplayError, match=r'pip install "emotion-engine\[display\]"'):
        open_display("capture", out=tmp_path)
