"""docs/RESULTS.md generation from a sweep folder (fabricated here, in the sweep's layout)."""

import json

from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.training.results import condition_table, verdict


def fake_sweep(folder, survival):
    rows = []
    for condition, rates in survival.items():
        for seed, rate in enumerate(rates):
            run = folder / condition / f"seed_{seed}"
            run.mkdir(parents=True)
            lines = [{"env_steps": s, "episode_child_survived": rate * s / 300,
                      "episode_attachment_parent_child": 0.5} for s in (100, 200, 300)]  # fmt: skip
            (run / "metrics.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
            rows.append({"condition": condition, "seed": seed, "status": "done",
                         "child_survival_rate": rate, "parent_survival_rate": 1.0,
                         "shield_events_per_episode": 2.0 * rate, "attachment_mean": 0.6,
                         "maternal_love_mean": None, "time_to_help_mean": 10.0})  # fmt: skip
    rows.append({"condition": "explicit", "seed": 9, "status": "failed"})
    sweep = {"scenario": "crisis", "conditions": [*survival, "explicit"], "total_steps": 300,
             "eval_episodes": 10, "eval_steps": 50, "rows": rows}  # fmt: skip
    (folder / "sweep.json").write_text(json.dumps(sweep))
    return sweep


def test_table_and_verdict_follow_the_numbers(tmp_path):
    sweep = fake_sweep(tmp_path, {"emotional": [0.9, 0.95, 0.92], "extrinsic": [0.1, 0.0, 0.05]})
    table = {r["condition"]: r for r in condition_table(sweep)}
    mean, (low, high) = table["emotional"]["child_survival_rate"]
    assert abs(mean - 0.9233) < 1e-3 and low <= mean <= high
    assert table["explicit"]["seeds_done"] == 0 and table["explicit"]["child_survival_rate"] is None
    assert verdict(list(table.values())).startswith("**Supported**")
    flat = fake_sweep(tmp_path / "flat", {"emotional": [0.1, 0.2], "extrinsic": [0.15, 0.1]})
    assert verdict(condition_table(flat)).startswith("**Not supported**")


def test_results_command_writes_report_and_plots(tmp_path):
    fake_sweep(tmp_path / "sweep", {"emotional": [0.5, 0.6], "extrinsic": [0.4, 0.5]})
    out = tmp_path / "docs" / "RESULTS.md"
    out.parent.mkdir()
    result = CliRunner().invoke(
        app, ["results", "--runs", str(tmp_path / "sweep"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "| emotional | 2/2 |" in text and "RESULTS_curves.png" in text
    assert (out.parent / "RESULTS_curves.png").stat().st_size > 1000
    assert (out.parent / "RESULTS_bars.png").stat().st_size > 1000
    missing = CliRunner().invoke(app, ["results", "--runs", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "emotion-engine sweep" in missing.stderr
