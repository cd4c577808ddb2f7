"""Serial frames: the SSD1306's 1024 bytes, framed for a byte stream to a microcontroller.

One frame is 1,029 bytes:

| offset | bytes | field |
|---|---|---|
| 0 | 2 | sync word ``A5 5A`` |
| 2 | 1 | frame counter, 0–255, wrapping |
| 3 | 1024 | the page buffer (:func:`emotion_engine.face.ssd1306.pack`) |
| 1027 | 2 | CRC-16/CCITT-FALSE of the counter and the page buffer, high byte first |

CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR;
its check value (the CRC of ``b"123456789"``) is 0x29B1. A receiver scans for the sync word,
reads the rest of a frame and keeps it only if the CRC holds; otherwise it resumes the scan
one byte after that sync word, so it finds the next frame after any garbage.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

from emotion_engine.face.ssd1306 import FRAME_BYTES

SYNC = b"\xa5\x5a"
"""The two bytes that start every frame."""
CRC_POLY = 0x1021
CRC_INIT = 0xFFFF
HEADER_BYTES = len(SYNC) + 1
FRAME_SIZE = HEADER_BYTES + FRAME_BYTES + 2
"""Bytes in one serial frame: 1,029."""


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its counter and its 1024 page-buffer bytes."""

    counter: int
    payload: bytes


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE of ``data`` (poly 0x1021, init 0xFFFF; ``binascii.crc_hqx``)."""
    return binascii.crc_hqx(data, CRC_INIT)


def encode_frame(payload: bytes, counter: int = 0) -> bytes:
    """The serial frame of a 1024-byte page buffer, with ``counter`` taken modulo 256."""
    if len(payload) != FRAME_BYTES:
        raise ValueError(f"a frame carries {FRAME_BYTES} bytes; got {len(payload)}")
    body = bytes([counter % 256]) + bytes(payload)
    return SYNC + body + crc16(body).to_bytes(2, "big")


def decode_frame(stream: bytes) -> tuple[Frame | None, bytes]:
    """The first valid frame in ``stream`` and the bytes after it.

    Bytes before a sync word, and sync words whose frame fails the CRC, are dropped. With no
    complete valid frame, returns None and the tail that may still start one (from the last
    possible sync word on), to be joined with the next bytes read.
    """
    start = 0
    while True:
        at = stream.find(SYNC, start)
        if at < 0:
            return None, stream[-1:] if stream.endswith(SYNC[:1]) else b""
        if len(stream) - at < FRAME_SIZE:
            return None, stream[at:]
        body = stream[at + len(SYNC) : at + FRAME_SIZE - 2]
        if crc16(body) == int.from_bytes(stream[at + FRAME_SIZE - 2 : at + FRAME_SIZE], "big"):
            return Frame(body[0], body[1:]), stream[at + FRAME_SIZE :]
        start = at + 1


def decode_frames(stream: bytes) -> tuple[list[Frame], bytes]:
    """Every valid frame in ``stream``, in order, and the tail that may start the next one."""
    frames: list[Frame] = []
    while True:
        frame, stream = decode_frame(stream)
        if frame is None:
            return frames, stream
        frames.append(frame)
