"""Displays: where frames go. A real SSD1306 (I2C or SPI) through luma.oled, luma.emulator's
``capture`` (PNG files) and ``pygame`` (a window) devices, luma.core's ``dummy`` device, an
animated GIF written frame by frame (``gifanim``), and a terminal preview in braille.

luma is imported only when a luma device is opened; without it, opening one fails with the
``pip install`` to run. Every failure to open a display raises :class:`DisplayError` with a
one-line message: a missing package, a bus that is not there, a display that is not 128x64.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from PIL import Image

from emotion_engine.affect import MODULATORS
from emotion_engine.face.renderer import HEIGHT, WIDTH
from emotion_engine.face.terminal import TerminalTooSmall, braille, fit
from emotion_engine.gif import GifWriter, frame_ms

DEVICES: tuple[str, ...] = ("ssd1306", "pygame", "terminal", "capture", "gifanim", "dummy")
"""Names accepted by :func:`open_display`."""
LUMA_INSTALL = 'pip install "emotion-engine[display]"'
ROBOT_INSTALL = 'pip install "emotion-engine[robot]"'
"""What to run for the serial and MQTT links (paho-mqtt, pyserial)."""

# pygame key → stimulus line, for the emulator window: 1–7 dose the modulators.
_KEY_STIMULI = {str(i + 1): f"{m} 0.5" for i, m in enumerate(MODULATORS)}


class DisplayError(RuntimeError):
    """A display that cannot be opened or driven; the message says why, in one line."""


class Display:
    """Shows frames. Subclasses override :meth:`show`; :meth:`close` releases the device."""

    def show(self, image: Image.Image) -> None:
        """Show one 128x64 mode "1" frame."""
        raise NotImplementedError

    def caption(self, text: str) -> None:
        """A one-line status to show with the next frame, where the display has room for it."""

    def stimuli(self) -> list[str]:
        """Stimulus lines typed on the display itself since the last call (keys)."""
        return []

    def close(self) -> None:
        """Release the device (idempotent)."""

    def __enter__(self) -> Display:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class TerminalDisplay(Display):
    """Braille frames sized to the terminal, with a status line below; on a terminal each
    frame redraws the last."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)
    ansi: bool | None = None
    """Redraw in place with ANSI escapes; by default when the stream is a terminal."""
    size: tuple[int, int] | None = None
    """Columns and rows to fill; by default the terminal's, read at every frame."""
    status: str = ""
    """The line under the face (see :meth:`caption`)."""

    def __post_init__(self) -> None:
        if self.ansi is None:
            self.ansi = self.stream.isatty()
        try:
            fit(*self._size())
        except TerminalTooSmall as e:
            raise DisplayError(str(e)) from e
        if self.ansi:
            self.stream.write("\x1b[2J\x1b[?25l")  # clear, hide the cursor

    def _size(self) -> tuple[int, int]:
        terminal = shutil.get_terminal_size()
        return self.size or (terminal.columns, terminal.lines)

    def caption(self, text: str) -> None:
        self.status = text

    def show(self, image: Image.Image) -> None:
        columns, rows = self._size()
        try:
            lines = braille(image, columns, rows) + ([self.status[:columns]] if self.status else [])
        except TerminalTooSmall as e:  # shrunk during the session: say so until it grows
            lines = textwrap.wrap(str(e), max(columns, 1))
        text = "\n".join(lines)
        self.stream.write(f"\x1b[H\x1b[J{text}" if self.ansi else f"{text}\n\n")
        self.stream.flush()

    def close(self) -> None:
        if self.ansi:
            self.stream.write("\n\x1b[?25h")  # below the face; show the cursor again
            self.ansi = False
            self.stream.flush()


class LumaDisplay(Display):
    """A luma device (real or emulated); frames go to its ``display`` method."""

    def __init__(self, device: Any, kind: str) -> None:
        if tuple(device.size) != (WIDTH, HEIGHT):
            w, h = device.size
            raise DisplayError(f"the face is {WIDTH}x{HEIGHT}; this {kind} display is {w}x{h}")
        self.device = device
        self.kind = kind
        self._closed = False

    def show(self, image: Image.Image) -> None:
        try:
            self.device.display(image)
        except SystemExit:  # luma's pygame window exits on Esc or when closed
            raise KeyboardInterrupt from None

    def caption(self, text: str) -> None:
        """A one-line status to show with the next frame, where the display has room for it."""

    def stimuli(self) -> list[str]:
        if self.kind != "pygame":
            return []
        pygame = self.device._pygame
        return [
            _KEY_STIMULI[event.unicode]
            for event in pygame.event.get(pygame.KEYDOWN)
            if event.unicode in _KEY_STIMULI
        ]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.device.cleanup()


class GifDisplay(Display):
    """Frames written to an animated GIF as they are shown, so a session of any length holds
    one frame in memory; the GIF is complete on close (and removed if no frame was shown)."""

    def __init__(self, path: Path, fps: float) -> None:
        self.path = path
        self._file = open(path, "wb")  # closed by close()
        self._writer = GifWriter(self._file, frame_ms(fps))

    def show(self, image: Image.Image) -> None:
        self._writer.add(image)
        self._file.flush()  # each frame on disk once the next one is shown

    def close(self) -> None:
        if self._file.closed:
            return
        try:
            if self._writer.frames:
                self._writer.close()
        finally:
            self._file.close()
        if not self._writer.frames:
            self.path.unlink()


def _import(module: str, kind: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise DisplayError(f"the {kind} display needs {e.name or module}: {LUMA_INSTALL}") from e


def open_display(
    kind: str,
    *,
    interface: str = "i2c",
    port: int = 1,
    address: int = 0x3C,
    spi_device: int = 0,
    rotate: int = 0,
    width: int = WIDTH,
    height: int = HEIGHT,
    out: Path | None = None,
    fps: float = 30.0,
    stream: TextIO | None = None,
) -> Display:
    """Open a display by name (one of :data:`DEVICES`).

    Args:
        kind: ``ssd1306`` (real hardware), ``pygame`` (a window), ``terminal`` (braille on
            ``stream``), ``capture`` (a PNG a frame into the folder ``out``), ``gifanim`` (an
            animated GIF written to ``out`` frame by frame) or ``dummy`` (keeps the last frame).
        interface, port, address, spi_device: the SSD1306's bus: ``i2c`` on ``port``
            (/dev/i2c-PORT) at ``address``, or ``spi`` on /dev/spidevPORT.SPI_DEVICE.
        rotate: luma's rotation, 0–3 (quarter turns clockwise); 1 and 3 make the display
            64x128, which the face does not fit.
        width, height: the display's size; only 128x64 is supported.
        fps: the frame rate a GIF is written at.
    """
    if kind not in DEVICES:
        raise DisplayError(f"unknown display {kind!r}; expected one of: {', '.join(DEVICES)}")
    if (width, height) != (WIDTH, HEIGHT):
        raise DisplayError(
            f"the face is {WIDTH}x{HEIGHT}; a {width}x{height} display is not supported"
        )
    if rotate not in (0, 1, 2, 3):
        raise DisplayError(f"rotate must be 0, 1, 2 or 3 (quarter turns); got {rotate}")
    if rotate % 2 and kind != "terminal":
        raise DisplayError(
            f"rotate {rotate} turns the display to {HEIGHT}x{WIDTH}; the face is {WIDTH}x{HEIGHT}"
        )
    if kind == "terminal":
        return TerminalDisplay(stream or sys.stdout)
    if kind == "ssd1306":
        return LumaDisplay(_open_ssd1306(interface, port, address, spi_device, rotate), kind)
    common = dict(width=width, height=height, rotate=rotate, mode="1")
    if kind == "dummy":
        return LumaDisplay(_import("luma.core.device", kind).dummy(**common), kind)
    if kind == "pygame":
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        emulator = _import("luma.emulator.device", kind)
        try:
            device = emulator.pygame(transform="identity", scale=4, frame_rate=1000, **common)
        except Exception as e:  # pygame raises its own error type when no video device opens
            raise DisplayError(f"cannot open a pygame window: {e}") from e
        return LumaDisplay(device, kind)
    if out is None:
        raise DisplayError(f"the {kind} display needs an output path (--out)")
    if kind == "gifanim":
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            return GifDisplay(out, fps)
        except OSError as e:
            raise DisplayError(f"cannot write the GIF {out}: {e.strerror or e}") from e
    emulator = _import("luma.emulator.device", kind)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    out.mkdir(parents=True, exist_ok=True)
    template = str(out / "face_{0:06}.png")
    return LumaDisplay(
        emulator.capture(transform="none", scale=1, file_template=template, **common), kind
    )


def _open_ssd1306(interface: str, port: int, address: int, spi_device: int, rotate: int) -> Any:
    serial_mod = _import("luma.core.interface.serial", "ssd1306")
    oled = _import("luma.oled.device", "ssd1306")
    error = _import("luma.core.error", "ssd1306")
    if interface == "i2c":
        where = f"I2C port {port} (/dev/i2c-{port}) at address 0x{address:02X}"
    elif interface == "spi":
        where = f"SPI port {port} device {spi_device} (/dev/spidev{port}.{spi_device})"
    else:
        raise DisplayError(f"interface must be i2c or spi; got {interface!r}")
    try:
        if interface == "i2c":
            serial = serial_mod.i2c(port=port, address=address)
        else:
            serial = serial_mod.spi(port=port, device=spi_device)
        return oled.ssd1306(serial, width=WIDTH, height=HEIGHT, rotate=rotate)
    except (error.Error, OSError, ImportError, RuntimeError) as e:
        reason = str(e) or type(e).__name__
        raise DisplayError(f"cannot open the SSD1306 on {where}: {reason}") from e
