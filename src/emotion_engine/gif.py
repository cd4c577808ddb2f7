"""Animated GIFs written a frame at a time, so that memory stays bounded however long they are.

Pillow's own writer holds every frame until the end. :class:`GifWriter` holds one and does
what Pillow's does to each: reduces it to a palette (Pillow's adaptive palette), crops it to
the part that changed since the frame before, makes the unchanged pixels inside that part
transparent (so they compress to almost nothing), and writes it; a frame identical to the one
before lengthens that one instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray
from PIL import GifImagePlugin, Image, ImageChops


def frame_ms(fps: float) -> int:
    """The delay of a frame at ``fps``, in milliseconds: GIF delays are 10 ms steps, and
    browsers show delays under 20 ms as 100 ms, so 20 ms (50 fps) is the shortest."""
    return max(20, round(1000.0 / fps / 10.0) * 10)


def _comparable(image: Image.Image) -> Image.Image:
    """``image`` in a mode that :func:`ImageChops.difference` takes."""
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def _indexed(image: Image.Image) -> Image.Image:
    """``image`` with a palette of at most 256 colours (exact when it has no more)."""
    return image.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE)


def _changed(
    image: Image.Image, before: Image.Image, after: Image.Image
) -> tuple[Image.Image, dict]:
    """A frame's changed part with its own palette, and how to write it: the pixels that
    ``before`` and ``after`` (comparable images of that part) share are made transparent,
    where the palette leaves a colour free for it."""
    indexed = _indexed(image)
    palette = indexed.getpalette() or []
    free = len(palette) // 3
    extra: dict = {"include_color_table": True}
    if free < 256:
        same = np.asarray(ImageChops.difference(before, after).convert("L")) == 0
        pixels = np.asarray(indexed).copy()
        pixels[same] = free
        indexed = Image.frombytes("P", indexed.size, pixels.tobytes())
        indexed.putpalette([*palette, 0, 0, 0])
        extra["transparency"] = free
    return indexed, extra


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
        self._pending: tuple[Image.Image, tuple[int, int], int, dict] | None = None

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
            self._pending = (indexed, (0, 0), self.duration_ms, {})
        else:
            if current.size != self._last.size:
                raise ValueError(f"GIF frames must all be {self._last.size}; got {current.size}")
            box = ImageChops.difference(self._last, current).getbbox()
            if box is None:  # the same picture: show the pending frame longer
                assert self._pending is not None
                frame, offset, duration, extra = self._pending
                self._pending = (frame, offset, duration + self.duration_ms, extra)
                return
            self._write_pending()
            frame, extra = _changed(image.crop(box), self._last.crop(box), current.crop(box))
            self._pending = (frame, box[:2], self.duration_ms, extra)
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
        frame, offset, duration, extra = self._pending
        self.file.writelines(GifImagePlugin.getdata(frame, offset, duration=duration, **extra))
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
