"""docs/RESULTS.md from a sweep's results folder: the emergence experiment's table and plots.

It reads the layout that ``emotion-engine sweep`` writes (``sweep.json`` with one row per
(condition, seed), and each run's ``metrics.jsonl``) and writes a Markdown report with

- a table per condition: each metric's mean over training seeds with a 95% bootstrap CI
  across seeds (each seed's value is itself a mean over held-out evaluation episodes);
- learning curves (child survival and parent attachment over training, mean over seeds);
- bars with CIs for child survival, shield events and attachment;
- a verdict on the hypothesis, computed from the numbers, never written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from emotion_engine.plots import pyplot, save_figure
from emotion_engine.training.stats import bootstrap_ci

METRICS: tuple[tuple[str, str], ...] = (
    ("child_survival_rate", "child survival"),
    ("parent_survival_rate", "parent survival"),
    ("shield_events_per_episode", "shield events / episode"),
    ("attachment_mean", "parent attachment"),
    ("maternal_love_mean", "maternal love"),
    ("time_to_help_mean", "time to help (steps)"),
)


def load_sweep(folder: str | Path) -> dict:
    """The sweep.json of a results folder, with a clear error if it is missing."""
    path = Path(folder) / "sweep.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"no sweep results at {path}; run `emotion-engine sweep --out {folder}` first"
        )
    return json.loads(path.read_text())


def condition_table(sweep: dict) -> list[dict]:
    """Per condition: seeds done, and each metric's mean and 95% CI across seeds."""
    rows = []
    for condition in sweep["conditions"]:
        done = [r for r in sweep["rows"] if r["condition"] == condition and r["status"] == "done"]
        row: dict = {"condition": condition, "seeds_done": len(done),
                     "seeds": sum(r["condition"] == condition for r in sweep["rows"])}  # fmt: skip
        for key, _ in METRICS:
            values = [r[key] for r in done if r.get(key) is not None]
            row[key] = (float(np.mean(values)), bootstrap_ci(values)) if values else None
        rows.append(row)
    return rows


def verdict(table: list[dict]) -> str:
    """Does caring emerge from emotional reward? Compared with the selfish control, by CIs."""
    by = {r["condition"]: r for r in table}
    emo, ext = by.get("emotional"), by.get("extrinsic")
    if (
        not emo
        or not ext
        or emo["child_survival_rate"] is None
        or ext["child_survival_rate"] is None
    ):
        return "The sweep lacks the emotional or the extrinsic condition: no verdict."
    (m_e, (lo_e, _)), (m_x, (_, hi_x)) = emo["child_survival_rate"], ext["child_survival_rate"]
    if lo_e > hi_x:
        return (f"**Supported** for child survival: emotional reward {m_e:.0%} against the selfish "
                f"control's {m_x:.0%}, with 95% CIs that do not overlap.")  # fmt: skip
    return (f"**Not supported** by this sweep: child survival under emotional reward is {m_e:.0%} "
            f"against the selfish control's {m_x:.0%}, and their 95% CIs overlap (or emotional "
            "is lower).")  # fmt: skip


def learning_curves(
    folder: Path, sweep: dict, metric: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per condition: (env steps, mean over seeds of ``episode_<metric>``) from metrics.jsonl."""
    curves = {}
    for condition in sweep["conditions"]:
        series = []
        for row in sweep["rows"]:
            path = folder / condition / f"seed_{row['seed']}" / "metrics.jsonl"
            if row["condition"] != condition or not path.is_file():
                continue
            lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
            series.append(
                {x["env_steps"]: x[f"episode_{metric}"] for x in lines if f"episode_{metric}" in x}
            )
        steps = sorted(set().union(*series)) if series else []
        if steps:
            mean = [np.mean([s[k] for s in series if k in s]) for k in steps]
            curves[condition] = (np.array(steps), np.array(mean))
    return curves


def write_report(folder: str | Path, out: str | Path, command: str) -> Path:
    """Write the Markdown report and its plots (PNG files beside it)."""
    folder, out = Path(folder), Path(out)
    sweep = load_sweep(folder)
    table = condition_table(sweep)
    stem = out.with_suffix("")
    curves_png = _plot_curves(folder, sweep, Path(f"{stem}_curves.png"))
    bars_png = _plot_bars(table, Path(f"{stem}_bars.png"))
    lines = [
        f"# Results: does caring emerge from emotional reward? ({sweep['scenario']})",
        "",
        f"Regenerate with `{command}`. Sweep: {len(sweep['conditions'])} conditions × "
        f"{len(set(r['seed'] for r in sweep['rows']))} training seeds, {sweep['total_steps']:,} "
        f"env steps each; each seed evaluated on {sweep.get('eval_episodes', '?')} held-out "
        f"episodes of {sweep.get('eval_steps', '?')} steps. Means over seeds with 95% bootstrap "
        "CIs across seeds.",
        "",
        verdict(table),
        "",
        "| condition | seeds done | " + " | ".join(label for _, label in METRICS) + " |",
        "|---|---|" + "---|" * len(METRICS),
    ]
    for r in table:
        cells = [_cell(r[key]) for key, _ in METRICS]
        lines.append(
            f"| {r['condition']} | {r['seeds_done']}/{r['seeds']} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        f"![learning curves]({curves_png.name})",
        "",
        f"![results with 95% CIs]({bars_png.name})",
        "",
    ]
    out.write_text("\n".join(lines))
    return out


def _cell(value: tuple[float, tuple[float, float]] | None) -> str:
    if value is None:
        return "—"
    m, (lo, hi) = value
    return f"{m:.2f} [{lo:.2f}, {hi:.2f}]"


def _plot_curves(folder: Path, sweep: dict, path: Path) -> Path:
    from matplotlib.ticker import EngFormatter

    fig, axes = pyplot().subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    for ax, (metric, label) in zip(axes, (("child_survived", "child survival"),
                                          ("attachment_parent_child", "parent attachment")), strict=True):  # fmt: skip
        for condition, (x, y) in learning_curves(folder, sweep, metric).items():
            ax.plot(x, y, label=condition)
        ax.set_xlabel("env steps")
        ax.set_ylabel(label)
        ax.set_ylim(-0.02, 1.02)  # both are fractions
        ax.xaxis.set_major_formatter(EngFormatter())
    axes[0].legend(fontsize=7)
    return save_figure(fig, path)


def _plot_bars(table: list[dict], path: Path) -> Path:
    shown = METRICS[0], METRICS[2], METRICS[3]
    fig, axes = pyplot().subplots(1, len(shown), figsize=(12, 3.6), constrained_layout=True)
    names = [r["condition"] for r in table]
    for ax, (key, label) in zip(axes, shown, strict=True):
        means = [r[key][0] if r[key] else np.nan for r in table]
        err = np.array([[m - r[key][1][0], r[key][1][1] - m] if r[key] else [0, 0]
                        for m, r in zip(means, table, strict=True)]).T  # fmt: skip
        ax.bar(range(len(names)), means, yerr=err, capsize=3, color="#5b8bd0")
        ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=7)
        ax.set_title(label, fontsize=9)
    return save_figure(fig, path)
