"""The SSD1306's frame buffer: 1024 bytes in 8 pages of 128 columns.

Source: docs/references.md, Face and display.

Pixel (x, y) of a 128x64 frame is bit y % 8 (least significant bit on top) of byte
x + 128·(y // 8). This is the order luma.oled sends in horizontal addressing mode, so the
bytes can go to the display, or to a file, as they are.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from emotion_engine.face.renderer import HEIGHT, WIDTH

FRAME_BYTES = WIDTH * HEIGHT // 8
"""Bytes in one frame: 1024."""
PAGES = HEIGHT // 8


def _check_image(image: Image.Image) -> None:
    if image.size != (WIDTH, HEIGHT):
        raise ValueError(
            f"the SSD1306 frame is {WIDTH}x{HEIGHT}; got an image of {image.width}x{image.height}"
        )
    if image.mode != "1":
        raise ValueError(f'the SSD1306 frame is 1-bit (mode "1"); got mode {image.mode!r}')


def pack(image: Image.Image) -> bytes:
    """The 1024 bytes of a 128x64 mode "1" image in the SSD1306's page layout."""
    _check_image(image)
    pixels = np.asarray(image, dtype=bool).reshape(PAGES, 8, WIDTH)  # page, bit, x
    return np.packbits(pixels, axis=1, bitorder="little").tobytes()


def unpack(data: bytes | bytearray | NDArray[np.uint8]) -> Image.Image:
    """The 128x64 mode "1" image of 1024 bytes in the SSD1306's page layout."""
    buf = np.frombuffer(bytes(data), dtype=np.uint8)
    if buf.size != FRAME_BYTES:
        raise ValueError(f"an SSD1306 frame is {FRAME_BYTES} bytes; got {buf.size}")
    bits = np.unpackbits(buf.reshape(PAGES, 1, WIDTH), axis=1, bitorder="little")
    mask = bits.reshape(HEIGHT, WIDTH).astype(bool)
    return Image.frombytes("1", (WIDTH, HEIGHT), np.packbits(mask, axis=1).tobytes())
