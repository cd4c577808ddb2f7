"""Serial frames: the framing round-trips, resyncs after garbage and rejects corrupt frames;
the live face streams them over a pseudo-terminal pair, and the Arduino sketch's CRC is
the same as Python's."""

import json
import os
import re
import select
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.face.display import Display, DisplayError
from emotion_engine.face.framing import (
    CRC_INIT,
    CRC_POLY,
    FRAME_SIZE,
    SYNC,
    Frame,
    crc16,
    decode_frame,
    decode_frames,
    encode_frame,
)
from emotion_engine.face.live import run_live
from emotion_engine.face.serial_display import frames_per_second, open_serial
from emotion_engine.face.ssd1306 import pack

ROOT = Path(__file__).resolve().parents[1]
SKETCH = ROOT / "examples" / "arduino" / "serial_face" / "serial_face.ino"
WAIT = 30.0


def bitwise_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE bit by bit, as the sketch computes it."""
    crc = CRC_INIT
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ CRC_POLY if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def payload(seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, 1024, dtype=np.uint8).tobytes()


def test_the_crc_is_ccitt_false():
    assert crc16(b"123456789") == 0x29B1 == bitwise_crc(b"123456789")
    data = payload(0)
    assert crc16(data) == bitwise_crc(data)


def test_a_frame_is_sync_counter_payload_and_a_big_endian_crc():
    data = payload(1)
    frame = encode_frame(data, counter=258)
    assert len(frame) == FRAME_SIZE == 1029
    assert frame[:3] == b"\xa5\x5a\x02" and frame[3:1027] == data
    assert frame[1027:] == bitwise_crc(b"\x02" + data).to_bytes(2, "big")
    assert decode_frame(frame) == (Frame(2, data), b"")


def test_decoding_skips_garbage_rejects_corrupt_frames_and_keeps_a_partial_tail():
    good = [encode_frame(payload(i), i) for i in range(3)]
    corrupt = bytearray(encode_frame(payload(9), 9))
    corrupt[500] ^= 0x10
    stream = b"\x00\xa5garbage" + good[0] + bytes(corrupt) + SYNC + good[1] + good[2][:700]
    frames, rest = decode_frames(stream)
    assert frames == [Frame(0, payload(0)), Frame(1, payload(1))]
    assert rest == good[2][:700]
    frames, rest = decode_frames(rest + good[2][700:] + b"\xa5")
    assert (frames, rest) == ([Frame(2, payload(2))], b"\xa5")
    assert decode_frames(b"no sync here") == ([], b"")


def test_a_frame_carries_exactly_1024_bytes():
    with pytest.raises(ValueError, match="carries 1024 bytes; got 1023"):
        encode_frame(bytes(1023))


class Recorder(Display):
    def __init__(self):
        self.frames = []

    def show(self, image):
        self.frames.append(pack(image))


def read_frames(master: int, count: int) -> list[Frame]:
    """``count`` frames read from the pty's master side (failing after WAIT seconds)."""
    frames, pending = [], b""
    while len(frames) < count:
        ready, _, _ = select.select([master], [], [], WAIT)
        assert ready, f"only {len(frames)} of {count} frames came"
        got, pending = decode_frames(pending + os.read(master, 65536))
        frames += got
    return frames


def test_live_frames_over_a_pty_are_the_rendered_faces():
    master, slave = os.openpty()
    try:
        display = open_serial(os.ttyname(slave), 115_200)
        sent = threading.Thread(target=run_live, args=(display,), kwargs=dict(frames=12, fps=60))
        sent.start()
        frames = read_frames(master, 12)
        sent.join(WAIT)
        display.close()
    finally:
        os.close(master)
        os.close(slave)
    expected = Recorder()
    run_live(expected, frames=12, fps=60, sleep=lambda s: None)
    assert [f.counter for f in frames] == list(range(12))
    assert [f.payload for f in frames] == expected.frames


def test_the_command_line_streams_stdin_stimuli_to_the_serial_port(tmp_path):
    stimuli = tmp_path / "stimuli.txt"
    stimuli.write_text("adrenaline 1\n")
    master, slave = os.openpty()
    command = [sys.executable, "-m", "emotion_engine", "face", "--live", "--serial",
               os.ttyname(slave), "--baud", "1000000", "--frames", "40", "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        with open(stimuli, "rb") as stdin:
            process = subprocess.Popen(
                command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
            )
        frames = read_frames(master, 40)
        out, err = process.communicate(timeout=WAIT)
    finally:
        os.close(master)
        os.close(slave)
    assert process.returncode == 0, err
    summary = json.loads(out)
    assert (summary["frames"], summary["stimuli"], summary["dominant"]) == (40, 1, "fear")
    assert [f.counter for f in frames] == list(range(40))
    assert frames[-1].payload != frames[0].payload


def test_a_port_that_is_not_there_is_a_one_line_error():
    with pytest.raises(DisplayError, match="cannot open the serial port '/dev/no-such-tty'"):
        open_serial("/dev/no-such-tty")
    result = CliRunner().invoke(app, ["face", "--live", "--serial", "/dev/no-such-tty"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    result = CliRunner().invoke(app, ["face", "--live", "--serial", "loop://", "--baud", "0"])
    assert result.exit_code == 2 and "--baud must be > 0" in result.output


def test_without_pyserial_the_port_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "serial", None)  # import fails
    with pytest.raises(
        DisplayError, match=r'^--serial needs pyserial: pip install "emotion-engine\[robot\]"$'
    ):
        open_serial("loop://")


def test_serial_and_mqtt_need_live():
    result = CliRunner().invoke(app, ["face", "--serial", "/dev/ttyUSB0"])
    assert result.exit_code == 2 and "add --live" in result.output


def test_the_line_budget():
    assert frames_per_second(115_200) == pytest.approx(11.195, abs=1e-3)
    assert frames_per_second(1_000_000) == pytest.approx(97.18, abs=1e-2)


HARNESS = r"""
#include <stdio.h>
#include "frame_reader.h"
int main(void) {
  static uint8_t buffer[FACE_FRAME_BYTES];
  FaceFrameReader reader;
  int c;
  face_reader_init(&reader, buffer);
  while ((c = getchar()) != EOF) {
    if (face_reader_feed(&reader, (uint8_t)c)) {
      putchar(reader.counter);
      fwrite(buffer, 1, FACE_FRAME_BYTES, stdout);
    }
  }
  fprintf(stderr, "%lu good, %lu bad", (unsigned long)reader.good, (unsigned long)reader.bad);
  return 0;
}
"""


def test_the_sketchs_reader_accepts_the_frames_python_does(tmp_path):
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler, "no C compiler: install gcc (make setup)"
    (tmp_path / "harness.c").write_text(HARNESS)
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", f"-I{SKETCH.parent}"]
    build = [compiler, *flags, str(tmp_path / "harness.c"), "-o", str(tmp_path / "harness")]
    subprocess.run(build, check=True, capture_output=True, timeout=WAIT)
    good = [encode_frame(payload(i), i) for i in (0, 1, 255)]
    corrupt = bytearray(encode_frame(payload(9), 9))
    corrupt[2] ^= 0x01  # the counter
    stream = b"\x00\x11" + good[0] + bytes(corrupt) + good[1] + b"\xa5\xa5\x00" + good[2]
    run = subprocess.run([tmp_path / "harness"], input=stream, capture_output=True, timeout=WAIT)
    frames = decode_frames(stream)[0]
    assert [f.counter for f in frames] == [0, 1, 255]
    assert run.stdout == b"".join(bytes([f.counter]) + f.payload for f in frames)
    assert run.stderr == b"3 good, 1 bad"


def test_the_sketch_uses_the_same_constants():
    header = (SKETCH.parent / "frame_reader.h").read_text()
    numbers = {int(n, 16) for n in re.findall(r"0x[0-9A-Fa-f]+", header)}
    assert {CRC_POLY, CRC_INIT, SYNC[0], SYNC[1]} <= numbers
    code = SKETCH.read_text()
    assert '#include "frame_reader.h"' in code and "getBuffer()" in code and "115200" in code
