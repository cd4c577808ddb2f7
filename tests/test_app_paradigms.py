"""The Paradigms tab: validated runs, and a chart whose phases and CIs are the paradigms' own."""

import pytest

from emotion_engine.app.inputs import InvalidInput
from emotion_engine.app.paradigms import (
    ABOUT,
    FIRST_MEASURE,
    MEASURES,
    paradigm_figure,
    phase_data,
    phase_rows,
    run,
)
from emotion_engine.app.policies import PolicyUnavailable
from emotion_engine.paradigms import PARADIGMS, run_paradigm


@pytest.fixture(scope="module")
def still_face() -> dict:
    return run("still-face", "caretaking", "scripted", 3, 5)


def test_a_run_is_the_paradigms_own(still_face):
    assert still_face == run_paradigm("still-face", "caretaking", "scripted", 3, 5)
    assert still_face["first_world_seed"] == 1_000_005


def test_the_figures_data_are_the_phases_and_cis_of_the_result(still_face):
    d = phase_data(still_face, "child_distress")
    assert (d.names, d.starts, d.ends) == (
        ["baseline", "still", "reunion"],
        [0, 100, 160],
        [100, 160, 260],
    )
    assert d.middles == [50.0, 130.0, 210.0]
    phases = still_face["phases"]
    assert d.means == [p["child_distress"]["mean"] for p in phases]
    assert d.lows == [p["child_distress"]["ci95"][0] for p in phases]
    assert d.highs == [p["child_distress"]["ci95"][1] for p in phases]
    assert all(lo <= m <= hi for lo, m, hi in zip(d.lows, d.means, d.highs, strict=True))


def test_the_chart_shades_each_phase_and_draws_the_cis_as_error_bars(still_face):
    fig = paradigm_figure(still_face, "child_distress")
    d = phase_data(still_face, "child_distress")
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(b.x0, b.x1) for b in bands] == [(0, 100), (100, 160), (160, 260)]
    assert [a.text for a in fig.layout.annotations] == [
        "baseline (0–100)",
        "still (100–160)",
        "reunion (160–260)",
    ]
    (points,) = fig.data
    assert list(points.x) == d.middles and list(points.y) == d.means
    assert list(points.error_y.array) == [h - m for h, m in zip(d.highs, d.means, strict=True)]
    assert list(points.error_y.arrayminus) == [
        m - lo for m, lo in zip(d.means, d.lows, strict=True)
    ]
    assert points.hovertemplate.startswith("%{customdata[0]}: %{y:.3f} (95% CI")
    assert tuple(points.customdata[1]) == ("still", d.lows[1], d.highs[1])
    assert fig.layout.yaxis.rangemode == "tozero" and fig.layout.xaxis.title.text == "step"
    assert tuple(fig.layout.xaxis.range) == (0, 260)


def test_the_table_has_a_row_per_measure_and_a_column_per_phase(still_face):
    headers, rows = phase_rows(still_face)
    assert headers == ["measure", "baseline 0–100", "still 100–160", "reunion 160–260"]
    assert [r[0] for r in rows] == list(MEASURES.values())
    cell = still_face["phases"][1]["child_distress"]
    low, high = cell["ci95"]
    assert rows[0][2] == f"{cell['mean']:.3f} ({low:.3f}–{high:.3f})"


def test_every_paradigm_is_described_and_opens_on_a_measure_it_has():
    assert set(ABOUT) == set(FIRST_MEASURE) == set(PARADIGMS)
    stranger = run("stranger", "crisis", "random", 2, 0)
    assert [p["name"] for p in stranger["phases"]] == ["own", "stranger"]
    d = phase_data(stranger, FIRST_MEASURE["stranger"])
    assert d.ends == [150, 300] and d.means[0] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("face-off", "caretaking", "scripted", 3, 0), "unknown paradigm 'face-off'"),
        (("stranger", "beach", "scripted", 3, 0), "unknown scenario 'beach'"),
        (("stranger", "crisis", "lazy", 3, 0), "unknown policy 'lazy'"),
        (("stranger", "crisis", "scripted", 1, 0), "episodes must be from 2 to 100"),
        (("stranger", "crisis", "scripted", 3, None), "seed is empty"),
        (("stranger", "crisis", "scripted", 3, -1), "seed must be from 0 to"),
    ],
)
def test_bad_inputs_are_refused_naming_the_input(args, message):
    with pytest.raises(InvalidInput, match=message):
        run(*args)


def test_trained_without_checkpoint_is_refused(no_checkpoints):
    with pytest.raises(PolicyUnavailable, match="untrained"):
        run("still-face", "caretaking", "trained", 2, 0)


def test_the_page_handlers(still_face):
    import gradio as gr

    from emotion_engine.app.ui import paradigm_chosen, paradigm_page, paradigm_replot

    assert paradigm_chosen("stranger") == (ABOUT["stranger"], "attachment_parent_child")
    with pytest.raises(gr.Error, match="episodes must be from 2 to 100"):
        paradigm_page("still-face", "child_distress", "caretaking", "scripted", 0, 0)
    result, fig, _ = paradigm_page("still-face", "child_distress", "caretaking", "scripted", 3, 5)
    assert result == still_face and fig.data[0].y == tuple(
        phase_data(result, "child_distress").means
    )
    replot = paradigm_replot(result, "child_near_parent")
    assert list(replot.data[0].y) == phase_data(result, "child_near_parent").means
