"""The streaming GIF writer: exact frames, merged repeats, one frame held at a time."""

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from emotion_engine.gif import GifWriter, write_gif


def frames(n: int) -> list[np.ndarray]:
    """n RGB frames, 40x30, a square moving one pixel a frame over a two-colour ground."""
    out = []
    for i in range(n):
        a = np.zeros((30, 40, 3), dtype=np.uint8)
        a[:, 20:] = (10, 200, 30)
        a[5:10, i : i + 5] = (250, 0, 0)
        out.append(a)
    return out


def decoded(data: bytes) -> list[tuple[np.ndarray, int]]:
    image = Image.open(io.BytesIO(data))
    return [
        (np.asarray(f.convert("RGB")), f.info["duration"]) for f in ImageSequence.Iterator(image)
    ]


def test_frames_come_back_exactly_with_their_durations():
    source = frames(12)
    buf = io.BytesIO()
    assert write_gif(source, buf, 50) == 12
    out = decoded(buf.getvalue())
    assert len(out) == 12
    for (pixels, duration), expected in zip(out, source, strict=True):
        np.testing.assert_array_equal(pixels, expected)
        assert duration == 50


def test_repeated_frames_lengthen_the_one_before():
    a, b = frames(2)
    buf = io.BytesIO()
    assert write_gif([a, a, a, b, b], buf, 100) == 5
    out = decoded(buf.getvalue())
    assert [d for _, d in out] == [300, 200]
    np.testing.assert_array_equal(out[1][0], b)


def test_frames_are_written_as_they_come_not_at_the_end():
    buf = io.BytesIO()
    writer = GifWriter(buf, 50)
    sizes = []
    for frame in frames(6):
        writer.add(frame)
        sizes.append(buf.tell())
    writer.close()
    # each frame is on the file once the next one arrives: the writer holds one frame at most
    assert sizes[1] < sizes[2] < sizes[3] < sizes[4] < sizes[5] < buf.tell()


def test_a_frame_of_another_size_and_an_empty_gif_are_refused():
    writer = GifWriter(io.BytesIO(), 50)
    writer.add(frames(1)[0])
    with pytest.raises(ValueError, match="GIF frames must all be"):
        writer.add(np.zeros((8, 8, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="at least one frame"):
        GifWriter(io.BytesIO(), 50).close()
