"""``emotion-engine face``: files, previews, JSON, live mode and one-line errors."""

import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.face.expressions import MAX_INTENSITY, PRESETS, blend
from emotion_engine.face.renderer import render
from emotion_engine.face.ssd1306 import unpack

runner = CliRunner()


def face(*args, input=None, size=(80, 24)):
    env = {"COLUMNS": str(size[0]), "LINES": str(size[1])}
    return runner.invoke(app, ["face", *args], input=input, env=env)


def test_png_and_ssd1306_bytes_hold_the_same_frame(tmp_path):
    png, raw = tmp_path / "joy.png", tmp_path / "joy.bin"
    result = face("--emotion", "joy", "--png", str(png), "--ssd1306", str(raw))
    assert result.exit_code == 0, result.output
    image = Image.open(png)
    assert image.size == (128, 64) and image.mode == "1"
    assert raw.stat().st_size == 1024
    np.testing.assert_array_equal(np.asarray(unpack(raw.read_bytes())), np.asarray(image))
    np.testing.assert_array_equal(np.asarray(image), np.asarray(render(PRESETS["joy"])))


def test_blend_json_gives_the_blended_parameters():
    result = face("--blend", "joy=0.6,surprise=0.4", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["weights"] == {"joy": 0.6, "surprise": 0.4}
    expected = blend({"joy": 0.6, "surprise": 0.4})
    assert out["params"]["mouth_open"] == pytest.approx(expected["mouth_open"])


def test_gif_of_a_sequence_has_hold_times_fps_frames(tmp_path):
    gif = tmp_path / "seq.gif"
    args = ["--gif", str(gif), "--sequence", "neutral,joy,sad,surprise", "--fps", "20"]
    result = face(*args, "--hold", "0.5", "--scale", "2")
    assert result.exit_code == 0, result.output
    image = Image.open(gif)
    assert image.size == (256, 128)
    assert 20 <= image.n_frames <= 40  # identical consecutive frames may be merged
    assert image.info["duration"] == 50


@pytest.mark.parametrize("size, shape", [((80, 24), (16, 64)), ((40, 12), (10, 40))])
def test_terminal_preview_is_the_default_output_and_fits_the_terminal(size, shape):
    result = face("--emotion", "surprise", size=size)
    assert result.exit_code == 0
    lines = result.stdout.rstrip("\n").split("\n")
    assert (len(lines), max(len(line) for line in lines)) == shape and "⣿" in result.stdout


def test_a_terminal_too_small_gets_one_line():
    result = face("--terminal", size=(20, 24))
    assert result.exit_code == 2 and result.stdout == ""
    assert "needs at least 32x9 characters; this terminal is 20x24" in result.stderr


def test_sheet_writes_a_labelled_contact_sheet(tmp_path):
    sheet = tmp_path / "faces.png"
    result = face("--sheet", str(sheet))
    assert result.exit_code == 0, result.output
    image = Image.open(sheet)
    assert image.width >= 3 * 128 * 3 and image.height >= 3 * 64 * 3


def test_live_session_reads_stimuli_from_stdin_and_prints_a_summary():
    args = ["--live", "--device", "dummy", "--frames", "20", "--fps", "500", "--json"]
    result = face(*args, input="dopamine 0.8\n")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["frames"] == 20 and summary["dominant"] == "joy"


def test_live_session_ends_at_end_of_input():
    result = face("--live", "--device", "dummy", "--fps", "500", "--json", input="joy 0.5\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ended"] == "eof"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--emotion", "elated"], "unknown expression 'elated'"),
        (["--blend", "joy=-0.2"], "must be finite and >= 0"),
        (["--blend", "joy=nan,sad=0.5"], "must be finite and >= 0"),
        (["--emotion", "joy", "--blend", "sad=1"], "not both"),
        (["--sequence", "joy,glee", "--gif", "x.gif"], "unknown expression 'glee'"),
        (["--intensity", "-1"], "intensity"),
        (["--intensity", "5"], "--intensity must be from 0 to 1.5 (stronger closes the eyes)"),
        (["--live", "--device", "dummy", "--intensity", "1.6"], "--intensity must be from 0"),
        (["--scale", "0", "--png", "x.png"], "--scale"),
        (["--live", "--device", "ssd1306", "--port", "42"], "/dev/i2c-42"),
        (["--live", "--device", "ssd1306", "--address", "zz"], "--address"),
        (["--live", "--device", "toaster"], "unknown display"),
        (["--live", "--device", "gifanim"], "output path"),
        (["--live", "--device", "dummy", "--rotate", "1"], "64x128"),
        (["--live", "--device", "dummy", "--fps", "0", "--no-stdin"], "fps"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    result = face(*args)
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.startswith("error:") and message in err and "\n" not in err


def test_help_names_the_largest_intensity():
    text = " ".join(runner.invoke(app, ["face", "--help"]).stdout.replace("│", "").split())
    assert f"at most {MAX_INTENSITY:g} (stronger closes the eyes)" in text
