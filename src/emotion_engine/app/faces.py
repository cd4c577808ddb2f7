"""The agents' faces as OLED-style pictures: light pixels on a dark panel.

Each agent's face follows its emotions through :class:`~emotion_engine.face.Animator`
(springs, blinks, saccades). Complex emotions add the ``love`` and ``grief`` presets only
where they stand out, by 2·max(c − 0.5, 0): the untrained composer's values near 0.3–0.4
leave the face to the primary emotions. Pictures are drawn either smooth at four times the
display's resolution, or as the display's true 128x64 pixels, each shown as a square with a
thin gap, as on the panel.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.face import Animator, FaceParams, face_from_emotions, render, upscale

ON = (190, 230, 255)
"""Colour of a lit pixel (the pale blue-white of many SSD1306 panels)."""
OFF = (8, 12, 18)
DEAD = 0.35
"""Brightness of a dead agent's face."""
SCALE = 4
_FACE_PRESET = {"maternal_love": "love", "grief": "grief"}


def complex_weights(complex_emotions: NDArray | None) -> dict[str, float]:
    """Blend weights of the love and grief presets from one agent's complex emotions (4,)."""
    if complex_emotions is None:
        return {}
    return {
        preset: 2.0 * max(float(complex_emotions[COMPLEX_EMOTIONS.index(name)]) - 0.5, 0.0)
        for name, preset in _FACE_PRESET.items()
    }


class FacePair:
    """The animated faces of the parent and the child, advanced step by step."""

    def __init__(self, seed: int = 0) -> None:
        self.animators = [Animator(seed=seed), Animator(seed=seed + 1)]

    def update(
        self, emotions: NDArray, complex_emotions: NDArray | None, dt: float
    ) -> list[FaceParams]:
        """Advance both faces ``dt`` seconds towards emotions (2, 7), complex (2, 4) or None."""
        faces = []
        for i, animator in enumerate(self.animators):
            weights = complex_weights(None if complex_emotions is None else complex_emotions[i])
            animator.target = face_from_emotions(emotions[i], complex_emotions=weights)
            faces.append(animator.update(dt))
        return faces


def picture(face: FaceParams, true_pixels: bool = False, alive: bool = True) -> Image.Image:
    """A picture of a face, 512x256 in two colours (a palette image: it encodes to PNG
    several times faster than RGB): smooth, or the true 128x64 pixels magnified."""
    if true_pixels:
        lit = np.asarray(upscale(render(face), SCALE), dtype=bool).copy()
        lit[SCALE - 1 :: SCALE, :] = False  # the gaps between the panel's pixels
        lit[:, SCALE - 1 :: SCALE] = False
    else:
        lit = np.asarray(render(face, scale=SCALE), dtype=bool)
    on = [round(c * (1.0 if alive else DEAD)) for c in ON]
    image = Image.fromarray(lit.astype(np.uint8), "L").convert("P")
    image.putpalette([*OFF, *on])
    return image
