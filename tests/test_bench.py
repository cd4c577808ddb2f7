"""The benchmark harness reports well-formed figures (speed itself is never asserted)."""

import json
import subprocess

import pytest
from typer.testing import CliRunner

from emotion_engine.bench import BENCHMARKS
from emotion_engine.bench.harness import rate_result, time_repeats
from emotion_engine.cli import app


def test_time_repeats_runs_warmup_then_repeats():
    calls = []
    seconds = time_repeats(lambda: calls.append(1), repeats=5, warmup=2)
    assert len(seconds) == 5 and len(calls) == 7 and all(s >= 0 for s in seconds)


def test_rate_result_takes_the_median_and_spread():
    r = rate_result("x", "things/s", 10.0, [1.0, 2.0, 5.0])
    assert (r["value"], r["min"], r["max"], r["repeats"]) == (5.0, 2.0, 10.0, 3)
    assert r["machine"]["cores"] >= 1


def test_bench_command_quick_json_and_files(tmp_path):
    result = CliRunner().invoke(
        app, ["bench", "--only", "affect", "--quick", "--json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["affect"]
    assert all(r["unit"] == "agent-updates/s" and r["value"] > 0 for r in out["affect"])
    assert json.loads((tmp_path / "affect.json").read_text()) == out["affect"]


def test_unknown_benchmark_is_refused():
    result = CliRunner().invoke(app, ["bench", "--only", "nope"])
    assert result.exit_code == 2 and "unknown benchmark" in result.stderr
    assert "affect" in BENCHMARKS


def test_ppo_benchmark_pairs_ours_with_sb3_quick():
    from emotion_engine.bench.ppo import run

    names = [r["name"] for r in run(quick=True)]
    assert names == [
        "ppo_cartpole_ours_seconds",
        "ppo_cartpole_sb3_seconds",
        "ppo_cartpole_time_ratio_ours_over_sb3",
    ]  # 2,048 steps solve nothing, so no ratio of steps to solve


def test_ppo_benchmark_takes_its_seeds():
    from emotion_engine.bench.ppo import run

    ours = run(quick=True, seeds=2)[0]
    assert ours["seeds"] == [0, 1] and ours["runs"] == 2 and ours["steps_to_solve"] == [None] * 2


def test_seeds_are_refused_out_of_range_or_without_ppo():
    result = CliRunner().invoke(app, ["bench", "--only", "ppo", "--seeds", "0"])
    assert result.exit_code == 2 and "--seeds must be from 1 to 100; got 0" in result.stderr
    result = CliRunner().invoke(app, ["bench", "--only", "affect", "--seeds", "3"])
    assert result.exit_code == 2 and "use it with --only ppo alone" in result.stderr


def test_solved_is_a_full_window_averaging_475():
    from emotion_engine.bench.ppo import _solved

    assert _solved([475.0] * 100) and _solved([500.0] * 50 + [450.0] * 50)
    assert not _solved([500.0] * 99)  # fewer than 100 episodes
    assert not _solved([474.0] * 100)


def test_worlds_benchmark_quick_runs_past_deaths():
    from emotion_engine.bench.worlds import run

    results = {r["name"]: r for r in run(quick=True)}
    assert results["worlds_pettingzoo_env"]["unit"] == "env-steps/s"
    assert results["worlds_pettingzoo_env"]["value"] > 0


def test_training_benchmark_quick_measures_training_inference_and_parameters():
    from emotion_engine.bench.training import run

    results = {r["name"]: r for r in run(quick=True)}
    assert list(results) == [
        "training_caretaking_4x16",
        "training_crisis_4x16",
        "inference_batch1_policy_and_world",
        "inference_batch1_agents_forward",
        "inference_batch1_agents_forward_torch",
        "agent_parameters",
    ]
    assert results["training_crisis_4x16"]["unit"] == "env-steps/s"
    assert results["inference_batch1_policy_and_world"]["unit"] == "steps/s"
    assert all(r["value"] > 0 for r in results.values())
    parts = results["agent_parameters"]["parts"]
    assert results["agent_parameters"]["value"] == parts["total"] > parts["composer"] > 0


def test_against_resolves_and_exports_a_revision(tmp_path):
    from emotion_engine.bench.training import REPO, export_source, resolve_revision

    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    assert resolve_revision("HEAD") == head
    src = export_source(head, tmp_path)
    shown = subprocess.run(["git", "-C", str(REPO), "show", f"{head}:src/emotion_engine/bench/training.py"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert (src / "emotion_engine" / "bench" / "training.py").read_text() == shown


def test_against_refuses_an_unknown_revision_and_other_benchmarks():
    result = CliRunner().invoke(app, ["bench", "--only", "training", "--against", "no-such-rev"])
    assert result.exit_code == 2
    assert "--against no-such-rev: not a commit of the repository" in result.stderr
    result = CliRunner().invoke(app, ["bench", "--only", "ppo", "--against", "HEAD"])
    assert result.exit_code == 2 and "use it with --only training alone" in result.stderr


@pytest.mark.slow
def test_training_benchmark_against_a_revision_alternates_old_and_new():
    from emotion_engine.bench.training import resolve_revision, run

    results = {r["name"]: r for r in run(quick=True, against="HEAD")}
    assert list(results) == [
        f"training_{s}_4x16{suffix}"
        for s in ("caretaking", "crisis")
        for suffix in ("", "_at_HEAD", "_ratio_this_over_HEAD")
    ]
    old, new = results["training_crisis_4x16_at_HEAD"], results["training_crisis_4x16"]
    assert old["commit"] == resolve_revision("HEAD") and old["value"] > 0 and new["value"] > 0
    assert (
        results["training_crisis_4x16_ratio_this_over_HEAD"]["value"] == new["value"] / old["value"]
    )
