"""Static plots (matplotlib, drawn off-screen) for the command line and docs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

EMOTION_COLORS: dict[str, str] = {
    "fear": "#7b3294",
    "mad": "#d7191c",
    "joy": "#f4b400",
    "love": "#e7298a",
    "sad": "#2c7bb6",
    "surprise": "#fdae61",
    "power": "#1a9641",
}
"""One colour per primary emotion, shared by every plot."""


def pyplot():
    """matplotlib.pyplot on the off-screen Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: str | Path, dpi: int = 110) -> Path:
    """Write a figure as PNG and free it."""
    path = Path(path)
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)
    return path


def plot_affect(series: dict, path: str | Path, title: str = "Emotion model") -> Path:
    """Two panels: modulator levels and primary emotions over time; writes a PNG."""
    plt = pyplot()

    from emotion_engine.affect import EMOTIONS, MODULATORS

    t = np.asarray(series["t"])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, constrained_layout=True)
    for i, name in enumerate(MODULATORS):
        top.plot(t, np.asarray(series["levels"])[:, i], label=name)
    top.set_ylabel("level (K = 1)")
    top.set_ylim(0, 1.05)
    top.legend(ncol=4, fontsize=8, loc="upper right")
    top.set_title(title)
    for i, name in enumerate(EMOTIONS):
        bottom.plot(t, np.asarray(series["primary"])[:, i], label=name, color=EMOTION_COLORS[name])
    bottom.set_ylabel("probability")
    bottom.set_xlabel("time (s)")
    bottom.set_ylim(0, 1.0)
    bottom.legend(ncol=4, fontsize=8, loc="upper right")
    return save_figure(fig, path)
