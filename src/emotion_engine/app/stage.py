"""The stage: the world and the faces as one HTML fragment with inline PNG pictures.

Streaming pictures inline (data URIs) writes no file per frame and leaves the browser no
picture to fetch, so a fast episode never outruns its pictures.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape

import numpy as np
from numpy.typing import NDArray
from PIL import Image


def data_uri(image: Image.Image | NDArray[np.uint8]) -> str:
    """A PNG data URI of an image (PIL or an RGB array)."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def face_html(face: Image.Image, caption: str, element_id: str) -> str:
    """One face picture with its caption."""
    return (
        f'<figure class="ee-face"><img id="{element_id}" src="{data_uri(face)}" '
        f'alt="{escape(caption)}"><figcaption>{escape(caption)}</figcaption></figure>'
    )


def stage_html(
    world: NDArray[np.uint8],
    faces: Sequence[Image.Image],
    captions: Sequence[str],
    happened: str = "",
    prefix: str = "",
) -> str:
    """The world with what just happened under it, the parent's and the child's faces beside
    it; ``prefix`` starts the pictures' element ids (two stages on one page)."""
    who = ("parent", "child")
    faces_html = "".join(
        face_html(face, caption, f"{prefix}{name}-face")
        for face, caption, name in zip(faces, captions, who, strict=True)
    )
    return (
        '<div class="ee-stage"><figure class="ee-world">'
        f'<img id="{prefix}world" src="{data_uri(world)}" alt="the world">'
        f'<figcaption class="ee-happened">{escape(happened)}</figcaption>'
        "<figcaption>parent blue, child orange, food green, threat red</figcaption></figure>"
        f'<div class="ee-faces">{faces_html}</div></div>'
    )


def side_by_side(stages: dict[str, str]) -> str:
    """Stages (title → stage HTML) next to each other, each under its title."""
    cells = "".join(
        f'<div class="ee-pair-cell"><h4>{escape(title)}</h4>{stage}</div>'
        for title, stage in stages.items()
    )
    return f'<div class="ee-pair">{cells}</div>'


CSS = """
.ee-stage { display: flex; gap: 12px; align-items: flex-start; }
.ee-stage figure { margin: 0; }
.ee-world { flex: 0 1 48%; min-width: 0; }
.ee-world img { width: 100%; image-rendering: pixelated; border-radius: 6px; display: block; }
.ee-faces { display: flex; flex-direction: column; gap: 6px; flex: 1 1 52%; min-width: 0; }
.ee-face img { width: 100%; aspect-ratio: 2 / 1; image-rendering: pixelated;
  background: #080c12; border-radius: 8px; display: block; }
.ee-stage figcaption { font-size: 0.8em; color: #556; margin-top: 2px; }
.ee-stage figcaption.ee-happened { font-size: 0.95em; color: #222; font-weight: 600;
  min-height: 2.6em; }
.ee-pair { display: flex; gap: 16px; flex-wrap: wrap; }
.ee-pair-cell { flex: 1 1 420px; min-width: 0; }
.ee-pair-cell h4 { margin: 0 0 4px 0; }
"""
"""Styles of the stage (added to the page's CSS)."""
