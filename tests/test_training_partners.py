"""Training with a population of child partners: the proportions, their envs, what the
learning child learns from, the world's learning loop, the log, and plain co-training."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import build_agents
from emotion_engine.cli import app
from emotion_engine.training.evaluate import HEADER, PARTNER_CELLS, evaluate
from emotion_engine.training.experiment import default_config, train_run
from emotion_engine.training.partners import (
    CO_TRAINED_ONLY,
    DEFAULT_PARTNERS,
    assign,
    format_partners,
    parse_partners,
)
from emotion_engine.training.ppo import _collect, train
from emotion_engine.training.spec import RunSpec
from emotion_engine.training.world_env import WorldVecEnv
from emotion_engine.worlds.core import CHILD, PARENT, WorldParams

SMALL = AgentConfig(hidden=16, head_hidden=8, composer_d=8, composer_layers=1, composer_heads=2)
MIXED = ("co-trained", "stationary", "random", "clingy")
runner = CliRunner()


def test_the_proportions_parse_into_canonical_order_without_zeros():
    got = parse_partners(" clingy=1, co-trained=2 ,random=0")
    assert got == (("co-trained", 2.0), ("clingy", 1.0))
    assert format_partners(DEFAULT_PARTNERS) == (
        "co-trained=0.25,stationary=0.25,random=0.25,forager=0.125,clingy=0.125"
    )
    assert parse_partners(format_partners(DEFAULT_PARTNERS)) == DEFAULT_PARTNERS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("co-trained=1,mother=1", "unknown child partner 'mother' in the partners; expected some "
         "of: co-trained, stationary, random, forager, clingy"),
        ("checkpoint:x.safetensors=1", "unknown child partner 'checkpoint:x.safetensors'"),
        ("stationary=-0.5", "the weight of partner 'stationary' must be a finite number >= 0; "
         "got -0.5"),
        ("random=inf", "the weight of partner 'random' must be a finite number >= 0; got inf"),
        ("random=lots", "the weight of partner 'random' must be a number; got 'lots'"),
        ("co-trained=0,clingy=0", "the partners' weights are all zero; give at least one"),
        ("co-trained=1,", "partners are name=weight items separated by commas"),
        ("clingy=1,clingy=2", "partner 'clingy' is given twice in the partners"),
    ],
)  # fmt: skip
def test_bad_proportions_are_one_line_errors(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")) as e:
        parse_partners(text)
    assert "\n" not in str(e.value)


def test_the_spec_keeps_its_partners_and_old_specs_mean_co_training():
    spec = RunSpec("crisis", partners={"random": 1, "co-trained": 3, "forager": 0})
    assert spec.partners == (("co-trained", 3.0), ("random", 1.0))
    assert spec.to_dict()["partners"] == {"co-trained": 3.0, "random": 1.0}
    assert RunSpec.from_dict(spec.to_dict()) == spec
    old = {k: v for k, v in RunSpec("crisis").to_dict().items() if k != "partners"}
    assert RunSpec.from_dict(old).partners == CO_TRAINED_ONLY
    assert RunSpec("crisis").partners == DEFAULT_PARTNERS
    with pytest.raises(ValueError, match="unknown child partner 'sibling'"):
        RunSpec("crisis", partners={"sibling": 1.0})


def test_envs_are_apportioned_by_largest_remainders():
    default = assign(DEFAULT_PARTNERS, 64)
    assert [default.count(n) for n, _ in DEFAULT_PARTNERS] == [16, 16, 16, 8, 8]
    assert default[:16] == ("co-trained",) * 16 and default[16:32] == ("stationary",) * 16
    # 1, 1, 1, 0.5, 0.5 envs: the last one goes to the first of the tied remainders
    assert assign(DEFAULT_PARTNERS, 4) == ("co-trained", "stationary", "random", "forager")
    assert assign(DEFAULT_PARTNERS, 1) == ("co-trained",)
    assert assign((("co-trained", 1.0), ("clingy", 2.0)), 5) == ("co-trained", "co-trained",
                                                                 "clingy", "clingy", "clingy")  # fmt: skip
    assert assign(CO_TRAINED_ONLY, 3) == ("co-trained",) * 3


def tiny_config(n_envs: int = 4):
    return default_config(2 * n_envs * 16, seed=3, n_envs=n_envs, n_steps=16, n_minibatches=2,
                          n_epochs=1)  # fmt: skip


def test_co_trained_alone_is_todays_co_training_bit_for_bit(tmp_path):
    config = tiny_config()
    spec = RunSpec("crisis", agent_config=SMALL, partners=CO_TRAINED_ONLY)
    run = train_run(spec, config, tmp_path / "run")
    plain = build_agents(SMALL, seed=config.seed)  # the env without partners: co-training
    train(config, WorldVecEnv(spec.world_params(), config.n_envs), plain)
    assert all(same_weights(a, b) for a, b in zip(run.agents, plain, strict=True))
    mixed = train_run(RunSpec("crisis", agent_config=SMALL), config, tmp_path / "mixed")
    assert not same_weights(mixed.agents[PARENT], plain[PARENT])  # the partners matter


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    theirs = b.state_dict()
    return all(torch.equal(v, theirs[k]) for k, v in a.state_dict().items())


def mixed_rollout(seed: int = 0):
    """One rollout of 40 steps in four envs with a partner each (see :data:`MIXED`)."""
    env = WorldVecEnv(WorldParams(scenario="crisis"), 4, partners=MIXED)
    agents = build_agents(SMALL, seed=1)
    config = default_config(160, seed=0, n_envs=4, n_steps=40, n_minibatches=1)
    obs = env.reset(seed=seed)
    start = env.world.state.pos.copy()
    rollout, _ = _collect(env, agents, obs, config, torch.Generator().manual_seed(seed))
    return env, rollout, start


def test_scripted_partners_act_and_their_steps_are_inactive_for_the_child():
    env, rollout, start = mixed_rollout()
    assert not rollout.active[:, 1:, CHILD].any()  # the scripted children's envs
    assert rollout.active[:, 0, CHILD].all() and rollout.active[:, :, PARENT].all()
    state = env.world.state
    np.testing.assert_array_equal(state.pos[1, CHILD], start[1, CHILD])  # stationary stayed
    assert np.abs(state.pos[3, CHILD] - state.pos[3, PARENT]).max() <= 1  # clingy by the parent
    # the learning child's value reached the world in its own env only
    assert state.has_value[:, PARENT].all() and state.has_value[:, CHILD].tolist() == [
        True, False, False, False]  # fmt: skip


def test_the_assignment_and_the_scripted_actions_are_deterministic():
    a, b = mixed_rollout(seed=5)[0], mixed_rollout(seed=5)[0]
    np.testing.assert_array_equal(a.world.state.pos, b.world.state.pos)
    c = mixed_rollout(seed=6)[0]
    assert not np.array_equal(a.world.state.pos[2], c.world.state.pos[2])


def test_a_restored_env_draws_the_same_random_partner():
    env = WorldVecEnv(WorldParams(scenario="crisis"), 4, partners=MIXED)
    env.reset(seed=2)
    rng = np.random.default_rng(0)
    for _ in range(10):
        env.step(rng.integers(0, 10, (4, 2)))
    other = WorldVecEnv(WorldParams(scenario="crisis"), 4, partners=MIXED)
    other.load_state_dict(*env.state_dict())
    for _ in range(20):
        act = rng.integers(0, 10, (4, 2))
        np.testing.assert_array_equal(env.step(act).obs, other.step(act).obs)


def test_the_log_reports_episodes_per_partner():
    env = WorldVecEnv(WorldParams(scenario="caretaking", max_cycles=10), 4, partners=MIXED)
    config = default_config(2 * 4 * 16, seed=0, n_envs=4, n_steps=16, n_minibatches=2,
                            n_epochs=1)  # fmt: skip
    history = train(config, env, build_agents(SMALL, seed=0)).history
    first = history[0]
    assert first["episodes"] == 4  # one episode of 10 steps per env ended
    for partner in MIXED:
        assert first[f"episode_child_survived_{partner}"] == 1.0  # nobody starves in 10 steps
        assert 0.0 < first[f"episode_child_health_auc_{partner}"] <= 1.0
    assert "episode_child_survived_forager" not in first  # no env has it
    assert first["episode_child_survived"] == 1.0


def test_mismatched_partners_are_refused():
    with pytest.raises(ValueError, match=r"need one partner per env \(3\); got 2"):
        WorldVecEnv(WorldParams(), 3, partners=("co-trained", "clingy"))


def test_evaluate_reports_every_partner_cell_on_the_same_seeds(tmp_path):
    rows_file = tmp_path / "episodes.jsonl"
    args = ["evaluate", "--policy", "scripted", "--child-policy", "all", "--episodes", "3",
            "--steps", "60"]  # fmt: skip
    got = json.loads(runner.invoke(app, [*args, "--json", "--per-episode", str(rows_file)]).stdout)
    assert got["child_policy"] == "all" and list(got["partners"]) == list(PARTNER_CELLS)
    for child, cell in got["partners"].items():
        alone = evaluate("caretaking", "scripted", episodes=3, steps=60, child_policy=child)
        assert cell == {k: v for k, v in alone.items() if k not in HEADER}
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    assert [(r["child_policy"], r["world_seed"]) for r in rows] == [
        (c, 1_000_000 + i) for c in PARTNER_CELLS for i in range(3)]  # fmt: skip
    text = runner.invoke(app, args).stdout.splitlines()
    assert (
        text[0]
        == "scripted in caretaking: 3 episodes of 60 steps per child partner, world seeds from 1000000"
    )
    assert [line.split()[0] for line in text[2:7]] == list(PARTNER_CELLS)
    assert text[2].split()[1:3] == ["1.000", "±0.000"]  # the scripted carer keeps its own child
