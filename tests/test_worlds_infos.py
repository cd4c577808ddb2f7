"""Each agent's infos after a step (the PettingZoo views and ``simulate --trace``): the
world's own values, named."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.affect import EMOTIONS, EVENTS, PRIMITIVES, core_affect
from emotion_engine.cli import app
from emotion_engine.worlds import AGENTS, WorldParams, crisis_v0
from emotion_engine.worlds.core import reset, step
from emotion_engine.worlds.identity import meet_stranger
from emotion_engine.worlds.infos import agent_infos, moment, window

ATTACHMENT = PRIMITIVES.index("attachment")


def stepped(n_steps: int = 30):
    params = WorldParams(scenario="crisis")
    state, _ = reset(params, [3, 4])
    rng = np.random.default_rng(0)
    for _ in range(n_steps):
        state, _, rewards, _, _, info = step(params, state, rng.integers(0, 10, (2, 2)))
    return state, rewards, info


@pytest.mark.parametrize("env", [0, 1])
def test_infos_are_the_worlds_values_by_name(env):
    state, rewards, info = stepped()
    infos = agent_infos(state, info, env)
    assert list(infos) == list(AGENTS)
    for i, (agent, other) in enumerate([("parent_0", "child_0"), ("child_0", "parent_0")]):
        got = infos[agent]
        assert got["health"] == state.health[env, i] and got["hunger"] == state.hunger[env, i]
        assert list(got["expressed"]) == list(EMOTIONS)
        assert list(got["expressed"].values()) == state.affect.primary[env, i].tolist()
        assert got["valence"] == core_affect(state.affect.primary[env])[i, 0]
        assert got["attachment"] == {other: state.affect.social[env, i, 0, ATTACHMENT]}
        assert got["identity"] == i and got["other_identity"] == {other: 1 - i}
        assert sum(got["reward_terms"].values()) == pytest.approx(float(rewards[env, i]), abs=1e-6)
        happened = {
            e: info.events[env, i, j] for j, e in enumerate(EVENTS) if info.events[env, i, j]
        }
        assert got["events"] == happened and all(v > 0 for v in got["events"].values())


def test_pettingzoo_infos_carry_the_named_fields():
    env = crisis_v0.parallel_env(max_cycles=40)
    env.reset(seed=1)
    for _ in range(5):
        *_, infos = env.step({a: 8 for a in env.agents})  # comfort
    state = env.state
    assert infos["parent_0"]["health"] == state.health[0, 0]
    assert infos["child_0"]["attachment"] == {"parent_0": state.affect.social[0, 1, 0, ATTACHMENT]}
    assert set(infos["parent_0"]) == {
        "health", "hunger", "expressed", "valence", "identity", "attachment", "other_identity",
        "reward_terms", "events"
    }  # fmt: skip


def test_infos_name_whom_the_attachment_is_to():
    state, _, info = stepped()
    met = meet_stranger(WorldParams(scenario="crisis"), state, AGENTS.index("child_0"))
    infos = agent_infos(met, info, env=1)
    assert infos["parent_0"]["other_identity"] == {"child_0": 2}
    assert infos["child_0"]["identity"] == 2 and infos["child_0"]["other_identity"] == {
        "parent_0": 0
    }
    assert infos["parent_0"]["attachment"] == {"child_0": 0.0}
    assert infos["child_0"]["attachment"] == {"parent_0": 0.0}


def test_simulate_trace_writes_a_line_per_step(tmp_path):
    trace = tmp_path / "run.jsonl"
    result = CliRunner().invoke(
        app, ["simulate", "--scenario", "crisis", "--steps", "25", "--trace", str(trace), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [line["t"] for line in lines] == list(range(1, 26))
    assert set(lines[-1]["agents"]) == set(AGENTS)
    assert json.loads(result.stdout)["steps"] == 25
    # the trace's last health is the episode's final health
    assert lines[-1]["agents"]["child_0"]["health"] == json.loads(result.stdout)["child_health"]
    parent = lines[-1]["agents"]["parent_0"]
    assert parent["identity"] == 0 and parent["other_identity"] == {"child_0": 1}


def test_simulate_trace_refuses_another_suffix(tmp_path):
    result = CliRunner().invoke(app, ["simulate", "--trace", str(tmp_path / "run.txt")])
    assert result.exit_code == 2 and "--trace" in result.stderr and "jsonl" in result.stderr


def events_at(steps: int, **hits: list[int]) -> np.ndarray:
    ev = np.zeros((steps, len(EVENTS)))
    for name, ts in hits.items():
        ev[ts, EVENTS.index(name)] = 1.0
    return ev


def test_a_strip_is_centred_on_the_first_shield_else_the_first_blow_else_the_middle():
    assert window(events_at(300, harmed=[10], protected_other=[40, 80])) == range(37, 49)
    assert window(events_at(300, harmed=[10, 60])) == range(7, 19)
    assert window(events_at(300)) == range(144, 156)
    assert window(events_at(300, protected_other=[1])) == range(0, 12)  # kept in the episode
    assert window(events_at(300, protected_other=[299])) == range(288, 300)
    assert window(events_at(5)) == range(0, 5)


def test_moments_are_labelled_by_priority():
    ev = events_at(1, protected_other=[0], harmed=[0], other_threatened=[0])[0]
    assert moment(ev) == "shield"
    assert moment(events_at(1, other_threatened=[0])[0]) == "threat"
    assert moment(events_at(1)[0]) == ""


def test_simulate_faces_writes_a_labelled_strip_around_the_shield(tmp_path):
    from PIL import Image

    out = tmp_path / "strip.png"
    args = ["simulate", "--scenario", "crisis", "--steps", "300", "--faces", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    sheet = Image.open(out)
    assert sheet.size == (6 * (128 * 2 + 16), 2 * (64 * 2 + 24 + 16))  # 12 faces, 6 a row
    assert np.asarray(sheet).std() > 10  # faces drawn, not a blank sheet
