"""face.bus: the time a frame takes on the SSD1306's I2C or SPI bus."""

from pathlib import Path

import pytest

from emotion_engine.face.bus import budget_table, i2c_clocks, i2c_frame_seconds, spi_frame_seconds

DOCS = Path(__file__).resolve().parents[1] / "docs" / "face.md"


def test_one_i2c_transaction_at_400_khz_is_about_23_ms():
    # commands: address, control, 6 commands; data: address, control, 1024 bytes;
    # 9 clocks a byte, a start and a stop for each of the 2 transactions
    assert i2c_clocks() == 9 * (8 + 1026) + 4 == 9310
    assert i2c_frame_seconds(400e3) == pytest.approx(0.023275)
    frames_per_second = 1 / i2c_frame_seconds(400e3)
    assert frames_per_second == pytest.approx(43.0, abs=0.1)
    assert i2c_frame_seconds(100e3) == pytest.approx(4 * 0.023275)


def test_arduinos_32_byte_wire_buffer_costs_an_address_and_control_byte_per_31_bytes():
    assert i2c_clocks(31) == 9 * (8 + 1024 + 2 * 34) + 2 * 35
    frames_per_second = 1 / i2c_frame_seconds(400e3, 31)
    assert frames_per_second == pytest.approx(40.1, abs=0.1)


def test_spi_at_8_mhz_is_about_a_millisecond():
    assert spi_frame_seconds(8e6) == pytest.approx(8 * 1030 / 8e6)


@pytest.mark.parametrize("call", [lambda: i2c_frame_seconds(0.0), lambda: spi_frame_seconds(-1.0),
                                  lambda: i2c_clocks(0)])  # fmt: skip
def test_bad_clocks_and_chunks_are_refused(call):
    with pytest.raises(ValueError, match="must be"):
        call()


def test_the_docs_quote_the_budget_table():
    assert budget_table() in DOCS.read_text()
