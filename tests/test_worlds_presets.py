"""World presets: the food respawn delay rule on hand-built worlds, the presets' values and
validation, PettingZoo's suite on the harsh worlds, and the harsh calibration bands."""

import functools
import json
import types
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from pettingzoo.test import (
    api_test,
    max_cycles_test,
    parallel_api_test,
    parallel_seed_test,
    render_test,
)
from typer.testing import CliRunner

from emotion_engine.checkpoint import save_checkpoint
from emotion_engine.cli import app
from emotion_engine.training.evaluate import preset_note
from emotion_engine.worlds import caretaking_v0, crisis_v0, vector_env
from emotion_engine.worlds.core import WorldParams, observe
from emotion_engine.worlds.policies import caring_parent, forage
from emotion_engine.worlds.render import ansi
from emotion_engine.worlds.runner import calibration, calibration_markdown
from emotion_engine.worlds.spec import OBS_INDEX, PRESETS, preset_fields
from world_builder import CHILD, EAT, FAR_FOOD, PARENT, PICK, RIGHT, STAY, UP, act, one_world

ROOT = Path(__file__).resolve().parents[1]
DELAYED = WorldParams(food_respawn_delay=3)
FOOD_ROW, FOOD_COL, ON_FOOD = (OBS_INDEX[k] for k in ("food_drow", "food_dcol", "on_food"))

# --- the respawn delay ----------------------------------------------------------------------


def test_a_taken_item_is_away_for_the_delay_then_back_at_the_cell_drawn_when_taken():
    state = one_world(DELAYED, pos=[[4, 4], [4, 5]], food=[[4, 4], [0, 0], [0, 8]],
                      carrying=[False, False])  # fmt: skip
    new, *_ = act(DELAYED, state, PICK, STAY)
    assert new.carrying[0].tolist() == [True, False]
    assert new.food[0].tolist() == [[5, 7], [0, 0], [0, 8]]  # seed 0's draw, as with no delay
    assert new.food_wait[0].tolist() == [3, 0, 0]
    waits = []
    for _ in range(4):
        new, *_ = act(DELAYED, new)
        waits.append(new.food_wait[0].tolist())
    assert waits == [[2, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert new.food[0, 0].tolist() == [5, 7]


def test_delay_0_is_todays_rule_the_item_is_back_at_once():
    state = one_world(pos=[[4, 4], [4, 5]], food=[[4, 4], [0, 0], [0, 8]], carrying=[False, False])
    new, *_ = act(WorldParams(), state, PICK, STAY)
    assert new.food[0].tolist() == [[5, 7], [0, 0], [0, 8]]
    assert new.food_wait[0].tolist() == [0, 0, 0]


def test_an_item_away_cannot_be_taken_where_it_will_be():
    away = {"food": [[4, 4], [0, 0], [0, 8]], "food_wait": [2, 0, 0]}
    state = one_world(DELAYED, pos=[[4, 4], [6, 6]], carrying=[False, False], **away)
    new, *_ = act(DELAYED, state, PICK, STAY)
    assert new.carrying[0].tolist() == [False, False] and new.food_wait[0].tolist() == [1, 0, 0]
    eats = one_world(DELAYED, pos=[[4, 4], [4, 4]], carrying=[False, False], **away)
    sure = replace(DELAYED, eat_success=(1.0, 1.0))
    new, *_ = act(sure, eats, EAT, EAT)
    assert new.hunger[0].tolist() == pytest.approx([0.204, 0.312], abs=1e-12)  # nothing eaten
    back = one_world(DELAYED, pos=[[4, 4], [6, 6]], carrying=[False, False],
                     food=away["food"], food_wait=[1, 0, 0])  # fmt: skip
    new, *_ = act(DELAYED, back, PICK, STAY)  # back on this step's end, not yet on its start
    assert new.carrying[0, PARENT] == np.False_ and new.food_wait[0].tolist() == [0, 0, 0]
    new, *_ = act(DELAYED, new, PICK, STAY)
    assert new.carrying[0, PARENT] == np.True_ and new.food_wait[0].tolist() == [3, 0, 0]


def test_agents_see_only_the_food_on_the_grid():
    state = one_world(DELAYED, pos=[[4, 4], [4, 5]], food=[[4, 4], [0, 0], [8, 8]],
                      food_wait=[2, 0, 0])  # fmt: skip
    obs = observe(DELAYED, state)[0, PARENT]
    assert obs[ON_FOOD] == 0.0  # the item under it is away
    assert (obs[FOOD_ROW], obs[FOOD_COL]) == (-0.5, -0.5)  # the nearest one there: (0, 0)
    gone = replace(state, food_wait=np.array([[2, 5, 1]]))
    assert observe(DELAYED, gone)[0, :, [FOOD_ROW, FOOD_COL, ON_FOOD]].tolist() == [[0.0] * 2] * 3
    grid = ansi(state, DELAYED).splitlines()[:9]
    assert grid[4].split()[4] == "P" and "".join(grid).count("f") == 2  # (0, 0) and (8, 8)
    assert "".join(ansi(gone, DELAYED).splitlines()[:9]).count("f") == 0


def test_the_scripted_parent_waits_by_the_child_while_every_item_is_away():
    state = one_world(DELAYED, pos=[[4, 4], [4, 7]], food=FAR_FOOD, food_wait=[3, 2, 1],
                      carrying=[False, False])  # fmt: skip
    assert forage(state, PARENT, pick=True).tolist() == [STAY]
    assert forage(state, CHILD, pick=False).tolist() == [STAY]
    assert caring_parent(state).tolist() == [RIGHT]  # towards the child
    some = replace(state, food_wait=np.array([[3, 0, 1]]))
    assert forage(some, PARENT, pick=True).tolist() == [UP]  # to (0, 8), the item there
    assert caring_parent(some).tolist() == forage(some, PARENT, pick=True).tolist()


# --- the presets ----------------------------------------------------------------------------


def test_the_presets_resolve_and_fields_set_over_them():
    assert WorldParams.preset("default", "crisis") == WorldParams(scenario="crisis")
    harsh = WorldParams.preset("harsh", "caretaking", max_cycles=50)
    assert (harsh.n_food, harsh.food_respawn_delay, harsh.max_cycles) == (1, 28, 50)
    assert harsh.regen == (0.003, 0.001) and harsh.starve_damage == 0.025
    crisis = WorldParams.preset("harsh", "crisis", food_respawn_delay=0)
    assert crisis.vulnerability == (1.35, 2.0) and crisis.threat_period == 50
    assert crisis.food_respawn_delay == 0
    assert set(PRESETS) == {"default", "harsh"}
    preset_fields("harsh", "crisis")["n_food"] = 3  # a copy: the table stays as it is
    assert PRESETS["harsh"]["crisis"]["n_food"] == 1


def test_an_unknown_preset_or_a_bad_value_is_one_line():
    with pytest.raises(
        ValueError, match=r"^unknown preset 'hard'; expected one of: default, harsh$"
    ):
        WorldParams.preset("hard")
    with pytest.raises(ValueError, match="food_respawn_delay must be an integer from 0 to"):
        WorldParams.preset("harsh", food_respawn_delay=-1)
    with pytest.raises(ValueError, match="unknown scenario 'war'"):
        WorldParams.preset("harsh", "war")
    with pytest.raises(ValueError, match="unknown preset 'hard'"):
        caretaking_v0.parallel_env(preset="hard")
    with pytest.raises(ValueError, match="unknown preset 'hard'"):
        vector_env("crisis", 2, preset="hard")


def test_the_world_modules_document_their_presets():
    assert (
        "``harsh`` n_food=1, regen=(0.003, 0.001), starve_damage=0.025, food_respawn_delay=28."
        in (" ".join(caretaking_v0.__doc__.split()))
    )
    assert "``default`` (the defaults); ``harsh``" in crisis_v0.__doc__
    assert "threat_period=50, vulnerability=(1.35, 2.0)" in " ".join(crisis_v0.__doc__.split())


def test_the_views_and_the_vector_env_take_the_preset():
    assert crisis_v0.parallel_env(preset="harsh").params == WorldParams.preset("harsh", "crisis")
    env = caretaking_v0.parallel_env(preset="harsh", max_cycles=40, n_food=2)
    assert (env.params.food_respawn_delay, env.params.n_food, env.params.max_cycles) == (28, 2, 40)
    assert vector_env("crisis", 2, preset="harsh").params.food_respawn_delay == 26


def _harsh(mod):
    """A stand-in for a world module whose envs are of the harsh preset."""
    return types.SimpleNamespace(
        parallel_env=functools.partial(mod.parallel_env, preset="harsh"),
        env=functools.partial(mod.env, preset="harsh"),
    )


@pytest.mark.parametrize("mod", (caretaking_v0, crisis_v0), ids=("caretaking", "crisis"))
def test_pettingzoo_suite_on_the_harsh_preset(mod):
    harsh = _harsh(mod)
    parallel_api_test(harsh.parallel_env(max_cycles=300), num_cycles=400)
    parallel_seed_test(lambda: harsh.parallel_env(max_cycles=200))
    max_cycles_test(harsh)
    render_test(lambda render_mode=None: harsh.env(render_mode=render_mode, max_cycles=20))
    api_test(harsh.env(max_cycles=200), num_cycles=250)


# --- calibration ----------------------------------------------------------------------------


def test_harsh_care_keeps_the_child_alive_60_to_85_percent_at_a_price():
    rows = {(r["preset"], r["scenario"], r["policy"]): r for r in calibration(40, 500, 0)}
    for scenario in ("caretaking", "crisis"):
        scripted = rows["harsh", scenario, "scripted"]
        assert 0.60 <= scripted["child_survival"] <= 0.85
        assert rows["harsh", scenario, "selfish"]["child_survival"] <= 0.10
        assert rows["harsh", scenario, "random"]["child_survival"] <= 0.05
        assert scripted["feeds"] < rows["default", scenario, "scripted"]["feeds"] - 5
    assert rows["default", "caretaking", "scripted"]["child_survival"] >= 0.95
    assert rows["default", "crisis", "scripted"]["child_survival"] >= 0.90
    # the price: the carer starves for the child's meals, and in crisis ends near death
    hungry = rows["harsh", "caretaking", "scripted"]["parent_steps_hungry"]
    assert hungry >= 15 and rows["default", "caretaking", "scripted"]["parent_steps_hungry"] == 0
    crisis = rows["harsh", "crisis", "scripted"]
    assert crisis["parent_health"] <= 0.1 and crisis["parent_cost_health"] >= 1.0
    assert rows["harsh", "crisis", "selfish"]["parent_health"] >= 0.5


def test_docs_calibration_is_what_its_command_writes():
    command = "emotion-engine calibrate --episodes 100 --steps 500 --seed 0"
    written = calibration_markdown(calibration(100, 500, 0), command)
    assert (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8") == written
    assert "| harsh | crisis | `n_food=1`" in written


# --- the commands ---------------------------------------------------------------------------

runner = CliRunner()


def test_simulate_and_evaluate_take_the_preset():
    out = runner.invoke(app, ["simulate", "--preset", "harsh", "--steps", "200", "--json"])
    assert out.exit_code == 0, out.output
    harsh = json.loads(out.stdout)
    default = json.loads(runner.invoke(app, ["simulate", "--steps", "200", "--json"]).stdout)
    assert harsh["preset"] == "harsh" and default["preset"] == "default"
    assert harsh["feeds"] < default["feeds"]
    out = runner.invoke(app, ["evaluate", "--preset", "harsh", "--policy", "scripted",
                              "--episodes", "3", "--steps", "20", "--json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["preset"] == "harsh"
    out = runner.invoke(app, ["paradigm", "still-face", "--preset", "harsh", "--episodes", "2",
                              "--json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["preset"] == "harsh"
    for command in ("simulate", "evaluate", "paradigm still-face", "train"):
        refused = runner.invoke(app, [*command.split(), "--preset", "hard"])
        assert refused.exit_code == 2, command
        assert "unknown preset 'hard'; expected one of: default, harsh" in refused.output


def test_a_checkpoint_of_another_preset_is_said_in_one_line(tmp_path):
    path = tmp_path / "policy.safetensors"
    save_checkpoint(path, {}, {"kind": "policy", "spec": {"scenario": "crisis"}})
    assert preset_note(path, "default") is None  # files from before presets: default
    assert preset_note(path, "harsh") == (
        f"{path} was trained on the default preset and is evaluated on harsh"
    )
    save_checkpoint(path, {}, {"kind": "policy", "spec": {"scenario": "crisis", "preset": "harsh"}})
    assert preset_note(path, "harsh") is None
