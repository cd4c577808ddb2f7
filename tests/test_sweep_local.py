"""Sweeps on this machine: the results layout, skipping finished trials, a killed worker,
partial and failed trials, a corrupt checkpoint, and the ``sweep`` command."""

import json
import sys

import pytest
from typer.testing import CliRunner

from emotion_engine.training.layout import LAST_POLICY_FILE, trial_dir
from emotion_engine.training.results import condition_table, load_sweep, read_metrics
from emotion_engine.training.sweep import EVAL_FIELDS, run_sweep
from sweep_trials import BATCH, TINY, always_failing, emotional_rows, killed_once, tiny

runner = CliRunner()


def metrics(rows):
    """Everything but the attempt count and its error note."""
    return [{k: v for k, v in r.items() if k not in ("attempts", "error")} for r in rows]


@pytest.fixture
def local(tiny_local_sweep):
    return tiny_local_sweep


def test_local_sweep_writes_the_results_layout(local):
    out, rows = local
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["rows"] == rows and summary["backend"] == "local"
    assert (summary["scenario"], summary["conditions"], summary["seeds"]) == (
        "caretaking", ["emotional", "extrinsic"], 2)  # fmt: skip
    assert (summary["total_steps"], summary["eval_episodes"], summary["eval_steps"]) == (
        3 * BATCH, 4, 40)  # fmt: skip
    assert [(r["condition"], r["seed"]) for r in rows] == [
        ("emotional", 0), ("extrinsic", 0), ("emotional", 1), ("extrinsic", 1)]  # fmt: skip
    for row in rows:
        folder = trial_dir(out, row["condition"], row["seed"])
        assert (row["status"], row["attempts"], row["env_steps"]) == ("done", 1, 3 * BATCH)
        assert json.loads((folder / "status.json").read_text())["status"] == "done"
        evaluation = json.loads((folder / "eval.json").read_text())
        assert all(row[k] == evaluation[k] for k in EVAL_FIELDS)
        assert 0.0 <= row["child_survival_rate"] <= 1.0
        for name in ("state.safetensors", "policy.safetensors", "metrics.jsonl", "tb"):
            assert (folder / name).exists()


def test_the_report_reads_the_trials_where_the_sweep_wrote_them(local):
    out, rows = local
    steps = [[line["env_steps"] for line in read_metrics(out, r["condition"], r["seed"])]
             for r in rows]  # fmt: skip
    assert steps == [[BATCH, 2 * BATCH, 3 * BATCH]] * 4
    table = condition_table(load_sweep(out), out)
    assert [(r["condition"], r["seeds_done"], r["seeds"]) for r in table] == [
        ("emotional", 2, 2), ("extrinsic", 2, 2)]  # fmt: skip
    assert read_metrics(out, "emotional", 7) == []


def test_finished_trials_are_not_run_again(local):
    out, rows = local
    again = run_sweep(tiny(), out, trial_fn=always_failing)
    assert again == rows
    with pytest.raises(ValueError, match="other settings"):
        run_sweep(tiny().__class__("caretaking", ("emotional",), 1, 4 * BATCH, **TINY), out)


@pytest.mark.slow
def test_a_killed_worker_is_retried_and_resumes(local, tmp_path):
    _, reference = local
    rows = run_sweep(tiny(("emotional",)), tmp_path, trial_fn=killed_once)
    assert [r["status"] for r in rows] == ["done", "done"]
    assert rows[1]["attempts"] == 2 and "BrokenProcessPool" not in str(rows[1]["error"])
    assert metrics(rows) == metrics(emotional_rows(reference))  # resuming changes nothing


@pytest.mark.slow
def test_partial_and_failed_trials_are_kept_then_completed(local, tmp_path):
    _, reference = local
    rows = run_sweep(tiny(("emotional",)), tmp_path, max_attempts=2, trial_fn=always_failing)
    partial, failed = rows
    assert (partial["status"], partial["attempts"], partial["env_steps"]) == (
        "partial",
        2,
        2 * BATCH,
    )
    assert "gave up after 2 attempts" in partial["error"] and "injected fault" in partial["error"]
    assert partial["child_survival_rate"] is not None
    assert (trial_dir(tmp_path, "emotional", 0) / LAST_POLICY_FILE).is_file()
    assert failed["status"] == "failed" and all(failed[k] is None for k in EVAL_FIELDS)
    assert json.loads((tmp_path / "sweep.json").read_text())["rows"] == rows

    (trial_dir(tmp_path, "emotional", 0) / "state.safetensors").write_bytes(b"not a checkpoint")
    rows = run_sweep(tiny(("emotional",)), tmp_path)
    assert [(r["status"], r["attempts"]) for r in rows] == [("done", 3), ("done", 3)]
    assert "started over" in rows[0]["error"] and rows[1]["error"] is None
    assert metrics(rows) == metrics(emotional_rows(reference))


def test_sweep_command_prints_rows_and_refuses_bad_input(local, monkeypatch):
    out, rows = local
    sets = [a for k, v in TINY["config_overrides"].items() for a in ("--set", f"{k}={v}")]
    args = ["sweep", "--conditions", "emotional,extrinsic", "--seeds", "2", "--out", str(out),
            "--total-steps", str(3 * BATCH), "--eval-episodes", "4", "--eval-steps", "40", *sets]  # fmt: skip
    result = runner.invoke(app(), [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"rows": rows}
    table = runner.invoke(app(), args)
    assert table.exit_code == 0 and "extrinsic" in table.stdout and "done" in table.stdout
    bad = runner.invoke(app(), ["sweep", "--conditions", "emotional,kindness"])
    assert bad.exit_code == 2 and "unknown condition 'kindness'" in bad.stderr
    bad = runner.invoke(app(), [*args, "--set", "gamma"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.stderr
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    no_ray = runner.invoke(app(), [*args, "--backend", "ray"])
    assert no_ray.exit_code == 2 and 'pip install "emotion-engine[scale]"' in no_ray.stderr


def app():
    from emotion_engine.cli import app

    return app


def test_a_trial_killed_before_its_first_checkpoint_starts_over(tmp_path):
    from emotion_engine.training.sweep import run_trial

    (tmp_path / "sweep.json").write_text("{}")
    folder = trial_dir(tmp_path, "emotional", 0)
    (folder / "tb").mkdir(parents=True)
    (folder / "metrics.jsonl").write_text('{"update": 1}\n')  # no state.safetensors yet
    outcome = run_trial(tiny(("emotional",), 1), "emotional", 0, str(tmp_path), attempt=2)
    assert (outcome["status"], outcome["env_steps"]) == ("done", 3 * BATCH)
    lines = (folder / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(x)["update"] for x in lines] == [1, 2, 3]
