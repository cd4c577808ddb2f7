"""The exported C face: strict C99 without allocation, and frames identical to Python's.

The library is exported and ``examples/c/render`` built with the system C compiler by
``make -C examples/c`` (which calls ``python -m emotion_engine face --export-c``); every case
runs through one ``render --batch`` process.
"""

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.face import EXPRESSIONS, blend, pack, parse_blend, render
from emotion_engine.face.c_export import c_sources
from emotion_engine.face.expressions import MAX_INTENSITY
from emotion_engine.face.params import HIGH, LOW, NAMES, FaceParams
from emotion_engine.face.schedule import blink_times, scheduled_face

ROOT = Path(__file__).resolve().parents[1]
INTENSITIES = (0.0, 0.4, 1.0, MAX_INTENSITY)
SEEDS = (0, 1, 2**64 - 1)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``render`` built against a fresh export by the example's Makefile."""
    build = tmp_path_factory.mktemp("c-face")
    made = subprocess.run(
        ["make", "-C", str(ROOT / "examples" / "c"), f"BUILD={build}",
         f"EMOTION_ENGINE={sys.executable} -m emotion_engine"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return build / "render"


def _line(text: str, intensity: float = 1.0, t: float | None = None, seed: int = 0) -> str:
    return f"-i {intensity!r} -s {seed} {text}" + ("" if t is None else f" {t!r}")


def _face_line(values: np.ndarray, t: float | None = None, seed: int = 0) -> str:
    face = ",".join(repr(float(x)) for x in values)
    return f"-s {seed} -f {face}" + ("" if t is None else f" {t!r}")


def _python_frame(line: str) -> bytes:
    """The frame the Python package draws for a line of ``render --batch``."""
    options, positional = {}, []
    tokens = iter(line.split())
    for token in tokens:
        if token in ("-i", "-s", "-f"):
            options[token] = next(tokens)
        else:
            positional.append(token)
    if "-f" in options:
        face = FaceParams(np.array([float(x) for x in options["-f"].split(",")]))
    else:
        face = blend(parse_blend(positional.pop(0)), float(options["-i"]))
    if positional:
        face = scheduled_face(face, float(positional[0]), int(options["-s"]))
    return pack(render(face))


def _differing_pixels(a: bytes, b: bytes) -> int:
    return int(np.unpackbits(np.frombuffer(a, np.uint8) ^ np.frombuffer(b, np.uint8)).sum())


def _assert_same_frames(harness: Path, lines: list[str]) -> list[bytes]:
    """Every line's C frame equals its Python frame; returns the frames."""
    out = subprocess.run(
        [harness, "--batch"], input="".join(f"{x}\n" for x in lines).encode(), capture_output=True
    )
    assert out.returncode == 0, out.stderr.decode()
    assert len(out.stdout) == 1024 * len(lines)
    frames = [out.stdout[i * 1024 : (i + 1) * 1024] for i in range(len(lines))]
    wrong = {
        x: n
        for x, f in zip(lines, frames, strict=True)
        if (n := _differing_pixels(f, _python_frame(x)))
    }
    assert not wrong, (
        f"C and Python frames differ in {len(wrong)} of {len(lines)} cases: "
        + "; ".join(f"{x!r}: {n} pixels" for x, n in list(wrong.items())[:5])
    )
    return frames


def _lit(frame: bytes) -> int:
    return _differing_pixels(frame, bytes(1024))


def test_exported_code_allocates_nothing_and_includes_only_stdint_and_math():
    sources = c_sources()
    includes = {
        name: set(re.findall(r'#include\s*[<"]([^>"]+)[>"]', text))
        for name, text in sources.items()
    }
    assert includes == {
        "emotion_face.h": {"stdint.h"},
        "emotion_face.c": {"emotion_face.h", "math.h"},
    }
    for text in sources.values():
        assert not re.search(r"\b(malloc|calloc|realloc|free)\s*\(", text)
        assert not re.search(r"\bstatic\s+(?!const)\w+\s+\w+\s*[=;\[]", text)  # no state


def test_every_preset_at_every_intensity_draws_the_python_frame(harness):
    lines = [_line(f"{name}=1", i) for name in EXPRESSIONS for i in INTENSITIES]
    frames = _assert_same_frames(harness, lines)
    # intensity 0 and the neutral preset draw the neutral face; every other frame differs
    assert len(set(frames)) == (len(EXPRESSIONS) - 1) * (len(INTENSITIES) - 1) + 1
    assert min(map(_lit, frames)) > 300


def test_mixed_and_random_blends_draw_the_python_frame(harness):
    rng = np.random.default_rng(19)
    pairs = [f"{a}=0.6,{b}=0.4" for a, b in itertools.combinations(EXPRESSIONS, 2)]
    dirichlet = [
        ",".join(f"{name}={float(w)!r}" for name, w in zip(EXPRESSIONS, ws, strict=True))
        for ws in rng.dirichlet(np.full(len(EXPRESSIONS), 0.4), size=150)
    ]
    heavy = ["joy=3,sad=1", "surprise=0.25,love=0.25", "grief=0.5,power=0.5,,"]
    intensities = rng.uniform(0.0, MAX_INTENSITY, size=len(dirichlet))
    lines = [_line(b) for b in pairs + heavy] + [
        _line(b, float(i)) for b, i in zip(dirichlet, intensities, strict=True)
    ]
    frames = _assert_same_frames(harness, lines)
    assert len(set(frames)) == len(lines)


def test_animated_frames_of_every_preset_draw_the_python_frame_mid_spring_and_mid_blink(harness):
    first, second = itertools.islice(blink_times(0), 2)
    mid_spring = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
    mid_blink = tuple(start + d for start in (first, second) for d in (0.03, 0.07, 0.12, 0.18))
    settled = (first - 0.5, first + 0.5)
    times = mid_spring + mid_blink + settled
    lines = [_line(f"{name}=1", 1.0, t) for name in EXPRESSIONS for t in times]
    frames = dict(zip(lines, _assert_same_frames(harness, lines), strict=True))
    static = _assert_same_frames(harness, [_line("joy=1"), _line("neutral=1")])
    joy = {t: frames[_line("joy=1", 1.0, t)] for t in times}
    assert _differing_pixels(joy[0.0], static[1]) == 0  # starts at neutral
    assert 0 < _differing_pixels(joy[0.1], static[0]) and 0 < _differing_pixels(joy[0.1], static[1])
    assert joy[settled[0]] == joy[settled[1]] == static[0]  # settled, eyes open again
    assert _lit(joy[first + 0.07]) < _lit(static[0]) - 300  # shut


def test_other_seeds_blink_elsewhere_and_still_draw_the_python_frame(harness):
    times = np.arange(0.0, 24.0, 0.1)
    lines = [_line("love=0.5,sad=0.5", 1.2, float(t), seed) for seed in SEEDS for t in times]
    frames = _assert_same_frames(harness, lines)
    per_seed = [frames[k * len(times) : (k + 1) * len(times)] for k in range(len(SEEDS))]
    open_eyes = _lit(per_seed[0][-1])
    shut = [tuple(_lit(f) < open_eyes - 300 for f in seed) for seed in per_seed]
    assert all(any(s) for s in shut) and len(set(shut)) == len(SEEDS)


def test_any_face_in_and_beyond_the_bounds_draws_the_python_frame_still_and_animated(harness):
    rng = np.random.default_rng(6)
    span = HIGH - LOW
    faces = LOW + rng.uniform(-0.1, 1.1, size=(250, len(LOW))) * span  # some clipped
    hearts = [i for i, name in enumerate(NAMES) if name.startswith("eye_heart")]
    faces[::2, hearts] = rng.choice([0.0, 1.0], size=(125, 2))  # none, half and full hearts
    times = rng.uniform(0.0, 12.0, size=len(faces))
    lines = [_face_line(f) for f in faces] + [
        _face_line(f, float(t), seed) for f, t, seed in zip(faces, times, itertools.cycle(SEEDS))
    ]
    frames = _assert_same_frames(harness, lines)
    assert len(set(frames[: len(faces)])) == len(faces)


def test_render_without_time_writes_the_bytes_of_face_ssd1306(harness, tmp_path):
    out = tmp_path / "out.bin"
    cli = subprocess.run(
        [sys.executable, "-m", "emotion_engine", "face", "--blend", "joy=0.6,surprise=0.4",
         "--ssd1306", str(out)],
        capture_output=True,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr.decode()
    c = subprocess.run([harness, "joy=0.6,surprise=0.4"], capture_output=True, check=True)
    assert c.stdout == out.read_bytes() and len(c.stdout) == 1024


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["joy=0.6,anger=0.4"], "unknown expression 'anger'; expected one of: neutral, fear"),
        (["joy=x"], "a weight is not a number: x"),
        (["joy=-1"], "weights must be finite and >= 0; got -1"),
        (["joy=inf"], "weights must be finite and >= 0; got inf"),
        (["joy"], "blend item is not NAME=WEIGHT: joy"),
        (["joy=1,joy=2"], "an expression is given twice"),
        ([","], "empty blend"),
        (["joy=1", "-2"], "TIME must be a number of seconds >= 0; got -2"),
        (["joy=1", "1", "2"], "too many arguments"),
        (["-i", "2", "joy=1"], "-i INTENSITY must be from 0 to 1.5; got 2"),
        (["-s", "x", "joy=1"], "-s SEED must be an integer"),
        (["-f", "1,2,3"], "-f needs 51 finite numbers separated by commas; got 1,2,3"),
        (["-f", ",".join(["0"] * 51), "1", "2"], "too many arguments"),
        ([], "usage: render"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_saying_what_was_wrong(harness, args, message):
    out = subprocess.run([harness, *args], capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("render: ") and message in out.stderr
    assert out.stderr.count("\n") == 1


def test_export_c_writes_both_files_and_refuses_a_file_or_a_missing_folder(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["face", "--export-c", str(tmp_path / "lib"), "--json"])
    assert out.exit_code == 0, out.output
    written = json.loads(out.stdout)["wrote"]
    assert [Path(p).name for p in written] == ["emotion_face.h", "emotion_face.c"]
    assert {p.name: p.read_text() for p in (tmp_path / "lib").iterdir()} == c_sources()
    (tmp_path / "file").write_text("")
    for target, message in [("file", "is a file; give a folder"), ("no/lib", "does not exist")]:
        bad = runner.invoke(app, ["face", "--export-c", str(tmp_path / target)])
        assert bad.exit_code == 2 and message in bad.output
