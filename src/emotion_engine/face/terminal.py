"""A terminal preview of a frame in braille, for someone on SSH to a robot.

Each character cell shows 2x4 pixels as a braille pattern, so the 128x64 frame is 64
columns by 16 lines, and fits an 80x24 terminal with a status line below it. A larger
terminal shows it enlarged by a whole factor; a smaller one, shrunk (a cell is set when any
of its pixels is) down to half size: :data:`MIN_COLUMNS` x :data:`MIN_ROWS` with the status.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from emotion_engine.face.renderer import HEIGHT, WIDTH

CELL_WIDTH, CELL_HEIGHT = 2, 4
"""Pixels per character cell (a braille pattern)."""
MIN_COLUMNS, MIN_ROWS = WIDTH // CELL_WIDTH // 2, HEIGHT // CELL_HEIGHT // 2 + 1
"""The smallest terminal for the face: at half size, plus the status line."""
STATUS_ROWS = 1

# bit of each dot in a braille pattern (U+2800 + bits), by [row, column] in the cell
_DOT_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])


class TerminalTooSmall(ValueError):
    """A terminal with fewer columns or rows than the face needs; the message says how many."""


def fit(columns: int, rows: int) -> tuple[int, int]:
    """The face's size in pixels (width, height) to fill ``columns`` x ``rows`` less the status.

    A whole multiple of 128x64 when it fits, otherwise the largest 2:1 size of whole cells.
    Raises :class:`TerminalTooSmall` below :data:`MIN_COLUMNS` x :data:`MIN_ROWS`.
    """
    if columns < MIN_COLUMNS or rows < MIN_ROWS:
        raise TerminalTooSmall(
            f"the terminal face needs at least {MIN_COLUMNS}x{MIN_ROWS} characters; "
            f"this terminal is {columns}x{rows}: enlarge the window"
        )
    width_cells = min(columns // 4 * 4, (rows - STATUS_ROWS) * 4)  # 2:1 frame, 2x4 cells
    scale = width_cells * CELL_WIDTH // WIDTH
    if scale >= 1:
        return WIDTH * scale, HEIGHT * scale
    return width_cells * CELL_WIDTH, width_cells * CELL_WIDTH // 2


def braille(image: Image.Image, columns: int, rows: int) -> list[str]:
    """The frame as braille lines sized by :func:`fit` (a blank cell is a space)."""
    width, height = fit(columns, rows)
    gray = image.convert("L")
    if (width, height) != gray.size:
        shrink = width < gray.width
        gray = gray.resize((width, height), Image.Resampling.BOX if shrink else Image.NEAREST)
    return braille_cells(np.asarray(gray) > 0)


def braille_cells(pixels: np.ndarray) -> list[str]:
    """Lines of braille for a boolean (height, width) array, both multiples of 4 and 2."""
    height, width = pixels.shape
    cells = pixels.reshape(height // CELL_HEIGHT, CELL_HEIGHT, width // CELL_WIDTH, CELL_WIDTH)
    bits = np.einsum("rhcw,hw->rc", cells.astype(np.int64), _DOT_BITS)
    return ["".join(" " if b == 0 else chr(0x2800 + b) for b in row) for row in bits]


def status_line(emotion: str, word: str, syntax: str) -> str:
    """``emotion (word) | syntax``; the word only when it differs from the emotion."""
    name = emotion if word == emotion else f"{emotion} ({word})"
    return f"{name} | {syntax}"
