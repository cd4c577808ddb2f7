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
    world: NDArray[np.uint8], faces: Sequence[Image.Image], captions: Sequence[str]
) -> str:
    """The world on the left, the parent's and the child's faces stacked on the right."""
    who = ("parent", "child")
    faces_html = "".join(
        face_html(face, caption, f"{name}-face")
        for face, caption, name in zip(faces, captions, who, strict=True)
    )
    return (
        '<div class="ee-stage"><figure class="ee-world">'
        f'<img id="world" src="{data_uri(world)}" alt="the world">'
        "<figcaption>parent blue, child orange, food green, threat red</figcaption></figure>"
        f'<div class="ee-faces">{faces_html}</div></div>'
    )


CSS = """
.ee-stage { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.ee-stage figure { margin: 0; }
.ee-world img { width: 360px; image-rendering: pixelated; border-radius: 6px; }
.ee-faces { display: flex; flex-direction: column; gap: 10px; flex: 1; min-width: 300px; }
.ee-face img { width: 100%; max-width: 448px; aspect-ratio: 2 / 1; image-rendering: pixelated;
  background: #080c12; border-radius: 8px; display: block; }
.ee-stage figcaption { font-size: 0.85em; color: #556; margin-top: 3px; }
"""
"""Styles of the stage (added to the page's CSS)."""
