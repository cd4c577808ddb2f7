"""A display at the other end of a serial line: each frame goes out as one serial frame
(:mod:`emotion_engine.face.framing`) for a microcontroller to draw
(examples/arduino/serial_face/serial_face.ino).

pyserial is imported only when a port is opened; without it, opening one fails with the
``pip install`` to run. The port is a device (``/dev/ttyUSB0``, ``COM3``) or any pyserial URL
(``socket://HOST:PORT``, ``rfc2217://HOST:PORT``, ``loop://``).
"""

from __future__ import annotations

import importlib
from typing import Any

from PIL import Image

from emotion_engine.face.display import ROBOT_INSTALL, Display, DisplayError
from emotion_engine.face.framing import FRAME_SIZE, encode_frame
from emotion_engine.face.ssd1306 import pack

DEFAULT_BAUD = 115_200


class SerialDisplay(Display):
    """Writes every frame shown to a pyserial port, numbering them 0–255 in turn."""

    def __init__(self, port: Any, name: str) -> None:
        self.port = port
        self.name = name
        self.counter = 0

    def show(self, image: Image.Image) -> None:
        try:
            self.port.write(encode_frame(pack(image), self.counter))
        except OSError as e:  # pyserial's SerialException is an OSError
            raise DisplayError(f"writing to the serial port {self.name} failed: {e}") from e
        self.counter = (self.counter + 1) % 256

    def close(self) -> None:
        self.port.close()


def frames_per_second(baud: int) -> float:
    """The most frames a second a serial line carries at ``baud`` (8N1: 10 bits a byte)."""
    return baud / 10 / FRAME_SIZE


def open_serial(port: str, baud: int = DEFAULT_BAUD) -> SerialDisplay:
    """Open the serial port ``port`` at ``baud`` (8N1) as a display."""
    if baud <= 0:
        raise DisplayError(f"--baud must be > 0 (e.g. {DEFAULT_BAUD}); got {baud}")
    try:
        serial = importlib.import_module("serial")
    except ImportError as e:
        raise DisplayError(f"--serial needs pyserial: {ROBOT_INSTALL}") from e
    try:
        return SerialDisplay(serial.serial_for_url(port, baudrate=baud), port)
    except (OSError, ValueError) as e:
        raise DisplayError(f"cannot open the serial port {port!r} at {baud} baud: {e}") from e
