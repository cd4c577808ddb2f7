"""Compare runs: the same seeds for both policies, survival intervals, clear refusals."""

import numpy as np
import pytest

from emotion_engine.app.charts import comparison_figure
from emotion_engine.app.compare import COLUMNS, Countdown, compare
from emotion_engine.app.inputs import InvalidInput
from emotion_engine.app.policies import PolicyUnavailable
from emotion_engine.worlds.runner import simulate


def test_both_policies_play_the_same_seeds():
    c = compare("crisis", 60, 4, 10, "scripted", "random")
    assert c.seeds == [10, 11, 12, 13] and list(c.metrics) == ["scripted", "random"]
    single = simulate("crisis", 60, 12, "scripted")  # deterministic: the same world
    assert c.metrics["scripted"]["attachment_parent_child"][2] == pytest.approx(
        single["attachment_final"]
    )
    for policy, m in c.metrics.items():
        low, high = c.survival[policy]
        assert 0 <= low <= np.mean(m["child_survived"]) <= high <= 1
    rows = c.rows()
    assert len(rows) == 2 and len(rows[0]) == len(COLUMNS) and rows[0][4] == "n/a"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("crisis", 60, 4, 0, "random", "random"), "two different policies"),
        (("crisis", 60, 1, 0, "random", "scripted"), "episodes must be from 2 to 100"),
        (("crisis", 60, 101, 0, "random", "scripted"), "episodes must be from 2 to 100"),
        (("crisis", 700, 4, 0, "random", "scripted"), "steps must be from 50 to 500"),
        (("crisis", 60, 4, 0, "random", "lazy"), "unknown policy 'lazy'"),
    ],
)
def test_bad_comparisons_are_refused(args, message):
    with pytest.raises(InvalidInput, match=message):
        compare(*args)


def test_trained_without_checkpoint_is_refused(no_checkpoints):
    with pytest.raises(PolicyUnavailable, match="untrained"):
        compare("crisis", 60, 2, 0, "untrained", "trained")


def test_the_countdown_prices_a_policys_steps_left_at_its_measured_rate():
    now = [100.0]
    countdown = Countdown(200, clock=lambda: now[0])
    countdown.start_policy()
    assert countdown.seconds_left() is None
    assert countdown.describe("trained", "scripted") == (
        "trained: timing its first step, then scripted"
    )
    now[0] += 2.0
    countdown.advance(50)  # 0.04 s a step: 150 steps left take 6 s
    assert countdown.seconds_left() == pytest.approx(6.0)
    assert countdown.describe("trained", "scripted") == "trained: about 6 s left, then scripted"
    countdown.start_policy()  # the next policy is timed on its own
    now[0] += 0.5
    countdown.advance(10)  # 0.05 s a step: 190 steps left take 9.5 s
    assert countdown.seconds_left() == pytest.approx(9.5)
    assert countdown.describe("scripted", None) == "scripted: about 10 s left"


def test_a_comparison_reports_every_step_and_ends_at_its_total():
    told = []
    compare("crisis", 50, 3, 0, "scripted", "random", lambda *a: told.append(a))
    done = [d for d, _, _ in told]
    assert done == list(range(1, 101)) and {t for _, t, _ in told} == {100}
    assert told[0][2].startswith("scripted: about ") and told[0][2].endswith("s left, then random")
    assert told[49][2] == "scripted: about 0 s left, then random"
    assert told[-1][2] == "random: about 0 s left"


def test_the_comparison_figure_starts_at_zero_and_labels_its_tooltips():
    c = compare("crisis", 50, 3, 4, "scripted", "random")
    fig = comparison_figure(c.metrics, c.survival, c.seeds)
    boxes = [t for t in fig.data if t.type == "box"]
    assert len(boxes) == 4 and list(boxes[0].customdata) == [4, 5, 6]
    assert boxes[0].hovertemplate == (
        "scripted, seed %{customdata}: attachment (parent → child) %{y:.3g}<extra></extra>"
    )
    bar = fig.data[0]
    low, high = c.survival["scripted"]
    assert bar.hovertemplate == (
        f"scripted: child survival %{{y:.0%}} (95% CI {max(low, 0):.0%} to {high:.0%})"
        "<extra></extra>"
    )
    for axis in ("yaxis2", "yaxis3", "yaxis4"):
        assert fig.layout[axis].rangemode == "tozero"
    assert tuple(fig.layout.yaxis.range) == (0, 1.05)


def test_the_page_shows_the_comparisons_progress():
    from emotion_engine.app import ui

    demo = ui.build()
    (page,) = [f.fn for f in demo.fns.values() if f.api_name == "compare_runs"]
    told = []
    rows, fig = page(
        "crisis", 50, 2, 0, "scripted", "random", lambda p, desc, unit: told.append((p, desc))
    )
    assert [p for p, _ in told] == [(d, 100) for d in range(1, 101)]
    assert told[-1][1] == "random: about 0 s left" and [r[0] for r in rows] == [
        "scripted",
        "random",
    ]
    assert fig.layout.yaxis2.rangemode == "tozero"
