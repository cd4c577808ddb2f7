"""The care metrics that do not saturate (issue 17): what care did for the child and what it
cost the parent, per episode from the world's bookkeeping and in ``evaluate`` with CIs."""

import csv
import json
import math
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.cli import app
from emotion_engine.training.evaluate import METRIC_FIELDS, evaluate
from emotion_engine.worlds import WorldParams
from world_builder import FAR_FOOD, FEED, SHIELD, STAY, act, one_world

CARETAKING = WorldParams()
CRISIS = WorldParams(scenario="crisis")
runner = CliRunner()


def exactly(value):
    """A float (or list of floats) up to rounding."""
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def episode_of(params, parent_actions, **fields):
    """The episode metrics after the parent acts ``parent_actions`` (the child stays), one
    step each, in a world of ``len(parent_actions)`` steps."""
    params = replace(params, max_cycles=len(parent_actions))
    state = one_world(params, **fields)
    for parent in parent_actions:
        state, _, _, _, _, info = act(params, state, parent)
    return info.episode


def test_a_feed_of_a_child_at_hunger_0_3_stills_0_624_meals():
    # the child's hunger rises by 0.012 to 0.312 first; a meal removes food_value 0.5
    episode = episode_of(
        CARETAKING, [FEED, STAY], pos=[[4, 4], [4, 5]], food=FAR_FOOD, carrying=[True, False],
        hunger=[0.2, 0.3],
    )  # fmt: skip
    assert episode["feeds"].tolist() == [1] and episode["items_given"].tolist() == [1]
    assert episode["hunger_stilled_by_feeds"].tolist() == exactly([0.312 / 0.5])
    assert episode["hunger_stilled_per_feed"].tolist() == exactly([0.624])


def test_a_feed_of_a_sated_child_stills_only_the_hunger_it_has():
    episode = episode_of(
        CARETAKING, [FEED], pos=[[4, 4], [4, 5]], food=FAR_FOOD, carrying=[True, False],
        hunger=[0.2, 0.1],
    )  # fmt: skip
    assert episode["hunger_stilled_per_feed"].tolist() == exactly([0.112 / 0.5])


def test_without_a_feed_hunger_stilled_per_feed_is_undefined():
    episode = episode_of(CARETAKING, [FEED, STAY], pos=[[4, 4], [4, 6]], food=FAR_FOOD,
                         carrying=[True, False])  # fmt: skip
    assert episode["feeds"].tolist() == [0] and episode["items_given"].tolist() == [0]
    assert math.isnan(episode["hunger_stilled_per_feed"][0])


def test_child_health_auc_sums_the_childs_health_over_max_cycles():
    # no damage: the child's health recovers 0.002 a step: 0.502, 0.504, 0.506, 0.508
    episode = episode_of(CARETAKING, [STAY] * 4, pos=[[4, 4], [4, 5]], food=FAR_FOOD,
                         health=[1.0, 0.5])  # fmt: skip
    assert episode["child_health_auc"].tolist() == exactly([(0.502 + 0.504 + 0.506 + 0.508) / 4])
    dead = episode_of(CARETAKING, [STAY] * 4, pos=[[4, 4], [4, 5]], food=FAR_FOOD,
                      health=[1.0, 0.0])  # fmt: skip
    assert dead["child_health_auc"].tolist() == [0.0]


def test_child_health_auc_counts_an_episode_cut_short_by_both_deaths_as_zero_after():
    params = replace(CARETAKING, max_cycles=4)
    state = one_world(params, pos=[[4, 4], [4, 5]], food=FAR_FOOD, health=[0.0, 0.0])
    state, _, _, terminated, _, info = act(params, state)
    assert terminated.tolist() == [True] and info.episode["child_health_auc"].tolist() == [0.0]


def test_effective_shields_count_only_shields_against_a_real_blow():
    threat = {"t": 1, "pos": [[4, 3], [4, 4]], "food": FAR_FOOD, "threat_left": 3,
              "health": [0.5, 0.5]}  # fmt: skip
    blow = episode_of(CRISIS, [SHIELD], threat=[4, 5], **threat)
    assert blow["shield_acts"].tolist() == [1] and blow["effective_shields"].tolist() == [1]
    assert blow["parent_cost_health"].tolist() == exactly([0.05])  # the blow it took
    far = episode_of(CRISIS, [SHIELD], threat=[0, 8], **threat)  # the threat does not reach
    assert far["shield_acts"].tolist() == [1] and far["effective_shields"].tolist() == [0]
    assert far["parent_cost_health"].tolist() == [0.0]
    calm = episode_of(CARETAKING, [SHIELD, SHIELD], pos=[[4, 3], [4, 4]], food=FAR_FOOD)
    assert calm["shield_acts"].tolist() == [2] and calm["effective_shields"].tolist() == [0]


def test_evaluate_gives_every_care_metric_with_its_ci_and_none_where_never_defined():
    names = {name for row in METRIC_FIELDS for name in row[:2]}
    care = ("child_health_auc_mean", "hunger_stilled_per_feed_mean", "parent_cost_health_mean",
            "items_given_per_episode", "effective_shields_per_episode", "time_to_help_mean")  # fmt: skip
    assert set(care) <= names
    selfish = evaluate("caretaking", "selfish", episodes=4, steps=60)
    assert selfish["items_given_per_episode"] == 0.0 and selfish["time_to_help_mean"] == 60.0
    assert selfish["hunger_stilled_per_feed_mean"] is None
    assert selfish["hunger_stilled_per_feed_ci95"] is None
    scripted = evaluate("crisis", "scripted", episodes=4, steps=60)
    low, high = scripted["child_health_auc_ci95"]
    assert 0.0 < low <= scripted["child_health_auc_mean"] <= high <= 1.0


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_evaluate_per_episode_rows_average_to_the_json_means(tmp_path, suffix):
    path = tmp_path / f"episodes{suffix}"
    args = ["evaluate", "--scenario", "crisis", "--policy", "scripted", "--episodes", "5",
            "--steps", "60", "--json", "--per-episode", str(path)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    else:
        with path.open(newline="") as f:
            rows = [{k: json.loads(v.lower()) if v else None for k, v in row.items()}
                    for row in csv.DictReader(f)]  # fmt: skip
    assert [row["world_seed"] for row in rows] == list(range(1_000_000, 1_000_005))
    for name, _, key in METRIC_FIELDS:
        values = [row[key] for row in rows if row[key] is not None]
        want = summary[name]
        assert (np.mean(values) if values else None) == (pytest.approx(want) if values else want)


def test_evaluate_per_episode_refuses_other_file_names(tmp_path):
    result = runner.invoke(app, ["evaluate", "--policy", "scripted", "--episodes", "1",
                                 "--per-episode", str(tmp_path / "rows.txt")])  # fmt: skip
    err = result.stderr.strip()
    assert result.exit_code == 2 and "\n" not in err
    assert err.startswith("error: --per-episode") and ".jsonl or .csv" in err
    assert not (tmp_path / "rows.txt").exists()
