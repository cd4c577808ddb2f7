"""Progress bars on stderr (evaluate, calibrate, simulate --gif) that leave --json's stdout one
JSON object, and the line that ends ``train``."""

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import emotion_engine.cli as cli
from emotion_engine.training.results import recent_training

runner = CliRunner()


@pytest.fixture
def terminal(monkeypatch):
    """Stderr as a terminal, so that the bars are drawn (they are off elsewhere)."""
    monkeypatch.setattr(cli, "_stderr_console", lambda: Console(stderr=True, force_terminal=True))


@pytest.mark.parametrize(
    ("args", "bar"),
    [
        (["evaluate", "--policy", "scripted", "--episodes", "3", "--steps", "20"],
         "3 episodes .* 20/20 steps"),
        (["evaluate", "--policy", "scripted", "--episodes", "2", "--steps", "10",
          "--child-policy", "all"], "2 episodes .* 50/50 steps"),
        (["calibrate", "--episodes", "2", "--steps", "10", "--preset", "harsh"],
         "calibration .* 60/60 steps"),
    ],
)  # fmt: skip
def test_bars_go_to_stderr_and_json_stays_clean(terminal, args, bar):
    result = runner.invoke(cli.app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), dict)
    assert result.stdout.count("\n") == 1
    assert "0/" in result.stderr
    assert re.search(bar, result.stderr), result.stderr


def test_simulate_gif_shows_the_episode_bar(terminal, tmp_path: Path):
    gif = tmp_path / "e.gif"
    result = runner.invoke(cli.app, ["simulate", "--steps", "12", "--gif", str(gif), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"] == 12
    assert "12/12 steps" in result.stderr and f"wrote {gif} (13 frames)" in result.stderr


def test_no_bar_off_a_terminal():
    result = runner.invoke(cli.app, ["calibrate", "--episodes", "1", "--steps", "5", "--json"])
    assert result.exit_code == 0 and result.stderr == ""


def line(update: int, suffix: str, survived: float, attachment: float) -> dict:
    return {"update": update, f"episode_child_survived{suffix}": survived,
            f"episode_attachment_parent_child{suffix}": attachment}  # fmt: skip


def test_recent_training_is_the_co_learning_childs_over_the_last_updates_with_episodes():
    lines = [line(1, "_co-trained", 0.0, 0.0)] + [line(u, "_co-trained", u / 10, u / 20)
                                                 for u in range(2, 8)] + [{"update": 8}]  # fmt: skip
    lines[-2]["episode_child_survived"] = 1.0  # all partners' episodes: not the training child
    recent = recent_training(lines, window=5)
    assert recent == {"child_survival": pytest.approx(0.5), "attachment": pytest.approx(0.25),
                      "updates": 5}  # fmt: skip
    assert recent_training([line(1, "", 1.0, 0.5)]) == {"child_survival": 1.0, "attachment": 0.5,
                                                       "updates": 1}  # fmt: skip
    assert recent_training([{"update": 1}]) is None


def test_the_training_summary_line():
    recent = {"child_survival": 0.834, "attachment": 0.7251, "updates": 5}
    assert cli.training_summary(recent, 1_007_616, 512.4, Path("runs/x")) == (
        "trained 1,007,616 env steps in 512 s → runs/x; training child survival 0.83, parent "
        "attachment 0.73 (mean of the last 5 update(s) with episodes)"
    )


def test_train_json_stays_one_object_and_the_summary_goes_to_stderr(tmp_path: Path):
    out = tmp_path / "run"
    result = runner.invoke(cli.app, ["train", "--total-steps", "8192", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["env_steps"] == 8192 and summary["recent"] is None
    assert result.stderr.startswith("trained 8,192 env steps in ")
    assert result.stderr.endswith("no episode ended, so no child survival or attachment yet\n")


def test_sweep_shows_a_bar_of_its_trials(terminal, tmp_path: Path, monkeypatch):
    import emotion_engine.training.sweep as sweep

    def two_trials(settings, out, *args, on_row, on_note):
        rows = []
        for seed in (0, 1):
            rows.append({"condition": "emotional", "seed": seed, "status": "done",
                         "child_survival_rate": 0.5, "error": None})  # fmt: skip
            on_row(rows[-1])
        return rows

    monkeypatch.setattr(sweep, "run_sweep", two_trials)
    args = ["sweep", "--conditions", "emotional", "--seeds", "2", "--out", str(tmp_path / "s")]
    result = runner.invoke(cli.app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["rows"]) == 2
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    assert re.search(r"sweep .* 2/2 trials", shown), shown
    assert "emotional seed 1: done, child survival 0.500" in shown


def test_demo_start_up_names_its_stages_then_gives_the_url(terminal, monkeypatch):
    from emotion_engine.app.server import STARTUP

    def started(on_stage, **kw):
        for stage in STARTUP:
            on_stage(stage)
        on_stage(None)

    monkeypatch.setattr("emotion_engine.app.server.check_address", lambda host, port: None)
    monkeypatch.setattr("emotion_engine.app.server.serve", started)
    result = runner.invoke(cli.app, ["demo", "--port", "7999"])
    assert result.exit_code == 0, result.output
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    assert STARTUP == ("loading checkpoints", "building the app", "starting the server")
    for done, stage in enumerate(STARTUP):
        assert re.search(f"{stage} .* {done}/3 stages", shown), shown
    assert shown.rstrip().endswith(
        "Emotion Engine web app on http://127.0.0.1:7999 (Ctrl+C to stop)"
    )
