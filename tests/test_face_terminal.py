"""The terminal face: braille cells, sizing to the terminal, and the too-small message."""

import numpy as np
import pytest
from PIL import Image

from emotion_engine.face import expression, render
from emotion_engine.face.terminal import (
    MIN_COLUMNS,
    MIN_ROWS,
    TerminalTooSmall,
    braille,
    braille_cells,
    fit,
    status_line,
)


def frame(mask: np.ndarray) -> Image.Image:
    return Image.frombytes("1", mask.shape[::-1], np.packbits(mask, axis=1).tobytes())


def test_a_checkerboard_maps_to_known_braille():
    board = np.indices((4, 4)).sum(axis=0) % 2 == 0
    assert braille_cells(board) == ["⢕⢕"]
    assert braille_cells(~board) == ["⡪⡪"]


def test_each_dot_has_its_braille_bit():
    dots = {}
    for r in range(4):
        for c in range(2):
            pixels = np.zeros((4, 2), dtype=bool)
            pixels[r, c] = True
            dots[r, c] = braille_cells(pixels)[0]
    assert dots == {(0, 0): "⠁", (1, 0): "⠂", (2, 0): "⠄", (3, 0): "⡀",
                    (0, 1): "⠈", (1, 1): "⠐", (2, 1): "⠠", (3, 1): "⢀"}  # fmt: skip
    assert braille_cells(np.zeros((4, 4), dtype=bool)) == ["  "]
    assert braille_cells(np.ones((4, 2), dtype=bool)) == ["⣿"]


@pytest.mark.parametrize(
    "columns, rows, size",
    [(80, 24, (128, 64)), (64, 17, (128, 64)), (200, 60, (384, 192)), (128, 33, (256, 128)),
     (63, 24, (120, 60)), (80, 12, (88, 44)), (MIN_COLUMNS, MIN_ROWS, (64, 32))],
)  # fmt: skip
def test_fit_fills_the_terminal_less_the_status_line(columns, rows, size):
    assert fit(columns, rows) == size


def test_80x24_shows_the_whole_frame_at_full_size():
    mask = np.zeros((64, 128), dtype=bool)
    mask[0, 0] = mask[63, 127] = True
    lines = braille(frame(mask), 80, 24)
    assert len(lines) == 16 and {len(line) for line in lines} == {64}
    assert lines[0] == "⠁" + " " * 63 and lines[15] == " " * 63 + "⢀"
    assert set("".join(lines[1:15])) == {" "}


@pytest.mark.parametrize("columns, rows", [(80, 24), (MIN_COLUMNS, MIN_ROWS), (45, 11), (300, 90)])
def test_a_face_fits_the_terminal_with_its_status_line(columns, rows):
    lines = braille(render(expression("joy")), columns, rows)
    assert len(lines) <= rows - 1 and max(len(line) for line in lines) <= columns
    assert sum(c != " " for c in "".join(lines)) > 50  # eyes and mouth, not a blank


def test_shrinking_keeps_a_single_pixel():
    mask = np.zeros((64, 128), dtype=bool)
    mask[5, 7] = True
    lines = braille(frame(mask), MIN_COLUMNS, MIN_ROWS)
    assert len(lines) == 8 and {len(line) for line in lines} == {32}
    assert "".join(lines).replace(" ", "") == "⠠"  # pixel (7, 5) → (3, 2): cell 1, dot (2, 1)


@pytest.mark.parametrize("columns, rows", [(MIN_COLUMNS - 1, 24), (80, MIN_ROWS - 1), (20, 5)])
def test_a_small_terminal_gets_one_line_naming_the_size_needed(columns, rows):
    with pytest.raises(TerminalTooSmall) as e:
        fit(columns, rows)
    assert str(e.value) == (
        f"the terminal face needs at least 32x9 characters; "
        f"this terminal is {columns}x{rows}: enlarge the window"
    )


def test_status_line_names_the_feeling_and_the_syntax():
    assert status_line("joy", "happy", "joy+0.8") == "joy (happy) | joy+0.8"
    assert status_line("neutral", "neutral", "q") == "neutral | q"


def test_a_small_terminal_stops_the_face_command_before_it_writes_a_file(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from emotion_engine.cli import app

    monkeypatch.setenv("COLUMNS", "20")
    monkeypatch.setenv("LINES", "5")
    png = tmp_path / "face.png"
    result = CliRunner().invoke(app, ["face", "--terminal", "--png", str(png)])
    assert result.exit_code == 2 and not png.exists()
    assert result.stderr.strip() == (
        "error: the terminal face needs at least 32x9 characters; "
        "this terminal is 20x5: enlarge the window"
    )
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    result = CliRunner().invoke(app, ["face", "--terminal", "--png", str(png)])
    assert result.exit_code == 0 and png.is_file()
    assert len(result.stdout.splitlines()) == 16  # the 64x16-cell face, under the size limit
