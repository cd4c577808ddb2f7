"""The app's Plotly figures hold the episode's data, and say when complex emotions are absent."""

import numpy as np

from emotion_engine.affect import EMOTIONS
from emotion_engine.app.charts import (
    EpisodeCharts,
    comparison_figure,
    emotions_figure,
    levels_figure,
)
from emotion_engine.app.compare import compare
from emotion_engine.app.episode import Episode
from emotion_engine.app.inputs import validate


def test_episode_charts_follow_the_records(no_checkpoints):
    episode = Episode(validate("crisis", 50, 0, "untrained"))
    charts = EpisodeCharts(50, complex_available=True)
    episode.step()
    first = [len(trace.x) for fig in charts.update(episode.records) for trace in fig.data[:1]]
    assert first == [2, 1, 2, 2]  # complex emotions exist from the first step on
    episode.run()
    primitives, complex_, modulators, body = charts.update(episode.records)
    n = len(episode.records)
    assert len(primitives.data) == 20 and len(modulators.data) == 14 and len(complex_.data) == 8
    assert all(len(t.y) == n for t in primitives.data + modulators.data)
    assert np.allclose(primitives.data[10].y, [r.primitives[1, 0] for r in episode.records])
    love = complex_.data[0]
    assert love.name == "parent: maternal love" and love.line.width > complex_.data[1].line.width
    assert np.allclose(love.y, [r.complex_emotions[0, 0] for r in episode.records[1:]])
    assert list(body.data[-1].x) == [r.t for r in episode.records if r.events]
    assert primitives.layout.xaxis.range == (0, 50)


def test_baselines_show_why_complex_emotions_are_missing():
    episode = Episode(validate("crisis", 50, 0, "scripted"))
    episode.run()
    _, complex_, _, _ = EpisodeCharts(50, complex_available=False).update(episode.records)
    assert len(complex_.data) == 0
    assert "Not available" in complex_.layout.annotations[0].text


def test_lab_and_comparison_figures():
    bars = emotions_figure(np.eye(7)[2], "joy")
    assert list(bars.data[0].x) == list(EMOTIONS) and bars.data[0].marker.color[2] == "#c2185b"
    lines = levels_figure(np.full(7, 0.5), np.full((3, 7), 0.5), np.arange(3.0))
    assert len(lines.data) == 7 and lines.data[0].name == "dopamine 0.50"
    c = compare("crisis", 50, 3, 0, "scripted", "random")
    fig = comparison_figure(c.metrics, c.survival, c.seeds)
    # a survival bar per policy, and boxes only where a metric exists (no maternal love here)
    assert sum(t.type == "bar" for t in fig.data) == 2
    assert sum(t.type == "box" for t in fig.data) == 4
