"""docs/RESULTS.md from sweeps' results folders: the emergence experiment's tables and plots.

It reads the layout that ``emotion-engine sweep`` writes (``sweep.json`` with one row per
(condition, seed), and each run's ``metrics.jsonl``), one folder per scenario, and writes one
Markdown report with, per scenario,

- a table per condition: each metric's mean over training seeds with a 95% bootstrap CI
  across seeds (each seed's value is itself a mean over held-out evaluation episodes), and
  how long training took to reach the scenario's target;
- findings computed from the CIs, never written by hand: care against the selfish control,
  emotional against the explicit control, self-sacrifice (shield events) in crisis, and which
  intrinsic terms the ablations show to be needed;
- learning curves (child survival and parent attachment over training, mean over seeds) and
  bars with CIs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from textwrap import fill
from typing import TYPE_CHECKING

import numpy as np

from emotion_engine.plots import pyplot, save_figure
from emotion_engine.stats import bootstrap_ci
from emotion_engine.training.conditions import ABLATIONS
from emotion_engine.training.layout import METRICS_FILE, SWEEP_FILE, trial_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure

METRICS: tuple[tuple[str, str], ...] = (
    ("child_survival_rate", "child survival"),
    ("parent_survival_rate", "parent survival"),
    ("shield_events_per_episode", "shield events / episode"),
    ("attachment_mean", "parent attachment"),
    ("maternal_love_mean", "maternal love"),
    ("feeds_per_episode", "feeds / episode"),
    ("time_to_help_mean", "time to help (steps)"),
)

TARGETS = {"caretaking": 0.95, "crisis": 0.90}
"""Child survival each scenario's trained agents must reach (the training issue's targets)."""

TARGET_WINDOW = 5
"""Training reaches its target when the child survival of the training episodes, averaged
over this many updates (those in which episodes ended), reaches it."""


SWEEP_FIELDS: dict[str, type | tuple[type, ...]] = {
    "scenario": str, "conditions": list, "total_steps": int, "rows": list,
}  # fmt: skip
ROW_FIELDS: dict[str, type | tuple[type, ...]] = {"condition": str, "seed": int, "status": str}
LINE_FIELDS: dict[str, type | tuple[type, ...]] = {"env_steps": int, "sps": (int, float)}
"""The fields (and their types) of sweep.json, of its rows and of a metrics.jsonl line that
the report reads; anything else a file may hold or lack."""


def _check_fields(obj: object, fields: dict, where: str) -> None:
    """A ValueError naming ``where`` unless ``obj`` is an object with ``fields`` so typed."""
    if not isinstance(obj, dict):
        raise ValueError(f"{where} is not a JSON object")
    for name, kind in fields.items():
        value = obj.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{where} lacks {name!r} (or it has the wrong type)")


def _read_json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where} is not valid JSON ({e.msg} at line {e.lineno})") from None


def load_sweep(folder: str | Path) -> dict:
    """The sweep.json of a results folder; FileNotFoundError if it is missing, ValueError
    (saying what is wrong) if it is not a sweep's results."""
    path = Path(folder) / SWEEP_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no sweep results at {path}; run `emotion-engine sweep --out {folder}` first"
        )
    again = f"; rerun `emotion-engine sweep --out {folder}` to rewrite it"
    try:
        sweep = _read_json(path.read_text(errors="replace"), str(path))
        _check_fields(sweep, SWEEP_FIELDS, str(path))
        for i, row in enumerate(sweep["rows"]):  # type: ignore[index]
            _check_fields(row, ROW_FIELDS, f"{path}: row {i + 1}")
            if any(not isinstance(row.get(key), int | float | None) for key, _ in METRICS):
                raise ValueError(f"{path}: row {i + 1} has a metric that is not a number")
        if not all(isinstance(c, str) for c in sweep["conditions"]):  # type: ignore[index]
            raise ValueError(f"{path}: 'conditions' are not all names")
    except ValueError as e:
        raise ValueError(f"{e}{again}") from None
    return sweep  # type: ignore[return-value]


def read_metrics(folder: str | Path, condition: str, seed: int) -> list[dict]:
    """The lines of one trial's ``metrics.jsonl`` (empty if it has none); ValueError, naming
    the line, for one that is not a metrics line."""
    path = trial_dir(folder, condition, seed) / METRICS_FILE
    if not path.is_file():
        return []
    lines = []
    for n, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
        if text.strip():
            line = _read_json(text, f"{path} line {n}")
            _check_fields(line, LINE_FIELDS, f"{path} line {n}")
            lines.append(line)
    return lines


def _child_suffix(line: dict) -> str | None:
    """The suffix of the training child's episode metrics in a training log line:
    ``_co-trained`` (runs with child partners), ``""`` (without), None (no episode ended)."""
    return next((s for s in ("_co-trained", "") if f"episode_child_survived{s}" in line), None)


def recent_training(lines: list[dict], window: int = TARGET_WINDOW) -> dict[str, float] | None:
    """The training child's survival and the parent's attachment to it (the co-learning
    child's in runs with child partners), averaged over the last ``window`` updates in which
    episodes ended (each update weighs alike), and that number of ``updates``; None if no
    episode ended."""
    recent = [(line, s) for line in lines if (s := _child_suffix(line)) is not None][-window:]
    if not recent:
        return None

    def mean(metric: str) -> float:
        return float(np.mean([line[f"episode_{metric}{s}"] for line, s in recent]))

    return {"child_survival": mean("child_survived"), "attachment": mean("attachment_parent_child"),
            "updates": len(recent)}  # fmt: skip


def time_to_target(
    lines: list[dict], target: float, window: int = TARGET_WINDOW
) -> tuple[int, float] | None:
    """(env steps, training seconds) when the child survival of the training episodes,
    averaged over the last ``window`` updates in which episodes ended (each update's episodes
    weigh alike), first reached ``target``; None if it never did. In runs with scripted
    child partners it is the co-learning child's survival (``…_co-trained``).

    Training seconds add up each update's rollout and optimisation time (batch / sps), so
    checkpoint writing and evaluation are not counted.
    """
    seconds, recent, previous = 0.0, [], 0
    for line in lines:
        seconds += (line["env_steps"] - previous) / line["sps"]
        previous = line["env_steps"]
        suffix = _child_suffix(line)
        if suffix is None:
            continue
        recent = [*recent, line[f"episode_child_survived{suffix}"]][-window:]
        if len(recent) == window and np.mean(recent) >= target:
            return line["env_steps"], seconds
    return None


def condition_table(sweep: dict, folder: str | Path | None = None) -> list[dict]:
    """Per condition: seeds done, each metric's mean and 95% CI across seeds, and (given the
    sweep's folder) the seeds whose training reached the target and their median time."""
    target = TARGETS.get(sweep["scenario"], 0.9)
    rows = []
    for condition in sweep["conditions"]:
        done = [r for r in sweep["rows"] if r["condition"] == condition and r["status"] == "done"]
        row: dict = {"condition": condition, "seeds_done": len(done),
                     "seeds": sweep.get("seeds", sum(r["condition"] == condition for r in sweep["rows"]))}  # fmt: skip
        for key, _ in METRICS:
            values = [r[key] for r in done if r.get(key) is not None]
            row[key] = (float(np.mean(values)), bootstrap_ci(values)) if values else None
        if folder is not None:
            reached = [
                time_to_target(read_metrics(folder, condition, r["seed"]), target) for r in done
            ]
            times = [x for x in reached if x is not None]
            row["target_reached"] = len(times)
            row["target_steps"] = float(np.median([x[0] for x in times])) if times else None
            row["target_minutes"] = float(np.median([x[1] for x in times])) / 60 if times else None
        rows.append(row)
    return rows


MIN_SEEDS = 2
"""Conditions with fewer finished seeds have no CI across seeds and are not compared."""


def compare(table: list[dict], key: str, a: str, b: str) -> str | None:
    """'>' or '<' where condition ``a``'s 95% CI of ``key`` lies wholly above or below
    ``b``'s, '≈' where they overlap; None where either is missing or has fewer than
    :data:`MIN_SEEDS` finished seeds."""
    by = {r["condition"]: r for r in table}
    if any(
        c not in by or by[c].get(key) is None or by[c]["seeds_done"] < MIN_SEEDS for c in (a, b)
    ):
        return None
    (_, (lo_a, hi_a)), (_, (lo_b, hi_b)) = by[a][key], by[b][key]
    return ">" if lo_a > hi_b else "<" if hi_a < lo_b else "≈"


def _mean(table: list[dict], condition: str, key: str) -> float:
    return next(r[key][0] for r in table if r["condition"] == condition)


def verdict(table: list[dict]) -> str:
    """Does caring emerge from emotional reward? Compared with the selfish control, by CIs."""
    sign = compare(table, "child_survival_rate", "emotional", "extrinsic")
    if sign is None:
        return _no_verdict(table)
    m_e, m_x = (_mean(table, c, "child_survival_rate") for c in ("emotional", "extrinsic"))
    if sign == ">":
        return (f"**Supported** for child survival: emotional reward {m_e:.0%} against the selfish "
                f"control's {m_x:.0%}, with 95% CIs that do not overlap.")  # fmt: skip
    return (f"**Not supported** by this sweep: child survival under emotional reward is {m_e:.0%} "
            f"against the selfish control's {m_x:.0%}, and their 95% CIs overlap (or emotional "
            "is lower).")  # fmt: skip


def _no_verdict(table: list[dict]) -> str:
    """Why :func:`verdict` has none: a condition missing, or too few seeds with a result."""
    by = {r["condition"]: r for r in table}
    missing = [c for c in ("emotional", "extrinsic") if c not in by]
    if missing:
        return f"The sweep lacks the {' and the '.join(missing)} condition: no verdict."
    seeds = {c: by[c]["seeds_done"] if by[c]["child_survival_rate"] is not None else 0
             for c in ("emotional", "extrinsic")}  # fmt: skip
    return (f"Too few seeds for a verdict: emotional has {seeds['emotional']} finished seed(s) "
            f"and extrinsic {seeds['extrinsic']}, and a 95% CI across seeds needs at least "
            f"{MIN_SEEDS} (`emotion-engine sweep --seeds {MIN_SEEDS}` or more).")  # fmt: skip


WORDS = {">": "above", "<": "below", "≈": "not distinguishable from"}
"""How :func:`compare`'s answer reads in a sentence ("… — above it")."""


def _against(table: list[dict], key: str, control: str) -> tuple[float, float, str] | None:
    """(emotional's mean, the control's mean, how emotional compares in words), or None."""
    sign = compare(table, key, "emotional", control)
    if sign is None:
        return None
    return _mean(table, "emotional", key), _mean(table, control, key), WORDS[sign]


def findings(table: list[dict], scenario: str) -> list[str]:
    """The verdict, then what the other comparisons show, each from non-overlapping CIs."""
    lines = [verdict(table)]
    if x := _against(table, "child_survival_rate", "explicit"):
        lines.append(f"Against the explicit control (the parent rewarded for the child's own "
                     f"wellbeing): emotional {x[0]:.0%}, explicit {x[1]:.0%} — {x[2]} it.")  # fmt: skip
    if x := _against(table, "feeds_per_episode", "extrinsic"):  # the child may feed itself
        lines.append(f"Care: the parent fed the child {x[0]:.1f} times per episode under emotional "
                     f"reward, {x[1]:.1f} under the selfish control — {x[2]} it.")  # fmt: skip
    if scenario == "crisis" and (x := _against(table, "shield_events_per_episode", "extrinsic")):
        line = (f"Self-sacrifice: {x[0]:.1f} shield events per episode under emotional reward, "
                f"{x[1]:.1f} under the selfish control — {x[2]} it")  # fmt: skip
        if x := _against(table, "shield_events_per_episode", "explicit"):
            line += f"; {x[1]:.1f} under the explicit control — {x[2]} it"
        lines.append(line + ".")
    ablations = [r["condition"] for r in table if r["condition"] in ABLATIONS]
    measures = [("child_survival_rate", "child survival"), ("feeds_per_episode", "feeds")]
    if scenario == "crisis":
        measures.append(("shield_events_per_episode", "shield events"))
    for key, label in measures:
        line = _ablation_line(table, ablations, key, label)
        if line:
            lines.append(line)
    return lines


def _ablation_line(table: list[dict], ablations: list[str], key: str, label: str) -> str | None:
    """Which ablations lower ``key`` below the full emotional reward, by non-overlapping CIs."""
    signs = {c: compare(table, key, c, "emotional") for c in ablations}
    groups = {
        "lower (CIs apart) under": [c for c, x in signs.items() if x == "<"],
        "not distinguishable from the full emotional reward, or higher, under": [
            c for c, x in signs.items() if x in ("≈", ">")
        ],
        f"too few seeds to compare (fewer than {MIN_SEEDS} done):": [
            c for c, x in signs.items() if x is None
        ],
    }
    parts = [f"{text} " + ", ".join(f"`{c}`" for c in cs) for text, cs in groups.items() if cs]
    return f"Ablations, {label}: " + "; ".join(parts) + "." if parts else None


def learning_curves(
    folder: Path, sweep: dict, metric: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per condition: (env steps, mean over seeds of ``episode_<metric>``) from metrics.jsonl."""
    curves = {}
    for condition in sweep["conditions"]:
        series = []
        for row in sweep["rows"]:
            if row["condition"] != condition:
                continue
            lines = read_metrics(folder, condition, row["seed"])
            series.append(
                {x["env_steps"]: x[f"episode_{metric}"] for x in lines if f"episode_{metric}" in x}
            )
        steps = sorted(set().union(*series)) if series else []
        if steps:
            mean = [np.mean([s[k] for s in series if k in s]) for k in steps]
            curves[condition] = (np.array(steps), np.array(mean))
    return curves


def write_report(folders: str | Path | Sequence[str | Path], out: str | Path, command: str) -> Path:
    """Write the Markdown report, one section per sweep folder, and its plots beside it."""
    folders = [Path(f) for f in ([folders] if isinstance(folders, str | Path) else folders)]
    out = Path(out)
    sweeps = [load_sweep(f) for f in folders]
    scenarios = [s["scenario"] for s in sweeps]
    lines = [
        "# Results: does caring emerge from emotional reward?",
        "",
        f"Regenerate with `{command}`. Each sweep trains every condition with several seeds "
        "and evaluates each seed on held-out worlds; the tables give means over seeds with 95% "
        "bootstrap CIs across seeds. *Target* is the scenario's child-survival target "
        f"({', '.join(f'{k} {v:.0%}' for k, v in TARGETS.items())}) reached in training (the "
        f"child survival of the training episodes averaged over {TARGET_WINDOW} updates); its steps and "
        "minutes are medians over the seeds that reached it, minutes of training on one core.",
    ]
    for i, (folder, sweep) in enumerate(zip(folders, sweeps, strict=True)):
        scenario = sweep["scenario"]
        table = condition_table(sweep, folder)
        stem = out.with_suffix("")
        suffix = "" if len(folders) == 1 else f"_{scenario}"
        if scenarios.count(scenario) > 1:  # two sweeps of one scenario: one file name each
            suffix += f"_{i + 1}"
        curves = {metric: learning_curves(folder, sweep, metric) for metric, _ in CURVES}
        curves_png = save_figure(curves_figure(curves, trained_steps(sweep), scenario),
                                 Path(f"{stem}{suffix}_curves.png"))  # fmt: skip
        bars_png = _plot_bars(table, Path(f"{stem}{suffix}_bars.png"))
        lines += [
            "",
            f"## {scenario}" if scenarios.count(scenario) == 1 else f"## {scenario} ({folder})",
            "",
            f"{len(sweep['conditions'])} conditions × "
            f"{len(set(r['seed'] for r in sweep['rows']))} training seeds, "
            f"{sweep['total_steps']:,} env steps each; each seed evaluated on "
            f"{sweep.get('eval_episodes', '?')} held-out episodes of "
            f"{sweep.get('eval_steps', '?')} steps.",
            "",
            *[f"- {x}" for x in findings(table, scenario)],
            "",
            "| condition | seeds done | "
            + " | ".join(label for _, label in METRICS)
            + " | target reached | steps to target | minutes to target |",
            "|---|---|" + "---|" * (len(METRICS) + 3),
        ]
        for r in table:
            cells = [_cell(r[key]) for key, _ in METRICS]
            cells += [f"{r['target_reached']}/{r['seeds_done']}",
                      f"{r['target_steps']:,.0f}" if r["target_steps"] else "—",
                      f"{r['target_minutes']:.1f}" if r["target_minutes"] else "—"]  # fmt: skip
            lines.append(
                f"| {r['condition']} | {r['seeds_done']}/{r['seeds']} | " + " | ".join(cells) + " |"
            )
        lines += [
            "",
            *([] if any(curves.values()) else [NO_CURVES + ".", ""]),
            f"![learning curves, {scenario}]({curves_png.name})",
            "",
            f"![results with 95% CIs, {scenario}]({bars_png.name})",
        ]
    out.write_text("\n".join(lines) + "\n")
    return out


def _cell(value: tuple[float, tuple[float, float]] | None) -> str:
    if value is None:
        return "—"
    m, (lo, hi) = value
    return f"{m:.2f} [{lo:.2f}, {hi:.2f}]"


CURVES: tuple[tuple[str, str], ...] = (
    ("child_survived", "child survival"),
    ("attachment_parent_child", "parent attachment"),
)
"""The learning curves' metrics (``episode_<metric>`` in metrics.jsonl) and their labels."""

SHORT_CURVE = 10
"""Curves with fewer points (short runs: few updates in which episodes ended) show markers."""

NO_CURVES = (
    "No training episode ended within these runs, so the learning curves are empty: train "
    "longer (`emotion-engine sweep --total-steps`)"
)
"""What the report and the curves' plot say when no run logged an ended episode."""


def trained_steps(sweep: dict) -> int:
    """The most env steps a trial of the sweep trained (its row's ``env_steps``; else the
    sweep's ``total_steps``)."""
    done = [r["env_steps"] for r in sweep["rows"] if isinstance(r.get("env_steps"), int)]
    return max(done, default=sweep["total_steps"])


def curves_figure(
    curves: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], steps: int, title: str
) -> Figure:
    """The learning curves (:data:`CURVES` → :func:`learning_curves`) side by side over
    0 … ``steps`` env steps: short ones with markers, none with a note saying why."""
    from matplotlib.ticker import EngFormatter, MaxNLocator

    fig, axes = pyplot().subplots(1, len(CURVES), figsize=(10, 3.6), constrained_layout=True)
    for ax, (metric, label) in zip(axes, CURVES, strict=True):
        for condition, (x, y) in curves[metric].items():
            ax.plot(x, y, label=condition, marker="o" if len(x) < SHORT_CURVE else None)
        if not curves[metric]:
            note = fill(NO_CURVES.replace("`", ""), 44, break_on_hyphens=False)
            ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center", fontsize=8)
        last = max([steps, *(int(x[-1]) for x, _ in curves[metric].values())])
        ax.set_xlim(0, last * 1.03)
        ax.set_xlabel("env steps")
        ax.set_ylabel(label)
        ax.set_ylim(-0.02, 1.02)  # both are fractions
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.xaxis.set_major_formatter(EngFormatter())
    axes[0].set_title(title, fontsize=9, loc="left")
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=7)
    return fig


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
