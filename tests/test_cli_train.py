"""``emotion-engine train``: what it refuses (one line on stderr, exit 2, nothing written),
``--overwrite``, and the note when --total-steps is rounded to whole updates."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emotion_engine.agents.policy_file import checkpoint_dir
from emotion_engine.cli import app
from emotion_engine.training.experiment import MAX_SEED, default_config
from emotion_engine.training.run import MAX_CHECKPOINT_SECONDS

runner = CliRunner()


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def refused(args: list[str]) -> str:
    """The one error line of a refused ``train``."""
    result = runner.invoke(app, ["train", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped crisis checkpoint folder (as ``cp -r checkpoints/crisis x``)."""
    monkeypatch.delenv("EMOTION_ENGINE_CHECKPOINTS", raising=False)
    copy = tmp_path / "x"
    shutil.copytree(checkpoint_dir() / "crisis", copy)
    return copy


def test_a_copied_shipped_checkpoint_is_not_overwritten(shipped_copy):
    before = contents(shipped_copy)
    line = refused(["--scenario", "crisis", "--total-steps", "8192", "--seed", "0",
                    "--out", str(shipped_copy)])  # fmt: skip
    assert "already holds a run's files (policy.safetensors, policy.json, evaluation.json)" in line
    assert "--resume" in line and "--overwrite" in line
    assert contents(shipped_copy) == before


def test_the_shipped_folder_is_refused_even_with_overwrite(shipped_copy, monkeypatch):
    new = checkpoint_dir() / "new-run"  # not a shipped folder, lest a broken guard replace it
    line = refused(["--out", str(new), "--overwrite", "--total-steps", "1"])
    assert "inside the shipped checkpoints" in line and not new.exists()
    monkeypatch.setenv("EMOTION_ENGINE_CHECKPOINTS", str(shipped_copy.parent))
    before = contents(shipped_copy)
    assert "inside the shipped checkpoints" in refused(["--out", str(shipped_copy), "--overwrite"])
    assert contents(shipped_copy) == before


def test_overwrite_replaces_the_runs_files_only_and_rounding_is_said(shipped_copy):
    (shipped_copy / "notes.txt").write_text("mine")
    old_policy = (shipped_copy / "policy.safetensors").read_bytes()
    result = runner.invoke(app, ["train", "--scenario", "crisis", "--total-steps", "100",
                                 "--out", str(shipped_copy), "--overwrite"])  # fmt: skip
    assert result.exit_code == 0, result.output
    note, summary = result.stderr.splitlines()
    assert note == "note: --total-steps 100 trains 8,192 env steps: 1 whole update(s) of 8,192"
    assert re.fullmatch(rf"trained 8,192 env steps in \d+ s → {re.escape(str(shipped_copy))}; "
                        r"no episode ended, so no child survival or attachment yet", summary)  # fmt: skip
    assert result.stdout == ""
    assert (shipped_copy / "notes.txt").read_text() == "mine"
    assert not (shipped_copy / "evaluation.json").exists()
    assert (shipped_copy / "policy.safetensors").read_bytes() != old_policy
    assert (shipped_copy / "state.safetensors").is_file()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--seed", "-1"], f"--seed must be an integer in [0, {MAX_SEED}]"),
        (["--seed", "18446744073709551616"], f"--seed must be an integer in [0, {MAX_SEED}]"),
        (["--total-steps", "0"], "--total-steps must be an integer in [1, 10000000000]; got 0"),
        (["--total-steps", "-8192"], "--total-steps must be an integer in [1, 10000000000]"),
        (["--total-steps", "10" * 6], "--total-steps must be an integer in [1, 10000000000]"),
        (["--checkpoint-every", "0"], "--checkpoint-every must be seconds in (0, 86400]; got 0.0"),
        (["--checkpoint-every", "nan"], "--checkpoint-every must be seconds in (0, 86400]"),
        (["--checkpoint-every", "inf"], "--checkpoint-every must be seconds in (0, 86400]"),
        (["--checkpoint-every", "86401"], "--checkpoint-every must be seconds in (0, 86400]"),
        (["--resume", "--overwrite"], "--resume continues the run in --out and --overwrite"),
        (["--partners", "bogus=1"], "--partners: unknown child partner 'bogus' in the partners"),
        (["--partners", "co-trained=-1"], "weight of partner 'co-trained' must be a finite"),
        (["--partners", "co-trained=0,clingy=0"], "--partners: the partners' weights are all zero"),
        (["--partners", "co-trained"], "--partners: partners are name=weight items"),
    ],
)
def test_bad_options_are_refused_before_anything_is_made(tmp_path, args, needle):
    out = tmp_path / "new" / "run"
    assert needle in refused([*args, "--out", str(out)])
    assert not (tmp_path / "new").exists()


def test_unusable_folders_are_one_line_errors(tmp_path):
    (tmp_path / "file").write_text("x")
    assert "is a file; give --out a folder" in refused(["--out", str(tmp_path / "file")])
    line = refused(["--out", str(tmp_path / "file" / "run")])
    assert line.endswith(f"--out {tmp_path / 'file' / 'run'}: Not a directory")
    assert (tmp_path / "file").read_text() == "x"
    long = tmp_path / ("a" * 300) / "run"  # a name longer than a folder name may be
    assert refused(["--out", str(long)]).endswith("…: File name too long")
    if Path("/sys").is_dir():  # not writable, even by root
        line = refused(["--out", "/sys/emotion-engine-run"])
        assert line.startswith("error: cannot write the run into --out /sys/emotion-engine-run: ")


def test_help_lists_the_limits():
    text = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--overwrite" in text and "--checkpoint-every" in text and "SECONDS" in text
    assert f"[0, {MAX_SEED}]" in text and f"(0, {MAX_CHECKPOINT_SECONDS:g}]" in text
    assert f"= {default_config(1, 0).batch_size} env steps each" in text
