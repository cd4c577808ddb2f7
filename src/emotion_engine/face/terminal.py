"""A terminal preview of a frame with Unicode half blocks, for someone on SSH to a robot.

Each character shows two pixel rows (upper and lower half), so a 128x64 frame is 128
columns by 32 lines.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

# index: 2·upper + lower
_BLOCKS = np.array([" ", "▄", "▀", "█"])


def half_blocks(image: Image.Image) -> str:
    """The frame as lines of half-block characters (height rounded up to even)."""
    pixels = np.asarray(image.convert("1"), dtype=np.uint8)
    if pixels.shape[0] % 2:
        pixels = np.vstack([pixels, np.zeros((1, pixels.shape[1]), dtype=np.uint8)])
    chars = _BLOCKS[2 * pixels[0::2] + pixels[1::2]]
    return "\n".join("".join(row) for row in chars)
