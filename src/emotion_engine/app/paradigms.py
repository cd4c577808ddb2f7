"""The Paradigms tab: the attachment protocols of :mod:`emotion_engine.paradigms` from the app.

:func:`run` validates a page's inputs (as :mod:`.inputs` does a run's) and runs a paradigm;
:func:`phase_data` takes one measure's per-phase means and 95% CIs out of its result, exactly
as :func:`~emotion_engine.paradigms.run_paradigm` computed them, and :func:`paradigm_figure`
draws them on one chart: the phases as shaded bands over the steps, the measure as a point
per phase at the band's middle with its CI as an error bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from emotion_engine.app.inputs import (
    MAX_EPISODES,
    MAX_SEED,
    MIN_EPISODES,
    POLICY_LABELS,
    SCENARIO_LABELS,
    choice,
    whole_number,
)
from emotion_engine.app.policies import load
from emotion_engine.paradigms import PARADIGMS, run_paradigm
from emotion_engine.worlds.core import WorldParams

ABOUT: dict[str, str] = {
    "still-face": "Still-Face (Tronick et al. 1978): normal care, then the parent stays put "
    "and unresponsive, then care resumes. Look for the child's distress rising while the "
    "parent is still and falling after the reunion.",
    "strange-situation": "Strange Situation (Ainsworth et al. 1978, reduced): together, then "
    "the parent is held in the far corner, then reunited. Look for distress during the "
    "separation, and the child near the parent again after the reunion.",
    "stranger": "Stranger: the own child is swapped for an unfamiliar one halfway. Look for the "
    "parent's attachment falling to zero at the swap and a new bond growing with the stranger.",
}
"""Paradigm → one sentence on what it tests and what to look for."""
assert set(ABOUT) == set(PARADIGMS)

MEASURES: dict[str, str] = {
    "child_distress": "child's distress",
    "child_near_parent": "child within one cell of the parent (share of steps)",
    "child_proximity_seeking": "child moving closer to the parent (share of steps)",
    "attachment_parent_child": "parent's attachment to the child in its care",
    "attachment_child_parent": "child's attachment to the parent",
    "parent_empathic_distress": "parent's empathic distress",
    "parent_comfort_acts": "parent's comfort acts per step",
    "parent_feeds": "parent's feeds per step",
}
"""The measures the tab can plot (:mod:`emotion_engine.paradigms`' per-step measures)."""
FIRST_MEASURE: dict[str, str] = {
    "still-face": "child_distress",
    "strange-situation": "child_distress",
    "stranger": "attachment_parent_child",
}
"""The measure each paradigm opens with."""
DEFAULT_EPISODES = 10
BAND_COLOURS = ("#1f77b4", "#d62728", "#2ca02c")


@dataclass(frozen=True)
class PhaseData:
    """One measure over a paradigm's phases: names, step spans, means and 95% CIs."""

    names: list[str]
    starts: list[int]
    ends: list[int]
    means: list[float]
    lows: list[float]
    highs: list[float]

    @property
    def middles(self) -> list[float]:
        """The middle step of each phase, where its point is drawn."""
        return [(s + e) / 2 for s, e in zip(self.starts, self.ends, strict=True)]


def run(
    paradigm: object, scenario: object, policy: object, episodes: object, seed: object
) -> dict[str, Any]:
    """A validated :func:`~emotion_engine.paradigms.run_paradigm`; InvalidInput naming the
    first bad input, PolicyUnavailable when the trained agents cannot load."""
    name = choice("paradigm", paradigm, {k: k for k in PARADIGMS})
    world = choice("scenario", scenario, SCENARIO_LABELS)
    agents = choice("policy", policy, POLICY_LABELS)
    n = whole_number("episodes", episodes, MIN_EPISODES, MAX_EPISODES)
    first = whole_number("seed", seed, 0, MAX_SEED)
    load(agents, WorldParams(scenario=world), first)  # the trained agents' refusal, if any
    return run_paradigm(name, world, agents, n, first)


def phase_data(result: dict[str, Any], measure: str) -> PhaseData:
    """``measure``'s per-phase mean and 95% CI in a paradigm's ``result``."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of: {', '.join(MEASURES)}")
    phases = result["phases"]
    cis = [p[measure]["ci95"] for p in phases]
    return PhaseData(
        names=[p["name"] for p in phases],
        starts=[p["start"] for p in phases],
        ends=[p["end"] for p in phases],
        means=[p[measure]["mean"] for p in phases],
        lows=[low for low, _ in cis],
        highs=[high for _, high in cis],
    )


def paradigm_figure(result: dict[str, Any], measure: str) -> go.Figure:
    """The phases as shaded bands, ``measure`` per phase with its 95% CI as an error bar."""
    d = phase_data(result, measure)
    fig = go.Figure()
    for i, (name, start, end) in enumerate(zip(d.names, d.starts, d.ends, strict=True)):
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor=BAND_COLOURS[i % len(BAND_COLOURS)],
            opacity=0.1,
            line_width=0,
            layer="below",
            annotation_text=f"{name} ({start}–{end})",
            annotation_position="top left",
        )
    fig.add_trace(
        go.Scatter(
            x=d.middles,
            y=d.means,
            mode="lines+markers",
            name=MEASURES[measure],
            marker={"size": 10, "color": "#c2185b"},
            line={"color": "#c2185b", "dash": "dot"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [h - m for h, m in zip(d.highs, d.means, strict=True)],
                "arrayminus": [m - lo for m, lo in zip(d.means, d.lows, strict=True)],
            },
            customdata=list(zip(d.names, d.lows, d.highs, strict=True)),
            hovertemplate="%{customdata[0]}: %{y:.3f} (95% CI %{customdata[1]:.3f} to "
            "%{customdata[2]:.3f})<extra></extra>",
        )
    )
    title = (
        f"{result['paradigm']}: {MEASURES[measure]} per phase (mean and 95% CI over "
        f"{result['episodes']} episodes, {result['policy']}, {result['scenario']})"
    )
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=380,
        margin={"l": 50, "r": 10, "t": 60, "b": 40},
        template="plotly_white",
        showlegend=False,
        xaxis={"title": "step", "range": [0, d.ends[-1]]},
        yaxis={"title": MEASURES[measure], "rangemode": "tozero"},
    )
    return fig


def phase_rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of a table: a row per measure, a column per phase, "mean (low–high)"."""
    phases = result["phases"]
    headers = ["measure", *(f"{p['name']} {p['start']}–{p['end']}" for p in phases)]
    rows = []
    for key, label in MEASURES.items():
        cells = [p[key] for p in phases]
        rows.append([label, *(f"{c['mean']:.3f} ({c['ci95'][0]:.3f}–{c['ci95'][1]:.3f})"
                              for c in cells)])  # fmt: skip
    return headers, rows
