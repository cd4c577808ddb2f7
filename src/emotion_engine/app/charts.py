"""Plotly figures of an episode, the neuromodulator lab and a comparison of runs.

Episode figures share one shape: x is the step (its axis fixed to the episode's length, so
a streamed chart grows left to right), y the level in [0, 1], parent on the left, child on the
right where both are shown, the episode's happenings (feed, comfort, shield, threat, death)
marked in a band above the lines, and ``uirevision`` kept so that a person's zoom survives
updates.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray
from plotly.subplots import make_subplots

from emotion_engine.affect import EMOTIONS, MODULATORS, PRIMITIVES
from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.app.episode import COMPLEX_NAMES, KINDS, WHO, StepRecord
from emotion_engine.worlds.render import AGENT_COLOURS as WORLD_COLOURS

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
AGENT_COLOURS = tuple("#{:02x}{:02x}{:02x}".format(*rgb) for rgb in WORLD_COLOURS)
"""The world picture's parent blue and child orange, as CSS colours."""
HEIGHT = 340
LAB_HEIGHT = 300
"""Height of the lab's charts: both fit beside its controls at 1400×1000."""
_MARGIN = {"l": 50, "r": 10, "t": 60, "b": 10}
MARKS: dict[str, tuple[str, str, float]] = {
    "feed": ("triangle-up", "#2ca02c", 1.05),
    "comfort": ("circle", "#e377c2", 1.09),
    "shield": ("diamond", "#1f77b4", 1.13),
    "threat": ("x", "#d62728", 1.17),
    "death": ("square", "#222222", 1.21),
}
"""Per happening kind: the marker's symbol, colour and height in the band above the lines."""
Y_RANGE = (0.0, 1.25)
_TITLES = {
    "primitives": "Social primitives (layer 3)",
    "complex": "Complex emotions (layer 4)",
    "modulators": "Neuromodulators (layer 1)",
    "body": "Health and hunger",
}


def stack(records: Sequence[StepRecord], field: str) -> NDArray:
    """One field of every record stacked along a new first axis (steps)."""
    return np.stack([getattr(r, field) for r in records])


Source = tuple[str, int, int | None]
"""Where a trace's y values come from: (record field, agent, index in the field or None)."""


def _layout(fig: go.Figure, title: str, steps: int) -> go.Figure:
    """The shared look; the y axis's ticks stop at 1 (the band above holds the marks)."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=HEIGHT,
        margin=_MARGIN,
        template="plotly_white",
        uirevision="episode",
        legend={"font": {"size": 11}, "orientation": "h", "y": -0.2, "yanchor": "top"},
    )
    fig.update_xaxes(range=[0, steps], title_text="step", title_standoff=4)
    fig.update_yaxes(range=list(Y_RANGE), tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_layout(yaxis_title={"text": "level", "standoff": 4})
    return fig


def _marks(fig: go.Figure, panels: int) -> None:
    """One empty marker trace per happening kind in each panel, in the legend once."""
    for kind, (symbol, colour, _) in MARKS.items():
        for panel in range(panels):
            trace = go.Scatter(
                x=[],
                y=[],
                name=kind,
                mode="markers",
                legendgroup=kind,
                showlegend=panel == 0,
                hovertemplate="step %{x}: %{text}<extra></extra>",
                marker={"symbol": symbol, "color": colour, "size": 8},
            )
            if panels == 1:
                fig.add_trace(trace)
            else:
                fig.add_trace(trace, 1, panel + 1)


def marks(records: Sequence[StepRecord]) -> dict[str, tuple[list[int], list[str]]]:
    """Per happening kind: the steps it happened at and what happened then, in words."""
    out: dict[str, tuple[list[int], list[str]]] = {kind: ([], []) for kind in KINDS}
    for r in records:
        for kind in KINDS:
            words = [h.words for h in r.happenings if h.kind == kind]
            if words:
                out[kind][0].append(r.t)
                out[kind][1].append("; ".join(words))
    return out


def _line(
    name: str, colour: str, width: float = 1.6, dash: str = "solid", **kw: object
) -> go.Scatter:
    return go.Scatter(
        x=[],
        y=[],
        name=name,
        mode="lines",
        line={"color": colour, "width": width, "dash": dash},
        **kw,
    )


def _per_agent(
    names: Sequence[str], field: str, title: str, steps: int
) -> tuple[go.Figure, list[Source]]:
    """Two panels (parent, child), one line per name."""
    fig = make_subplots(1, 2, subplot_titles=list(WHO), horizontal_spacing=0.06)
    sources: list[Source] = []
    for agent in range(2):
        for i, name in enumerate(names):
            colour = PALETTE[i % len(PALETTE)]
            trace = _line(name.replace("_", " "), colour, legendgroup=name, showlegend=agent == 0)
            fig.add_trace(trace, 1, agent + 1)
            sources.append((field, agent, i))
    _marks(fig, 2)
    return _layout(fig, title, steps), sources


def _complex(steps: int, available: bool) -> tuple[go.Figure, list[Source]]:
    """Layer 4: parent solid, child dotted, love for the other boldest, each role's names
    (:data:`COMPLEX_NAMES`); or a note why it is empty."""
    fig = go.Figure()
    sources: list[Source] = []
    if not available:
        fig.add_annotation(
            text="Not available: only the learned agents (trained, untrained) compose complex "
            "emotions;<br>the random and scripted baselines have no emotion composer.",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            font={"size": 13},
        )
    else:
        for agent, dash in ((0, "solid"), (1, "dot")):
            for i, name in enumerate(COMPLEX_NAMES[WHO[agent]]):
                bold = COMPLEX_EMOTIONS[i] == "maternal_love"
                colour = "#c2185b" if bold else PALETTE[i + 4]
                fig.add_trace(_line(f"{WHO[agent]}: {name}", colour, 3.5 if bold else 1.5, dash))
                sources.append(("complex_emotions", agent, i))
        _marks(fig, 1)
    return _layout(fig, _TITLES["complex"], steps), sources


def _body(steps: int) -> tuple[go.Figure, list[Source]]:
    """Health (solid) and hunger (dashed) of both agents."""
    fig = go.Figure()
    sources: list[Source] = []
    for agent in range(2):
        colour = AGENT_COLOURS[agent]
        fig.add_trace(_line(f"{WHO[agent]} health", colour, 2.5))
        fig.add_trace(_line(f"{WHO[agent]} hunger", colour, 1.5, "dash"))
        sources += [("health", agent, None), ("hunger", agent, None)]
    _marks(fig, 1)
    return _layout(fig, _TITLES["body"], steps), sources


@functools.lru_cache(maxsize=64)
def _template(name: str, steps: int, complex_available: bool) -> tuple[go.Figure, list[Source]]:
    """An episode's empty figure ``name``, built once per length (building costs a tenth of
    a second or more; copying one, a hundredth)."""
    if name == "complex":
        return _complex(steps, complex_available)
    if name == "body":
        return _body(steps)
    names = PRIMITIVES if name == "primitives" else MODULATORS
    return _per_agent(names, name, _TITLES[name], steps)


class EpisodeCharts:
    """Figures of an episode (``names``, of :attr:`NAMES`), copied from the templates and
    refilled at each update (refilling costs a few milliseconds)."""

    NAMES = ("primitives", "complex", "modulators", "body")

    def __init__(self, steps: int, complex_available: bool, names: Sequence[str] = NAMES) -> None:
        self.complex_available = complex_available
        self.figures = {}
        for name in names:
            fig, sources = _template(name, steps, complex_available)
            self.figures[name] = (go.Figure(fig), sources)

    def update(self, records: Sequence[StepRecord]) -> list[go.Figure]:
        """The figures showing ``records``, in the order of the names given."""
        t = stack(records, "t")
        with_complex = [r for r in records if r.complex_emotions is not None]
        data = {
            field: stack(records, field).astype(np.float32)
            for field in ("primitives", "modulators", "health", "hunger")
        }
        if with_complex:
            data["complex_emotions"] = stack(with_complex, "complex_emotions").astype(np.float32)
        times = {"complex_emotions": stack(with_complex, "t") if with_complex else t[:0]}
        happened = marks(records)
        out = []
        for fig, sources in self.figures.values():
            with fig.batch_update():
                for trace, (field, agent, index) in zip(fig.data, sources, strict=False):
                    if field not in data:
                        continue
                    column = data[field][:, agent]
                    trace.x = times.get(field, t)
                    trace.y = column if index is None else column[:, index]
                for trace in fig.data[len(sources) :]:
                    steps, words = happened[trace.name]
                    trace.x, trace.text = steps, words
                    trace.y = [MARKS[trace.name][2]] * len(steps)
            out.append(fig)
        return out


def levels_figure(
    levels: NDArray, history: NDArray, times: NDArray, window: float = 60.0
) -> go.Figure:
    """The lab's modulator levels over recent model time, current values in the legend."""
    fig = go.Figure()
    for i, name in enumerate(MODULATORS):
        colour = PALETTE[i]
        fig.add_trace(
            go.Scatter(
                x=times,
                y=history[:, i],
                name=f"{name} {levels[i]:.2f}",
                mode="lines",
                line={"color": colour, "width": 2},
                hovertemplate=f"{name}: %{{y:.2f}} at %{{x:.1f}} s<extra></extra>",
            )
        )
    fig.update_layout(
        title={"text": "Modulator levels (last 60 s)", "x": 0.01},
        height=LAB_HEIGHT,
        margin=_MARGIN,
        template="plotly_white",
        xaxis_title="model time, s",
        yaxis_title="level",
        xaxis_range=[max(0.0, times[-1] - window), max(window, times[-1])],
        yaxis_range=[0, 1.02],
        uirevision="lab",
    )
    return fig


def emotions_figure(emotions: NDArray, named: str) -> go.Figure:
    """The lab's primary-emotion distribution as bars: ``named``, the emotion the feeling
    names, darkest (none when it is "neutral"), and a dotted line at uniform (1/7)."""
    fig = go.Figure(
        go.Bar(
            x=list(EMOTIONS),
            y=emotions,
            marker_color=["#c2185b" if e == named else "#90a4ae" for e in EMOTIONS],
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    fig.add_hline(
        1 / len(EMOTIONS),
        line={"dash": "dot", "color": "#556", "width": 1},
        annotation_text="uniform: neutral",
        annotation_position="top right",
    )
    fig.update_layout(
        title={"text": f"Primary emotions (layer 2): {named}", "x": 0.01},
        height=LAB_HEIGHT,
        margin=_MARGIN,
        template="plotly_white",
        yaxis={"range": [0, 1], "title": "share", "tickformat": ".0%"},
        uirevision="lab",
    )
    return fig


def comparison_figure(
    metrics: Mapping[str, Mapping[str, NDArray]],
    survival: Mapping[str, tuple[float, float]],
    seeds: Sequence[int],
) -> go.Figure:
    """Per policy: attachment, shield events and maternal love as box-and-strip plots (one
    point per seed, value axes from zero), and child survival as a bar with its 95% interval;
    every tooltip names the policy, the measure and the seed."""
    panels = ("child survival", "attachment (parent → child)", "shield events", "maternal love")
    fig = make_subplots(1, 4, subplot_titles=panels, horizontal_spacing=0.07)
    for k, (policy, m) in enumerate(metrics.items()):
        colour = PALETTE[k]
        rate = float(np.mean(m["child_survived"]))
        low, high = survival[policy]
        fig.add_trace(
            go.Bar(
                x=[policy],
                y=[rate],
                marker_color=colour,
                showlegend=False,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [high - rate],
                    "arrayminus": [rate - low],
                },
                hovertemplate=f"{policy}: child survival %{{y:.0%}} "
                f"(95% CI {max(low, 0.0):.0%} to {high:.0%})<extra></extra>",
            ),
            1,
            1,
        )
        for col, key in (
            (2, "attachment_parent_child"),
            (3, "shield_events"),
            (4, "parent_maternal_love"),
        ):
            values = np.asarray(m[key], dtype=float)
            if np.isnan(values).all():
                continue
            fig.add_trace(
                go.Box(
                    y=values,
                    name=policy,
                    marker_color=colour,
                    boxpoints="all",
                    jitter=0.4,
                    pointpos=0,
                    showlegend=False,
                    hoveron="points",
                    customdata=list(seeds),
                    hovertemplate=f"{policy}, seed %{{customdata}}: {panels[col - 1]} "
                    "%{y:.3g}<extra></extra>",
                ),
                1,
                col,
            )
    fig.update_layout(height=HEIGHT + 40, margin=_MARGIN, template="plotly_white")
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", col=1)
    return fig
