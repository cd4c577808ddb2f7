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
from emotion_engine.app.episode import Episode, StepRecord
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
    # lines, then per happening kind a marker trace per panel
    assert len(primitives.data) == 20 + 10 and len(modulators.data) == 14 + 10
    assert len(complex_.data) == 8 + 5 and len(body.data) == 4 + 5
    lines = primitives.data[:20] + modulators.data[:14]
    assert all(len(t.y) == n for t in lines)
    assert np.allclose(primitives.data[10].y, [r.primitives[1, 0] for r in episode.records])
    love = complex_.data[0]
    assert love.name == "parent: maternal love" and love.line.width > complex_.data[1].line.width
    assert complex_.data[4].name == "child: love for the parent"
    assert np.allclose(love.y, [r.complex_emotions[0, 0] for r in episode.records[1:]])
    shields = [r.t for r in episode.records if any(h.kind == "shield" for h in r.happenings)]
    for fig in (primitives, complex_, modulators, body):
        marked = {t.name: list(t.x) for t in fig.data if t.mode == "markers"}
        assert list(marked) == ["feed", "comfort", "shield", "threat", "death"]
        assert marked["shield"] == shields
        assert fig.layout.xaxis.title.text == "step" and fig.layout.yaxis.title.text == "level"
    assert primitives.layout.xaxis.range == (0, 50)


def test_marks_gather_each_kind_with_its_words():
    from emotion_engine.app.charts import marks
    from emotion_engine.app.episode import Happening

    def record(t, *happenings):
        return StepRecord(t, *[np.zeros(2)] * 6, happenings=happenings)

    fed = Happening("feed", "the parent fed the child")
    threat = Happening("threat", "a threat appeared")
    both = marks([record(0), record(1, fed), record(2, threat, fed), record(3)])
    assert both["feed"] == ([1, 2], ["the parent fed the child"] * 2)
    assert both["threat"] == ([2], ["a threat appeared"])
    assert both["death"] == ([], [])


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
