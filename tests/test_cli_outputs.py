"""Output paths and limits of the commands: refused in one line (exit 2) before any work,
write errors reported in one line with the half-written file removed."""

import json
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from emotion_engine import cli
from emotion_engine.cli import app
from emotion_engine.face.export import MAX_GIF_FRAMES
from emotion_engine.face.live import MAX_FPS
from emotion_engine.worlds.runner import MAX_EPISODES, MAX_STEPS

runner = CliRunner()


def one_line_error(args: list[str], needle: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err and needle in err, err
    return err


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding a file ``FILE``, a folder ``dir`` and ``full.*`` links to
    /dev/full (a disk that is always full)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("keep\n")
    (tmp_path / "dir").mkdir()
    for suffix in ("gif", "png", "md"):
        (tmp_path / f"full.{suffix}").symlink_to("/dev/full")
    return tmp_path


BAD_PATHS = [
    (["affect", "--duration", "2", "--plot", "/nonexistent_dir/x.png"], "does not exist"),
    (["affect", "--duration", "2", "--plot", "x.xyz"], "must end in .png, .svg or .pdf"),
    (["affect", "--duration", "2", "--plot", "noext"], "must end in .png"),
    (["simulate", "--steps", "5", "--gif", "/nonexistent_dir/x.gif"], "does not exist"),
    (["simulate", "--steps", "5", "--gif", "dir"], "is a folder"),
    (["simulate", "--steps", "5", "--gif", "/dev/full"], "must end in .gif"),
    (["simulate", "--steps", "5", "--gif", "full.gif"], "No space left"),
    (["calibrate", "--episodes", "1", "--steps", "5", "--out", "dir"], "is a folder"),
    (["calibrate", "--episodes", "1", "--steps", "5", "--out", "FILE/x.md"], "not a folder"),
    (["calibrate", "--episodes", "1", "--steps", "5", "--out", "full.md"], "No space left"),
    (["face", "--png", "/dev/full"], "must end in .png"),
    (["face", "--png", "full.png"], "No space left"),
    (["face", "--ssd1306", "/dev/full"], "No space left"),
    (["face", "--gif", "full.gif"], "No space left"),
    (["face", "--sheet", "dir"], "is a folder"),
    (["face", "--live", "--device", "capture", "--out", "FILE", "--no-stdin"], "is a file"),
    (["face", "--live", "--device", "gifanim", "--out", "x.png", "--no-stdin"], "end in .gif"),
    (["bench", "--only", "affect", "--quick", "--out", "FILE"], "is a file"),
    (["results", "--runs", "dir", "--out", "dir"], "is a folder"),
    (["results", "--runs", "dir", "--out", "FILE/x.md"], "not a folder"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_PATHS)
def test_bad_output_paths_exit_2_with_one_line_and_write_nothing(place, args, needle):
    before = sorted(p.name for p in place.iterdir())
    one_line_error(args, needle)
    assert sorted(p.name for p in place.iterdir()) == before
    assert (place / "FILE").read_text() == "keep\n"


def test_a_write_that_fails_midway_leaves_no_half_written_file(place, monkeypatch):
    def fail_midway(image, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", fail_midway)
    one_line_error(["face", "--png", "joy.png"], "cannot write --png joy.png: No space left")
    assert not (place / "joy.png").exists()


def test_an_interrupted_gif_is_removed(place, monkeypatch):
    import emotion_engine.worlds.runner as runner_module

    def interrupted(*args, on_frame, **kwargs):
        on_frame(np.zeros((8, 8, 3), dtype=np.uint8))
        on_frame(np.ones((8, 8, 3), dtype=np.uint8))
        raise KeyboardInterrupt

    monkeypatch.setattr(runner_module, "simulate", interrupted)
    result = runner.invoke(app, ["simulate", "--steps", "5", "--gif", "cut.gif"])
    assert result.exit_code == 130  # click turns Ctrl-C into exit 130
    assert not (place / "cut.gif").exists()


def test_a_file_the_failed_write_did_not_touch_is_kept(place):
    with pytest.raises(cli.typer.Exit), cli.writing(place / "FILE", "--out"):
        raise PermissionError(13, "Permission denied")
    assert (place / "FILE").read_text() == "keep\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "--steps", "1000000000"], f"at most {MAX_STEPS:,}"),
        (["simulate", "--steps", "5", "--seed", str(2**64)], "--seed must be from 0"),
        (["calibrate", "--episodes", "1000000000"], f"at most {MAX_EPISODES:,}"),
        (["calibrate", "--steps", str(MAX_STEPS + 1)], "--steps"),
        (["evaluate", "--policy", "scripted", "--episodes", "1000000000"], "--episodes"),
        (["evaluate", "--policy", "scripted", "--steps", "0"], "--steps must be >= 1"),
        (["face", "--gif", "x.gif", "--hold", "1e6"], f"at most {MAX_GIF_FRAMES:,}"),
        (["face", "--gif", "x.gif", "--fps", "1e9"], "lower --hold or --fps"),
        (["face", "--gif", "x.gif", "--hold", "inf"], "hold must be > 0"),
        (["face", "--live", "--device", "dummy", "--fps", "1e9"], f"<= {MAX_FPS:g}"),
        (["face", "--live", "--device", "dummy", "--frames", "0"], "frames must be >= 1"),
        (["face", "--live", "--device", "dummy", "--frames", "-1"], "frames must be >= 1"),
        (["face", "--live", "--device", "dummy", "--duration", "-1"], "duration must be > 0"),
        (["affect", "-s", "dopamine+1e400@5"], "'1e400' is not a number"),
    ],
)
def test_counts_and_durations_beyond_the_limits_are_refused(place, args, needle):
    one_line_error(args, needle)
    assert not (place / "x.gif").exists()


def test_the_limits_are_in_the_help():
    assert f"{MAX_STEPS:,}" in runner.invoke(app, ["simulate", "--help"]).stdout
    assert f"{MAX_EPISODES:,}" in runner.invoke(app, ["calibrate", "--help"]).stdout
    face_help = runner.invoke(app, ["face", "--help"]).stdout
    assert f"{MAX_GIF_FRAMES:,}" in face_help and f"{MAX_FPS:g}" in face_help


def test_simulate_streams_its_gif_in_bounded_memory(place):
    """Memory does not grow with the episode's length: 400 frames (about 180 MB of rgb)."""
    tracemalloc.start()
    try:
        result = runner.invoke(app, ["simulate", "--steps", "400", "--gif", "long.gif"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert Image.open("long.gif").n_frames > 100
    assert peak < 30e6


def test_affect_plot_reports_the_file_it_wrote(place):
    result = runner.invoke(app, ["affect", "--duration", "2", "--plot", "levels.svg"])
    assert result.exit_code == 0, result.output
    assert "wrote levels.svg" in result.stderr
    assert Path("levels.svg").read_text().lstrip().startswith("<?xml")


def write_sweep(folder: Path, text: str) -> None:
    folder.mkdir()
    (folder / "sweep.json").write_text(text)


ROW = {"condition": "emotional", "seed": 0, "status": "done"}


def sweep_of(*rows: dict) -> dict:
    return {"scenario": "crisis", "conditions": ["emotional"], "total_steps": 8, "rows": list(rows)}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"scenario": "crisis", "rows": [', "is not valid JSON"),
        ("[1, 2]", "is not a JSON object"),
        ('{"scenario": "crisis", "conditions": [], "total_steps": 1}', "lacks 'rows'"),
        (json.dumps(sweep_of({"condition": "emotional", "status": "done"})), "row 1 lacks 'seed'"),
        (json.dumps(sweep_of({**ROW, "child_survival_rate": "high"})), "not a number"),
    ],
)
def test_results_on_a_corrupt_or_incomplete_sweep_json(place, text, needle):
    write_sweep(place / "sw", text)
    err = one_line_error(["results", "--runs", "sw", "--out", "report.md"], needle)
    assert "rerun `emotion-engine sweep --out sw`" in err
    assert not (place / "report.md").exists()


def test_results_on_a_corrupt_metrics_line(place):
    write_sweep(place / "sw", json.dumps(sweep_of(ROW)))
    run = place / "sw" / "emotional" / "seed_0"
    run.mkdir(parents=True)
    (run / "metrics.jsonl").write_text('{"env_steps": 8, "sps": 2.0}\n{"env_st')
    one_line_error(["results", "--runs", "sw", "--out", "report.md"], "metrics.jsonl line 2")


def test_bench_makes_its_out_folder(place, monkeypatch):
    import emotion_engine.bench as bench

    monkeypatch.setattr(bench, "load", lambda name: lambda quick: [])
    result = runner.invoke(app, ["bench", "--only", "affect", "--out", "results"])
    assert result.exit_code == 0, result.output
    assert json.loads(Path("results/affect.json").read_text()) == []
    assert os.path.isdir("results")
