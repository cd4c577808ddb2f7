"""Animated GIFs written a frame at a time, so that memory stays bounded however long they are.

Pillow's own writer holds every frame until the end. :class:`GifWriter` holds one: each frame
is reduced to a palette (Pillow's adaptive palette, as Pillow's writer does), cropped to the
part that changed since the frame before, and written; a frame identical to the one before
lengthens it instead (as Pillow merges them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray
from PIL import GifImagePlugin, Image, ImageChops


def _comparable(image: Image.Image) -> Image.Image:
    """``image`` in a mode that :func:`ImageChops.difference` takes."""
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def _indexed(image: Image.Image) -> Image.Image:
    """``image`` with a palette of at most 256 colours (exact when it has no more)."""
    return image.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE)


class GifWriter:
    """Writes frames to an open binary file as a looping GIF; :meth:`close` ends it.

    Args:
        file: where the GIF goes, from its first byte.
        duration_ms: how long each frame shows (GIF keeps 10 ms steps).
    """

    def __init__(self, file: BinaryIO, duration_ms: int) -> None:
        self.file = file
        self.duration_ms = duration_ms
        self.frames = 0
        """Frames added (identical consecutive ones included)."""
        self._last: Image.Image | None = None
        self._pending: tuple[Image.Image, tuple[int, int], int, bool] | None = None

    def add(self, image: Image.Image | NDArray[np.uint8]) -> None:
        """Add one frame, an image or an (H, W, 3) uint8 array, of the first one's size."""
        if not isinstance(image, Image.Image):
            image = Image.fromarray(image)
        current = _comparable(image)
        self.frames += 1
        if self._last is None:
            indexed = _indexed(image)
            header, _ = GifImagePlugin.getheader(indexed, info={"loop": 0})
            self.file.writelines(header)
            self._pending = (indexed, (0, 0), self.duration_ms, False)
        else:
            if current.size != self._last.size:
                raise ValueError(f"GIF frames must all be {self._last.size}; got {current.size}")
            box = ImageChops.difference(self._last, current).getbbox()
            if box is None:  # the same picture: show the pending frame longer
                assert self._pending is not None
                frame, offset, duration, local = self._pending
                self._pending = (frame, offset, duration + self.duration_ms, local)
                return
            self._write_pending()
            self._pending = (_indexed(image.crop(box)), box[:2], self.duration_ms, True)
        self._last = current

    def close(self) -> None:
        """Write the last frame and the GIF's end."""
        if self._pending is None:
            raise ValueError("a GIF needs at least one frame")
        self._write_pending()
        self.file.write(b";")
        self.file.flush()

    def _write_pending(self) -> None:
        assert self._pending is not None
        frame, offset, duration, local = self._pending
        params = {"duration": duration, "include_color_table": local}
        self.file.writelines(GifImagePlugin.getdata(frame, offset, **params))
        self._pending = None


def write_gif(
    frames: Iterable[Image.Image | NDArray[np.uint8]], file: BinaryIO, duration_ms: int
) -> int:
    """Write ``frames`` (any iterable, consumed one at a time) as a looping GIF to ``file``;
    returns how many frames it took."""
    writer = GifWriter(file, duration_ms)
    for frame in frames:
        writer.add(frame)
    writer.close()
    return writer.frames
