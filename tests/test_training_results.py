"""docs/RESULTS.md generation from a sweep folder (fabricated here, in the sweep's layout)."""

import json
import subprocess
import sys
import warnings

import numpy as np
from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.plots import pyplot
from emotion_engine.training.layout import METRICS_FILE, SWEEP_FILE, trial_dir
from emotion_engine.training.results import (
    CURVES,
    NO_CURVES,
    condition_table,
    curves_figure,
    findings,
    learning_curves,
    time_to_target,
    trained_steps,
    verdict,
)


def fake_sweep(folder, survival, scenario="crisis", ended=True):
    """A sweep whose runs log 7 updates (100 … 700 env steps), with the training episodes'
    child survival and attachment unless no episode ``ended``."""
    rows = []
    for condition, rates in survival.items():
        for seed, rate in enumerate(rates):
            run = trial_dir(folder, condition, seed)
            run.mkdir(parents=True)
            # the child survives (at the seed's rate) from 200 steps on
            episodes = [{"episode_child_survived": rate * (s >= 200),
                         "episode_attachment_parent_child": 0.5} if ended else {}
                        for s in range(100, 800, 100)]  # fmt: skip
            lines = [{"env_steps": s, "sps": 50.0} | e
                     for s, e in zip(range(100, 800, 100), episodes, strict=True)]  # fmt: skip
            (run / METRICS_FILE).write_text("".join(json.dumps(x) + "\n" for x in lines))
            rows.append({"condition": condition, "seed": seed, "status": "done", "env_steps": 700,
                         "child_survival_rate": rate, "parent_survival_rate": 1.0,
                         "shield_events_per_episode": 2.0 * rate, "feeds_per_episode": 50.0 * rate,
                         "attachment_mean": 0.6,
                         "maternal_love_mean": None, "time_to_help_mean": 10.0})  # fmt: skip
    rows.append({"condition": "explicit", "seed": 9, "status": "failed"})
    sweep = {"scenario": scenario, "conditions": [*survival, "explicit"], "total_steps": 300,
             "eval_episodes": 10, "eval_steps": 50, "rows": rows}  # fmt: skip
    (folder / SWEEP_FILE).write_text(json.dumps(sweep))
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


def test_no_verdict_says_why(tmp_path):
    one_seed = fake_sweep(tmp_path / "one", {"emotional": [0.9], "extrinsic": [0.1]})
    assert verdict(condition_table(one_seed)) == (
        "Too few seeds for a verdict: emotional has 1 finished seed(s) and extrinsic 1, and a "
        "95% CI across seeds needs at least 2 (`emotion-engine sweep --seeds 2` or more)."
    )
    alone = fake_sweep(tmp_path / "alone", {"emotional": [0.9, 0.8]})
    assert verdict(condition_table(alone)) == (
        "The sweep lacks the extrinsic condition: no verdict."
    )


def _curves(folder, sweep):
    return {metric: learning_curves(folder, sweep, metric) for metric, _ in CURVES}


def test_a_small_sweep_reports_without_warnings_or_empty_curves(tmp_path):
    short = fake_sweep(tmp_path / "short", {"emotional": [0.5], "extrinsic": [0.4]}, ended=False)
    out = tmp_path / "RESULTS.md"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a matplotlib warning fails the command
        result = CliRunner().invoke(app, ["results", "--runs", str(tmp_path / "short"),
                                          "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0 and result.exception is None, result.output
    text = out.read_text()
    assert "- Too few seeds for a verdict: emotional has 1" in text
    assert f"{NO_CURVES}.\n\n![learning curves, crisis](RESULTS_curves.png)" in text
    fig = curves_figure(_curves(tmp_path / "short", short), trained_steps(short), "crisis")
    for ax in fig.axes:
        assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] >= 700 and not ax.lines
        (note,) = ax.texts
        assert " ".join(note.get_text().split()) == NO_CURVES.replace("`", "")
        fig.canvas.draw()
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks[0] == "0" and not any(x.endswith("m") for x in ticks)  # no milli-steps
    assert fig.axes[0].get_legend() is None
    pyplot().close(fig)


def test_short_runs_draw_their_few_points(tmp_path):
    sweep = fake_sweep(tmp_path, {"emotional": [0.5, 0.6], "extrinsic": [0.4, 0.5]})
    fig = curves_figure(_curves(tmp_path, sweep), trained_steps(sweep), "crisis")
    child = fig.axes[0]
    assert [line.get_marker() for line in child.lines] == ["o", "o"]  # 7 updates each
    np.testing.assert_allclose(child.lines[0].get_ydata(), [0, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55])
    assert child.get_xlim() == (0, 700 * 1.03) and not child.texts
    assert [t.get_text() for t in child.get_legend().get_texts()] == ["emotional", "extrinsic"]
    pyplot().close(fig)


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
    missing = CliRunner().invoke(
        app, ["results", "--runs", str(tmp_path / "none"), "--out", str(tmp_path / "R.md")]
    )
    assert missing.exit_code == 2 and "emotion-engine sweep" in missing.stderr


def test_time_to_target_is_the_first_window_at_the_target():
    survival = [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    lines = [{"update": 0, "env_steps": 100, "sps": 100.0}]  # no episode ended yet
    lines += [{"env_steps": 100 * (i + 2), "sps": 50.0, "episode_child_survived": x}
              for i, x in enumerate(survival)]  # fmt: skip
    # windows of 5: the one ending at the 6th survival value averages 0.9
    assert time_to_target(lines, 0.9) == (700, 1.0 + 6 * 2.0)
    assert time_to_target(lines, 0.95) == (800, 1.0 + 7 * 2.0)
    assert time_to_target(lines[:-1], 0.95) is None
    assert time_to_target(lines[:5], 0.0) is None  # fewer updates with episodes than a window
    # with child partners it is the co-learning child's survival that counts
    mixed = [line | {"episode_child_survived_co-trained": line["episode_child_survived"]}
             for line in lines[1:]]  # fmt: skip
    mixed = [m | {"episode_child_survived": 0.2} for m in mixed]
    assert time_to_target(mixed, 0.95) == (800, 200 / 50.0 + 6 * 2.0)


def test_findings_compare_controls_self_sacrifice_and_ablations(tmp_path):
    sweep = fake_sweep(tmp_path, {"emotional": [0.9, 0.95, 0.92], "extrinsic": [0.1, 0.0, 0.05],
                                  "no_bond": [0.2, 0.1, 0.15], "no_empathic_joy": [0.9, 0.93, 0.95],
                                  "no_own_valence": [0.5]})  # fmt: skip
    lines = findings(condition_table(sweep), "crisis")
    assert lines[0].startswith("**Supported**")
    assert any(x.startswith("Self-sacrifice:") and "above it" in x for x in lines)
    assert any(x.startswith("Care:") and "above it" in x for x in lines)
    (ablation,) = [x for x in lines if x.startswith("Ablations, child survival:")]
    assert "lower (CIs apart) under `no_bond`;" in ablation
    assert "or higher, under `no_empathic_joy`;" in ablation
    assert ablation.endswith("(fewer than 2 done): `no_own_valence`.")  # one seed: no CI
    assert any(x.startswith("Ablations, shield events:") for x in lines)
    assert not any(
        x.startswith("Self-sacrifice") for x in findings(condition_table(sweep), "caretaking")
    )


def test_results_command_writes_one_section_per_sweep(tmp_path):
    for scenario in ("caretaking", "crisis"):
        fake_sweep(
            tmp_path / scenario, {"emotional": [0.9, 1.0], "extrinsic": [0.0, 0.1]}, scenario
        )
    out = tmp_path / "RESULTS.md"
    result = CliRunner().invoke(app, ["results", "--runs", str(tmp_path / "caretaking"),
                                      "--runs", str(tmp_path / "crisis"), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.index("## caretaking") < text.index("## crisis")
    assert f"--runs {tmp_path / 'caretaking'} --runs {tmp_path / 'crisis'}" in text
    for scenario in ("caretaking", "crisis"):
        assert f"RESULTS_{scenario}_curves.png" in text
        assert (tmp_path / f"RESULTS_{scenario}_bars.png").stat().st_size > 1000
    # caretaking's target (95%) is reached by the seed whose child always survives from 200
    # steps on, once 5 updates (200 … 600 steps, 12 s at 50 env-steps/s) show it
    caretaking = text[: text.index("## crisis")]
    assert "| emotional | 2/2 |" in caretaking and "| 1/2 | 600 | 0.2 |" in caretaking


def test_the_report_and_the_layout_load_without_torch():
    code = ("import sys, emotion_engine.training.results, emotion_engine.training.layout; "
            "print('torch' in sys.modules)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
