"""Baseline policies, calibration, and the simulate / calibrate commands."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.cli import SIMULATE_GROUPS, app
from emotion_engine.stats import wilson
from emotion_engine.worlds.core import WorldParams
from emotion_engine.worlds.policies import make_policy
from emotion_engine.worlds.runner import (
    CALIBRATION_MEANS,
    COMPLEX_METRICS,
    calibration,
    calibration_markdown,
    run_episodes,
    simulate,
)

runner = CliRunner()


def survival(scenario, policy, episodes, steps=500):
    params = WorldParams(scenario=scenario, max_cycles=steps)
    return run_episodes(params, policy, list(range(episodes))).metrics


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_care_keeps_the_child_alive_and_neglect_does_not(scenario):
    scripted = survival(scenario, "scripted", 20)
    selfish = survival(scenario, "selfish", 20)
    random = survival(scenario, "random", 20)
    assert scripted["child_survived"].mean() >= 0.9
    assert selfish["child_survived"].mean() <= scripted["child_survived"].mean() - 0.5
    assert random["child_survived"].mean() <= 0.2
    assert scripted["feeds"].min() > 0 and selfish["feeds"].max() == 0
    # absence does not end a bond: the selfish parent keeps its birth bond (0.3) or more, while
    # time beside a hungry, distressed child is not warm and pulls the carer's bond down
    assert selfish["attachment_parent_child"].min() >= 0.3 - 1e-12
    assert scripted["attachment_parent_child"].mean() < 0.3
    if scenario == "crisis":
        assert scripted["shield_events"].mean() > 5 and scripted["shield_damage"].mean() > 0
        assert selfish["shield_events"].max() == 0


@pytest.mark.slow
def test_calibration_targets_at_100_seeds():
    rows = {(r["scenario"], r["policy"]): r for r in calibration(episodes=100, steps=500)
            if r["preset"] == "default"}  # fmt: skip
    assert rows["caretaking", "scripted"]["child_survival"] >= 0.95
    assert rows["crisis", "scripted"]["child_survival"] >= 0.90
    for scenario in ("caretaking", "crisis"):
        assert rows[scenario, "random"]["child_survival"] <= 0.20
        scripted = rows[scenario, "scripted"]["child_survival"]
        assert rows[scenario, "selfish"]["child_survival"] <= scripted - 0.5


def test_wilson_interval():
    low, high = wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert wilson(100, 100)[1] == pytest.approx(1.0)


@pytest.mark.parametrize("n", [5, 10, 19, 20, 23, 100])
def test_wilson_interval_stays_in_0_1_and_prints_so(n):
    for successes in (0, n):
        low, high = wilson(successes, n)
        assert 0.0 <= low <= high <= 1.0
    assert wilson(0, n)[0] == 0.0 and f"{wilson(n, n)[1]:.0%}" == "100%"
    row = {"preset": "default", "scenario": "crisis", "policy": "selfish", "episodes": n,
           "steps": 5, "first_seed": 0, "child_survival": 0.0,
           "child_survival_ci95": list(wilson(0, n))} | dict.fromkeys(CALIBRATION_MEANS, 0.0)  # fmt: skip
    (line,) = [x for x in calibration_markdown([row], "cmd").splitlines() if "| selfish |" in x]
    assert f"| 0% | 0%–{wilson(0, n)[1]:.0%} |" in line and "-0%" not in line


def test_policy_names_and_policy_objects():
    with pytest.raises(ValueError, match="unknown policy 'telepathic'; expected one of: random"):
        make_policy("telepathic", WorldParams())

    def stay(state, obs):
        return np.zeros((state.n_envs, 2), dtype=np.int64), {}

    m = run_episodes(WorldParams(max_cycles=20), stay, [0, 1]).metrics
    assert m["steps"].tolist() == [20, 20] and m["feeds"].sum() == 0


def test_simulate_json_and_gif(tmp_path):
    gif = tmp_path / "episode.gif"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            "crisis",
            "--steps",
            "60",
            "--seed",
            "2",
            "--policy",
            "scripted",
            "--json",
            "--gif",
            str(gif),
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in (
        "child_survived",
        "parent_survived",
        "steps",
        "attachment_final",
        "shield_events",
        "feeds",
    ):
        assert key in out
    assert out["steps"] == 60 and out["child_survived"] is True
    assert gif.read_bytes()[:6] == b"GIF89a"


def test_simulate_prints_its_keys_in_explained_groups_and_json_unchanged():
    args = ["simulate", "--scenario", "crisis", "--steps", "40", "--seed", "3"]
    episode = simulate("crisis", 40, 3, "scripted")
    labels = {"scenario": "crisis", "preset": "default", "policy": "scripted",
              "child_policy": "co-trained", "seed": 3}  # fmt: skip
    out = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert list(out.items()) == list((labels | episode).items())  # the same keys, in order
    lines = runner.invoke(app, args).stdout.splitlines()
    assert [x for x in lines if not x.startswith("  ")] == [h for h, _, _ in SIMULATE_GROUPS]
    printed = [x.split()[0] for x in lines if x.startswith("  ")]
    assert sorted(printed) == sorted(episode)  # every key once
    assert f"  {'shield_events':<28} {episode['shield_events']}" in lines
    assert f"  {'parent_cost_health':<28} {episode['parent_cost_health']:.3f}" in lines
    shown = " ".join(runner.invoke(app, ["simulate", "--help"]).stdout.replace("│", "").split())
    for heading, meaning, keys in SIMULATE_GROUPS:
        assert f"{heading}: {', '.join(keys)}. {meaning}." in shown


def test_simulate_is_deterministic():
    args = ["simulate", "--scenario", "crisis", "--steps", "80", "--policy", "random", "--json"]
    a = runner.invoke(app, [*args, "--seed", "4"]).stdout
    b = runner.invoke(app, [*args, "--seed", "4"]).stdout
    assert a == b and json.loads(a)["seed"] == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--policy", "telepathic"], "unknown policy 'telepathic'"),
        (["--scenario", "war"], "unknown scenario 'war'"),
        (["--steps", "0"], "--steps must be >= 1"),
    ],
)
def test_simulate_bad_input_exits_2_with_one_line(args, message):
    result = runner.invoke(app, ["simulate", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_calibrate_writes_the_table(tmp_path):
    out = tmp_path / "calibration.md"
    result = runner.invoke(
        app, ["calibrate", "--episodes", "4", "--steps", "50", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["rows"]) == 12 and data["command"].startswith("emotion-engine calibrate")
    assert [r["preset"] for r in data["rows"]] == ["default"] * 6 + ["harsh"] * 6
    table = out.read_text()
    assert "| default | crisis | scripted |" in table and data["command"] in table
    assert "| harsh | crisis | scripted |" in table and "parent cost (health)" in table


def test_calibrate_one_preset_and_an_unknown_one():
    result = runner.invoke(app, ["calibrate", "--episodes", "2", "--steps", "5", "--preset",
                                 "harsh", "--json"])  # fmt: skip
    data = json.loads(result.stdout)
    assert {r["preset"] for r in data["rows"]} == {"harsh"} and len(data["rows"]) == 6
    assert data["command"].endswith("--seed 0 --preset harsh")
    refused = runner.invoke(app, ["calibrate", "--preset", "hard"])
    assert refused.exit_code == 2
    assert "unknown preset 'hard'; expected one of: default, harsh" in refused.output


def test_the_runner_averages_the_complex_emotions_a_policy_gives_per_episode():
    values = np.arange(8, dtype=np.float32).reshape(1, 2, 4) / 8

    def composing(params, seed):
        steps = iter(range(1, 100))

        def act(state, obs):
            k = next(steps)  # step k gives k · values (in float32, as the actor does)
            emotions = np.repeat(values * np.float32(k), state.n_envs, 0)
            return np.zeros((state.n_envs, 2), dtype=np.int64), {"complex_emotions": emotions}

        return act

    m = run_episodes(WorldParams(max_cycles=4), composing(None, 0), [0, 1]).metrics
    mean_k = (1 + 2 + 3 + 4) / 4
    for i, name in enumerate(COMPLEX_METRICS):
        np.testing.assert_allclose(m[name], [values.reshape(-1)[i] * mean_k] * 2, rtol=1e-6)
    assert m["parent_maternal_love"].tolist() == [0.0, 0.0]
    assert m["child_devotion"].tolist() == [0.875 * 2.5, 0.875 * 2.5]
    baseline = run_episodes(WorldParams(max_cycles=4), "scripted", [0]).metrics
    assert all(np.isnan(baseline[name]).all() for name in COMPLEX_METRICS)
    names = list(baseline)
    assert names[names.index("care_steps") + 1 : names.index("hungry_fraction_child")] == list(
        COMPLEX_METRICS
    )


def test_unknown_policy_names_are_refused_by_the_runner():
    with pytest.raises(
        ValueError, match="unknown policy 'greedy'; expected one of: random, scripted, selfish"
    ):
        run_episodes(WorldParams(max_cycles=4), "greedy", [0])
