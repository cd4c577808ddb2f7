"""The run spec: its JSON form (as checkpoints store it), the named conditions, train --condition."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.cli import app
from emotion_engine.training.conditions import ABLATIONS, CONDITIONS, INTRINSIC_TERMS
from emotion_engine.training.spec import RunSpec
from emotion_engine.worlds.core import reset

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_to_dict_is_the_spec_the_shipped_checkpoint_stores(scenario):
    stored = json.loads(
        (ROOT / "src" / "emotion_engine" / "checkpoints" / scenario / "policy.json").read_text()
    )["spec"]
    spec = RunSpec.from_dict(stored)
    assert spec == RunSpec(scenario) and spec.condition == "emotional"
    assert json.dumps(spec.to_dict()) == json.dumps(stored)  # same keys, order and values


def test_round_trip_keeps_every_field():
    spec = RunSpec("crisis", "extrinsic", ("empathic_joy", "bond", "bond"), False,
                   AgentConfig(hidden=64, composer_layers=1))  # fmt: skip
    assert spec.ablate == ("bond", "empathic_joy")
    d = spec.to_dict()
    assert list(d) == ["scenario", "reward_mode", "ablate", "learning_signals", "agent_config",
                       "obs_dim", "n_actions", "primitive_index", "birth_bond", "preset",
                       "partners"]  # fmt: skip
    assert d["ablate"] == ["bond", "empathic_joy"] and d["agent_config"]["hidden"] == 64
    assert RunSpec.from_dict(d) == spec and RunSpec.from_dict(json.loads(json.dumps(d))) == spec
    assert spec.condition is None  # two ablations and the extrinsic reward: no named condition


def test_the_world_preset_is_part_of_the_run():
    harsh = RunSpec.from_condition("emotional", "crisis", "harsh")
    assert harsh.to_dict()["preset"] == "harsh" and RunSpec.from_dict(harsh.to_dict()) == harsh
    params = harsh.world_params()
    assert params.food_respawn_delay == 26 and params.n_food == 1
    assert params.reward_mode == "emotional" and params.vulnerability == (1.35, 2.0)
    assert RunSpec("crisis").world_params().food_respawn_delay == 0
    old = {k: v for k, v in RunSpec("crisis").to_dict().items() if k != "preset"}
    assert RunSpec.from_dict(old).preset == "default"  # files from before presets
    with pytest.raises(ValueError, match="unknown preset 'hard'; expected one of: default, harsh"):
        RunSpec("crisis", preset="hard")


def test_from_dict_refuses_unknown_keys():
    d = RunSpec("crisis").to_dict()
    with pytest.raises(ValueError, match=r"unknown RunSpec fields: \['temperature'\]"):
        RunSpec.from_dict(d | {"temperature": 1.0})
    with pytest.raises(ValueError, match=r"unknown AgentConfig fields: \['width'\]"):
        RunSpec.from_dict(d | {"agent_config": {"width": 3}})


def test_without_the_birth_bond_the_family_starts_unattached():
    born = RunSpec("caretaking").world_params()
    assert born.initial_attachment == (0.3, 0.5)
    params = RunSpec.from_condition("no_birth_bond", "caretaking").world_params()
    assert params.initial_attachment == (0.0, 0.0)
    assert params == replace(born, initial_attachment=(0.0, 0.0))  # nothing else changes
    state, _ = reset(params, [0, 1])
    assert state.affect.attachment.tolist() == [[[0.0], [0.0]], [[0.0], [0.0]]]


def test_validation_and_ablation():
    spec = RunSpec("crisis", "emotional", ablate=("bond",))
    assert spec.world_params().rewards.bond == 0.0 and spec.world_params().rewards.empathic_joy > 0
    assert (
        spec.world_params().scenario == "crisis" and spec.world_params().reward_mode == "emotional"
    )
    with pytest.raises(ValueError, match="cannot ablate"):
        RunSpec("crisis", ablate=("alive",))
    with pytest.raises(ValueError, match="unknown scenario"):
        RunSpec("war")
    with pytest.raises(ValueError, match="unknown reward_mode 'kind'"):
        RunSpec("crisis", "kind")


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_every_condition_round_trips_through_its_spec(name):
    spec = RunSpec.from_condition(name, "caretaking")
    assert spec.condition == name and RunSpec.from_dict(spec.to_dict()).condition == name


def test_the_conditions_are_the_reward_modes_and_one_ablation_per_part():
    assert list(CONDITIONS) == ["extrinsic", "emotional", "explicit", "no_own_valence",
                                "no_empathic_joy", "no_empathic_distress", "no_bond",
                                "no_grief", "no_learning_signals", "no_birth_bond", "no_composer"]  # fmt: skip
    assert ABLATIONS == (*(f"no_{t}" for t in INTRINSIC_TERMS), "no_learning_signals",
                         "no_birth_bond", "no_composer")  # fmt: skip
    assert RunSpec.from_condition("no_bond", "crisis") == RunSpec("crisis", ablate=("bond",))
    assert RunSpec.from_condition("no_learning_signals", "crisis").learning_signals is False
    assert RunSpec.from_condition("no_birth_bond", "crisis") == RunSpec("crisis", birth_bond=False)
    assert RunSpec.from_condition("no_composer", "crisis").agent_config.composer is False
    with pytest.raises(
        ValueError, match="unknown condition 'kindness'; expected one of: extrinsic"
    ):
        RunSpec.from_condition("kindness", "crisis")


def test_train_condition_stores_the_conditions_spec(tmp_path):
    out = tmp_path / "run"
    args = ["train", "--scenario", "crisis", "--condition", "no_bond", "--total-steps", "1",
            "--out", str(out), "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    stored = json.loads((out / "policy.json").read_text())["spec"]
    assert stored == RunSpec("crisis", ablate=("bond",)).to_dict()
    assert RunSpec.from_dict(stored).condition == "no_bond"


def test_train_without_the_birth_bond_stores_it(tmp_path):
    out = tmp_path / "run"
    args = ["train", "--condition", "no_birth_bond", "--total-steps", "1", "--out", str(out),
            "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    stored = RunSpec.from_dict(json.loads((out / "policy.json").read_text())["spec"])
    assert stored.birth_bond is False and stored.condition == "no_birth_bond"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--no-bond"], "drop --no-bond or --condition"),
        (["--reward-mode", "emotional", "--no-learning-signals"],
         "drop --reward-mode, --no-learning-signals or --condition"),
    ],
)  # fmt: skip
def test_train_condition_with_run_flags_is_a_one_line_error(tmp_path, extra, needle):
    result = runner.invoke(app, ["train", "--condition", "no_bond", *extra, "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"error: --condition names the whole run; {needle}"
    ]
    assert not any(tmp_path.iterdir())


def test_train_unknown_condition_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["train", "--condition", "kindness", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown condition 'kindness'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
