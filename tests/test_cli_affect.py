"""`emotion-engine affect` and the command-line conventions (--json, errors, --version)."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from rich.console import Console
from typer.testing import CliRunner

from emotion_engine import __version__
from emotion_engine.affect import EMOTIONS, MODULATORS, temperament
from emotion_engine.affect.feelings import CONTEXT_RULES
from emotion_engine.affect.schedule import run_schedule
from emotion_engine.affect.stimuli import parse_stimulus
from emotion_engine.cli import affect_table, app

runner = CliRunner()


def affect_json(*args: str) -> dict:
    result = runner.invoke(app, ["affect", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_documented_fields():
    out = affect_json("--stimulus", "dopamine=1.0@0-5", "--stimulus", "cortisol=0.8@20-25",
                      "--duration", "60", "--dt", "0.5")  # fmt: skip
    assert set(out) >= {"t", "levels", "primary", "dominant", "feeling", "params"}
    n = len(out["t"])
    assert n == 121 and out["t"][-1] == 60.0
    assert set(out["levels"]) == set(MODULATORS) and set(out["primary"]) == set(EMOTIONS)
    assert all(len(v) == n for v in (*out["levels"].values(), *out["primary"].values()))
    assert len(out["dominant"]) == len(out["feeling"]) == n


def test_dopamine_pulse_gives_joy_then_dissolves_within_two_percent():
    out = affect_json("--stimulus", "dopamine=1.0@0-5", "--duration", "205", "--dt", "0.5")
    t = np.array(out["t"])
    during = (t > 1.0) & (t <= 5.0)
    assert set(np.array(out["dominant"])[during]) == {"joy"}
    rest = temperament().baseline[MODULATORS.index("dopamine")]
    assert abs(out["levels"]["dopamine"][-1] - rest) <= 0.02 * rest  # 200 s after the pulse


def test_temperament_changes_the_parameters():
    calm = affect_json("--temperament", "calm", "--duration", "1")
    anxious = affect_json("--temperament", "anxious", "--duration", "1")
    assert calm["params"]["temperament"] == "calm"
    assert calm["params"]["baseline"] != anxious["params"]["baseline"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--stimulus", "joyjuice=1@0-5"], "unknown modulator"),
        (["--stimulus", "dopamine=1.5@0-5"], "drive must lie in [0, 1]"),
        (["--stimulus", "dopamine=1@5-2"], "START < END"),
        (["--stimulus", "dopamine@0-5"], "malformed stimulus"),
        (["--dt", "-0.5"], "dt must be"),
        (["--duration", "0"], "duration must be"),
        (["--temperament", "grumpy"], "unknown temperament"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(args, needle):
    result = runner.invoke(app, ["affect", "--json", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_plot_writes_a_png(tmp_path):
    path = tmp_path / "affect.png"
    result = runner.invoke(
        app, ["affect", "-s", "oxytocin=1@0-5", "--duration", "20", "--plot", str(path)]
    )
    assert result.exit_code == 0, result.output
    with Image.open(path) as img:
        assert img.format == "PNG" and img.width > 400


def test_table_output_and_dose():
    result = runner.invoke(
        app, ["affect", "-s", "adrenaline+0.6@2", "--duration", "10", "--dt", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "fear" in result.stdout


def test_installed_command_prints_only_json_on_stdout():
    proc = subprocess.run(
        [sys.executable, "-m", "emotion_engine", "affect", "--json", "--duration", "2"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(proc.stdout)["t"][-1] == 2.0
    version = subprocess.run([sys.executable, "-m", "emotion_engine", "--version"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    assert __version__ in version.stdout


def test_the_table_fits_80_columns():
    series = run_schedule([parse_stimulus("dopamine=0.8@0-5", timed=True)], 20.0, 0.5,
                          temperament())  # fmt: skip
    n = len(series["t"])
    widest = {"t": series["t"] * 1e5 + 1234.56,  # times such as 2.00123e+06
              "dominant": [max(EMOTIONS, key=len)] * n,
              "feeling": [max((rule[-1] for rule in CONTEXT_RULES), key=len)] * n}  # fmt: skip
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(affect_table(series | widest))
    lines = console.export_text().splitlines()
    assert len(lines) == 3 + 41 + 1 and "2.00123e+06" in lines[-2]  # title, head, rows, caption
    assert max(len(line.rstrip()) for line in lines) <= 80
    shown = runner.invoke(app, ["affect", "-s", "dopamine=0.8@0-5", "--duration", "10"],
                          env={"COLUMNS": "80"})  # fmt: skip
    assert shown.exit_code == 0 and "…" not in shown.stdout and " excited" in shown.stdout
