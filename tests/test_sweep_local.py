"""Sweeps on this machine: the results layout, skipping finished trials, a killed worker,
a killed sweep, two sweeps on one folder, partial and failed trials, a corrupt checkpoint,
and the ``sweep`` command."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emotion_engine.training.layout import LAST_POLICY_FILE, trial_dir
from emotion_engine.training.results import condition_table, load_sweep, read_metrics
from emotion_engine.training.sweep import EVAL_FIELDS, run_sweep
from sweep_trials import (
    BATCH,
    TINY,
    always_failing,
    emotional_rows,
    killed_once,
    logged,
    tiny,
)

TESTS = Path(__file__).parent

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
def test_a_killed_worker_fails_only_its_own_attempt_which_resumes(local, tmp_path):
    _, reference = local
    rows = run_sweep(tiny(("emotional",)), tmp_path, trial_fn=killed_once)
    assert [(r["status"], r["attempts"], r["error"]) for r in rows] == [
        ("done", 1, None), ("done", 2, None)]  # seed 0 ran on while seed 1's worker died  # fmt: skip
    assert metrics(rows) == metrics(emotional_rows(reference))  # resuming changes nothing


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_workers_of_a_killed_sweep_exit_with_it(tmp_path):
    script = ("import sys; sys.path.insert(0, sys.argv[1]); "
              "from emotion_engine.training.sweep import run_sweep; "
              "from sweep_trials import sleeping, tiny; "
              "run_sweep(tiny(), sys.argv[2], workers=2, trial_fn=sleeping)")  # fmt: skip
    sweep = subprocess.Popen([sys.executable, "-c", script, str(TESTS), str(tmp_path)])
    pids_dir, deadline = tmp_path / "pids", time.monotonic() + 120
    while len(list(pids_dir.glob("*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    pids = [int(p.read_text()) for p in pids_dir.glob("*")]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    os.kill(sweep.pid, signal.SIGKILL)
    sweep.wait()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def test_two_sweeps_on_one_folder_never_run_a_trial_twice(tmp_path):
    settings, results, notes = tiny(("emotional",)), {}, []

    def sweep(name: str) -> None:
        results[name] = run_sweep(settings, tmp_path, trial_fn=logged, on_note=notes.append)

    threads = [threading.Thread(target=sweep, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = (tmp_path / "trials.log").read_text().split("\n")[:-1]
    starts = sorted(line.split()[1:3] for line in log if line.startswith("start"))
    assert starts == [["emotional", "0"], ["emotional", "1"]]  # each trial once
    assert results["a"] == results["b"]
    assert [(r["status"], r["attempts"]) for r in results["a"]] == [("done", 1)] * 2
    assert notes and all("is being run by another sweep" in note for note in notes)


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


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("n_envs=1.5", "--set n_envs: n_envs must be an integer in [1, 4096]; got 1.5"),
        ("n_epochs=0.5", "--set n_epochs: n_epochs must be an integer in [1, 100]; got 0.5"),
        ("torch_threads=0", "--set torch_threads: torch_threads must be an integer in [1, 256]"),
        ("adam_eps=0", "--set adam_eps: adam_eps must be a finite number > 0; got 0"),
        ("max_grad_norm=NaN", "--set max_grad_norm: max_grad_norm must be a finite number > 0"),
        ("ent_coef=Infinity", "--set ent_coef: ent_coef must be a finite number >= 0; got inf"),
        ("n_envs=100000000", "--set n_envs: n_envs must be an integer in [1, 4096]"),
        ("clip_coef=-1", "--set clip_coef: clip_coef must be a finite number > 0; got -1"),
        ("target_kl=-1", "--set target_kl: target_kl must be a finite number > 0; got -1"),
        ("anneal_lr=no", "--set anneal_lr: anneal_lr must be true or false; got 'no'"),
        ("n_steps=1000000", "--set n_steps: n_envs × n_steps = 64000000 is more than 1048576"),
    ],
)
def test_sweep_set_values_are_checked_before_any_trial(tmp_path, value, says):
    out = tmp_path / "sweep"
    result = runner.invoke(app(), ["sweep", "--out", str(out), "--set", value])
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {says}")
    assert result.stderr.count("\n") == 1 and not out.exists()


def test_sweep_cuts_what_it_echoes(tmp_path):
    for value in ("k" * 10_000 + "=1", "n_envs=" + "9" * 10_000, "gamma" * 2_000):
        result = runner.invoke(app(), ["sweep", "--out", str(tmp_path), "--set", value])
        assert result.exit_code == 2 and len(result.stderr) < 400 and "…" in result.stderr


def test_sweep_refuses_an_out_that_cannot_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("")
    for out in (tmp_path / "file" / "sw", tmp_path / "file"):
        result = runner.invoke(app(), ["sweep", "--out", str(out), "--seeds", "1"])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"error: cannot make the sweep folder {out}: ")


def test_sweep_range_errors_name_the_option(tmp_path):
    refusals = {
        ("--seeds", "1001"): "--seeds must be <= 1000; got 1001",
        ("--seeds", "0"): "--seeds must be >= 1; got 0",
        ("--total-steps", "0"): "--total-steps must be >= 1; got 0",
        ("--eval-episodes", "0"): "--eval-episodes must be >= 1; got 0",
        ("--eval-steps", "-3"): "--eval-steps must be >= 1; got -3",
        ("--conditions", " , "): "--conditions must name at least one condition",
    }
    for args, message in refusals.items():
        result = runner.invoke(app(), ["sweep", "--out", str(tmp_path), *args])
        assert result.exit_code == 2 and result.stderr == f"error: {message}\n"
    result = runner.invoke(app(), ["sweep", "--out", str(tmp_path), "--total-steps", "10" * 6])
    assert result.exit_code == 2 and result.stderr == (
        "error: --total-steps must be an integer in [1, 10000000000]; "
        "got 101010101010\n")  # fmt: skip


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


def test_a_sweep_trains_and_evaluates_in_its_preset_with_its_partners(tmp_path):
    from emotion_engine.training.sweep import SweepSettings

    settings = SweepSettings("caretaking", ("emotional",), 1, BATCH, preset="harsh",
                             partners=(("co-trained", 1.0),), **TINY)  # fmt: skip
    (row,) = run_sweep(settings, tmp_path)
    assert row["status"] == "done"
    summary = json.loads((tmp_path / "sweep.json").read_text())
    assert (summary["preset"], summary["partners"]) == ("harsh", {"co-trained": 1.0})
    folder = trial_dir(tmp_path, "emotional", 0)
    spec = json.loads((folder / "policy.json").read_text())["spec"]
    assert (spec["preset"], spec["partners"]) == ("harsh", {"co-trained": 1.0})
    assert json.loads((folder / "eval.json").read_text())["preset"] == "harsh"
    with pytest.raises(ValueError, match=r"other settings \(preset, partners\)"):
        run_sweep(SweepSettings("caretaking", ("emotional",), 1, BATCH, **TINY), tmp_path)


def test_the_sweep_command_names_a_bad_partners_option(tmp_path):
    from emotion_engine.cli import app

    result = runner.invoke(app, ["sweep", "--partners", "stationary=-1", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --partners: the weight of partner 'stationary' must be a finite number >= 0; "
        "got -1.0"
    )
