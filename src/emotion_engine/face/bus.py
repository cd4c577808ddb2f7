"""How long one frame takes on the SSD1306's bus, and so how many frames a second it carries.

Source: docs/references.md, Face and display. Each frame is the 1024 bytes of
:mod:`.ssd1306` after :data:`COMMAND_BYTES` commands that set the column and page window
(luma.oled sends COLUMNADDR 0 127, PAGEADDR 0 7 before every frame).

- I2C: every byte takes 9 clocks (8 bits and the acknowledge). A transaction starts with
  the device's address byte and a control byte (0x00 before commands, 0x40 before data),
  and a start and a stop condition (counted as a clock each). Data go in transactions of
  at most ``chunk`` bytes: the whole frame with luma.oled on Linux (smbus2 writes up to 4 KB
  at once), 31 with Arduino's 32-byte Wire buffer (Adafruit_SSD1306 sends the control byte
  and 31 data bytes), 127 with the ESP32's 128-byte one.
- SPI: 8 clocks a byte; a pin (D/C) tells commands from data, so nothing else is sent.
"""

from __future__ import annotations

import math

from emotion_engine.face.ssd1306 import FRAME_BYTES

COMMAND_BYTES = 6
"""Commands before each frame: COLUMNADDR, first, last, PAGEADDR, first, last."""
I2C_CLOCKS_PER_BYTE = 9
SPI_CLOCKS_PER_BYTE = 8


def _check(clock_hz: float) -> float:
    if not (math.isfinite(clock_hz) and clock_hz > 0):
        raise ValueError(f"the bus clock must be > 0 Hz; got {clock_hz!r}")
    return float(clock_hz)


def i2c_clocks(chunk: int = FRAME_BYTES) -> int:
    """Clocks of one frame over I2C with at most ``chunk`` data bytes a transaction."""
    if not (isinstance(chunk, int) and chunk >= 1):
        raise ValueError(f"chunk must be an integer >= 1 (data bytes a transaction); got {chunk!r}")
    transactions = 1 + math.ceil(FRAME_BYTES / chunk)  # the commands, then the data
    sent = FRAME_BYTES + COMMAND_BYTES + 2 * transactions  # address and control bytes
    return I2C_CLOCKS_PER_BYTE * sent + 2 * transactions  # start and stop conditions


def i2c_frame_seconds(clock_hz: float = 400e3, chunk: int = FRAME_BYTES) -> float:
    """Seconds to send one frame over I2C at ``clock_hz`` (see :func:`i2c_clocks`)."""
    return i2c_clocks(chunk) / _check(clock_hz)


def spi_frame_seconds(clock_hz: float = 8e6) -> float:
    """Seconds to send one frame over SPI at ``clock_hz``."""
    return SPI_CLOCKS_PER_BYTE * (FRAME_BYTES + COMMAND_BYTES) / _check(clock_hz)


def budget_table() -> str:
    """The frame budget as a markdown table (docs/face.md, "On a microcontroller")."""
    rows = [
        ("I2C 100 kHz, one transaction (luma.oled)", i2c_frame_seconds(100e3)),
        ("I2C 400 kHz, one transaction (luma.oled)", i2c_frame_seconds(400e3)),
        ("I2C 400 kHz, 127-byte transactions (ESP32 Wire)", i2c_frame_seconds(400e3, 127)),
        ("I2C 400 kHz, 31-byte transactions (32-byte Wire buffer)", i2c_frame_seconds(400e3, 31)),
        ("I2C 1 MHz, one transaction", i2c_frame_seconds(1e6)),
        ("SPI 8 MHz", spi_frame_seconds(8e6)),
    ]
    lines = ["| bus | per frame | at most |", "|---|---|---|"]
    lines += [f"| {name} | {s * 1e3:.2f} ms | {1 / s:,.0f} frames/s |" for name, s in rows]
    return "\n".join(lines)
