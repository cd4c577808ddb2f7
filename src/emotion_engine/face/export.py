"""Writing faces to files: PNG, animated GIF, raw SSD1306 frames, and a labelled contact
sheet of expressions (``docs/faces.png``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from emotion_engine.face.params import FaceParams
from emotion_engine.face.renderer import HEIGHT, WIDTH, render, upscale
from emotion_engine.face.ssd1306 import pack
from emotion_engine.gif import frame_ms, write_gif

MAX_GIF_FRAMES = 10_000
"""The most frames a face GIF may have (faces of ``--sequence`` × ``--hold`` × ``--fps``):
over five minutes at 30 frames a second."""


def save_png(image: Image.Image, path: Path, scale: int = 1) -> None:
    """A frame as PNG, enlarged ``scale`` times with square pixels."""
    upscale(image, scale).save(path, format="PNG")


def save_gif(frames: Iterable[Image.Image], path: Path, fps: float, scale: int = 1) -> int:
    """Frames as a looping animated GIF at ``fps`` (GIF delays are in 10 ms steps), written
    one at a time as ``frames`` yields them; returns how many there were."""
    with open(path, "wb") as file:
        return write_gif((upscale(f, scale) for f in frames), file, frame_ms(fps))


def save_ssd1306(image: Image.Image, path: Path) -> None:
    """A frame as the SSD1306's 1024 raw bytes (page layout, see :mod:`.ssd1306`)."""
    path.write_bytes(pack(image))


def contact_sheet(faces: Mapping[str, FaceParams], scale: int = 3, columns: int = 3) -> Image.Image:
    """Faces drawn at ``scale`` times the display's resolution in a labelled grid.

    Each face is drawn with square pixels, as the OLED shows it, and framed so that the
    display's edges are visible; its name is written under it.
    """
    font = ImageFont.load_default(size=8 * scale)
    pad, label_h = 4 * scale, 12 * scale
    cell_w, cell_h = WIDTH * scale + 2 * pad, HEIGHT * scale + label_h + 2 * pad
    rows = -(-len(faces) // columns)
    sheet = Image.new("L", (columns * cell_w, rows * cell_h), 40)
    draw = ImageDraw.Draw(sheet)
    for i, (name, face) in enumerate(faces.items()):
        x, y = (i % columns) * cell_w + pad, (i // columns) * cell_h + pad
        sheet.paste(upscale(render(face), scale).convert("L"), (x, y))
        draw.rectangle((x - 1, y - 1, x + WIDTH * scale, y + HEIGHT * scale), outline=120)
        draw.text(
            (x + WIDTH * scale // 2, y + HEIGHT * scale + label_h // 2),
            name,
            fill=255,
            font=font,
            anchor="mm",
        )
    return sheet
