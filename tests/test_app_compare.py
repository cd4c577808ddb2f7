"""Compare runs: the same seeds for both policies, survival intervals, clear refusals."""

import numpy as np
import pytest

from emotion_engine.app.compare import COLUMNS, compare
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
