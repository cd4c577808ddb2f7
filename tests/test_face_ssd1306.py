"""SSD1306 page layout: bit positions, round trips, and agreement with luma.oled's driver."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays
from PIL import Image

from emotion_engine.face.expressions import PRESETS
from emotion_engine.face.renderer import render, render_columns
from emotion_engine.face.ssd1306 import FRAME_BYTES, pack, unpack


def image_of(mask: np.ndarray) -> Image.Image:
    return Image.frombytes("1", (128, 64), np.packbits(mask, axis=1).tobytes())


@pytest.mark.parametrize("x, y", [(0, 0), (127, 0), (0, 63), (5, 9), (100, 47), (127, 63)])
def test_one_pixel_sets_bit_y_mod_8_of_byte_x_plus_128_page(x, y):
    mask = np.zeros((64, 128), dtype=bool)
    mask[y, x] = True
    data = pack(image_of(mask))
    assert len(data) == FRAME_BYTES
    expected = bytearray(FRAME_BYTES)
    expected[x + 128 * (y // 8)] = 1 << (y % 8)
    assert data == bytes(expected)


@settings(max_examples=50, deadline=None)
@given(arrays(np.bool_, (64, 128)))
def test_pack_and_unpack_round_trip_bit_for_bit(mask):
    image = image_of(mask)
    back = unpack(pack(image))
    assert back.mode == "1" and back.size == (128, 64)
    np.testing.assert_array_equal(np.asarray(back), mask)


def test_renderer_columns_are_already_the_page_layout():
    for face in PRESETS.values():
        columns = render_columns(face).astype("<u8").view(np.uint8).reshape(128, 8)
        assert columns.T.tobytes() == pack(render(face))


class CapturingSerial:
    """A serial interface that records what a luma device sends."""

    def __init__(self):
        self.sent = bytearray()

    def command(self, *cmd):
        pass

    def data(self, data):
        self.sent += bytes(data)

    def cleanup(self):
        pass


# luma.oled 3.16 calls Image.getdata, deprecated in Pillow 12 (docs/references.md, Face and display).
@pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")
def test_bytes_match_what_luma_oled_sends_to_the_display():
    from luma.oled.device import ssd1306

    serial = CapturingSerial()
    device = ssd1306(serial)
    device.persist = True  # do not clear the screen at exit
    for name in ("joy", "love", "mad"):
        image = render(PRESETS[name])
        serial.sent.clear()
        device.display(image)
        assert bytes(serial.sent) == pack(image), name


def test_wrong_sizes_and_modes_are_rejected():
    with pytest.raises(ValueError, match="128x64"):
        pack(Image.new("1", (128, 32)))
    with pytest.raises(ValueError, match="mode"):
        pack(Image.new("L", (128, 64)))
    with pytest.raises(ValueError, match="1024 bytes"):
        unpack(b"\x00" * 512)
