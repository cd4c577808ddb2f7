"""Layer 4: the anticipatory cumulants, how the complex emotions act back, the no_composer
ablation, and the measures of the ``layer4`` command."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.affect import AffectParams, initial_state, step_affect
from emotion_engine.affect.complex import (
    COMPLEX_DRIVE,
    COMPLEX_EMOTIONS,
    Witnessed,
    complex_drive,
    cumulants,
)
from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.social import EVENTS, PRIMITIVES
from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import LearnedPolicy, RunningMean, build_agents
from emotion_engine.agents.policy_file import load_agents
from emotion_engine.cli import app
from emotion_engine.training.layer4 import (
    Stream,
    discounted_returns,
    fit_linear_gvf,
    horizon,
    linear_predictions,
    r_squared,
)
from emotion_engine.training.world_env import cumulants as world_cumulants
from emotion_engine.worlds.core import PARENT, WorldParams, reset, step
from emotion_engine.worlds.policies import make_policy

LOVE, COMPASSION, GRIEF, DEVOTION = range(4)


def events(**values: float) -> np.ndarray:
    ev = np.zeros(len(EVENTS))
    for name, v in values.items():
        ev[EVENTS.index(name)] = v
    return ev


def seen(**changes) -> Witnessed:
    base = dict(attachment=np.array(0.5), other_health=(np.array(0.8), np.array(0.8)),
                other_hunger=(np.array(0.3), np.array(0.3)),
                other_loneliness=(np.array(0.2), np.array(0.2)),
                own_hunger=np.array(0.4), fed_other=np.array(0.0))  # fmt: skip
    return Witnessed(**(base | {k: tuple(map(np.array, v)) if isinstance(v, tuple)
                                else np.array(v) for k, v in changes.items()}))  # fmt: skip


def test_cumulants_hand_computed():
    # a quiet step: nothing improves, no danger, no cost; suffering is the other's hunger
    assert cumulants(seen(), events()) == pytest.approx([0.0, 0.3, 0.0, 0.0])
    # a feed: the other's hunger falls 0.5 → 0.05 (thriving 0.45 × attachment 0.5) and costs
    # the own hunger 0.4 the meal would have stilled
    fed = cumulants(seen(other_hunger=(0.5, 0.05), fed_other=1.0), events(cared=1.0))
    assert fed == pytest.approx([0.225, 0.2, 0.0, 0.4])
    # a shield: the blow taken (harmed 0.5) is the cost; the threat near the other is danger
    shield = cumulants(seen(), events(protected_other=1.0, harmed=0.5, other_threatened=0.8))
    assert shield == pytest.approx([0.0, 0.3, 0.4, 0.5])
    # apart (danger ½), the other starving at hunger 0.9 (danger 0.8) and in pain 0.6
    hurt = cumulants(seen(other_hunger=(0.9, 0.9)), events(separated=1.0, other_harmed=0.6))
    assert hurt == pytest.approx([0.0, 0.9, 0.4, 0.0])
    # the other is dead: grief is attachment × 1; it neither thrives nor suffers any more
    dead = cumulants(seen(other_health=(0.02, 0.0)), events(loss=1.0, separated=1.0))
    assert dead == pytest.approx([0.0, 0.0, 0.5, 0.0])


def test_compassion_ignores_attachment_and_the_attached_feelings_scale_with_it():
    ev = events(other_threatened=1.0)
    strange = cumulants(seen(attachment=0.0, other_hunger=(0.6, 0.2)), ev)
    close = cumulants(seen(attachment=1.0, other_hunger=(0.6, 0.2)), ev)
    assert strange[COMPASSION] == close[COMPASSION] == pytest.approx(0.2)
    assert strange[[LOVE, GRIEF]] == pytest.approx([0.0, 0.0])
    assert close[[LOVE, GRIEF]] == pytest.approx([0.4, 1.0])


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_every_cumulant_is_non_trivial_under_scripted_rollouts(scenario):
    params = WorldParams(scenario=scenario, max_cycles=300)
    seen_any = np.zeros(len(COMPLEX_EMOTIONS))
    for policy in ("scripted", "selfish"):
        act = make_policy(policy, params, seed=0)
        state, obs = reset(params, np.arange(8))
        for _ in range(params.max_cycles):
            state, after, *_, info = step(params, state, act(state, obs)[0])
            c = world_cumulants(obs, after, info.events)[:, PARENT]
            assert ((c >= 0) & (c <= 1)).all()
            seen_any = np.maximum(seen_any, c.max(0))
            obs = after
    assert (seen_any > 0.1).all(), dict(zip(COMPLEX_EMOTIONS, seen_any, strict=True))


def test_complex_drive_is_the_table_clipped_to_the_unit_interval():
    drive = complex_drive(np.eye(4))
    m = {name: dict(zip(MODULATORS, row, strict=True)) for name, row in zip(COMPLEX_EMOTIONS, drive, strict=True)}  # fmt: skip
    assert m["grief"]["cortisol"] == 0.5 and m["grief"]["adrenaline"] == 0.3
    assert m["grief"]["oxytocin"] == 0.2 and m["grief"]["dopamine"] == 0.0
    assert m["maternal_love"]["oxytocin"] == 0.4 and m["maternal_love"]["cortisol"] == 0.0
    assert m["compassion"]["oxytocin"] == 0.3 and m["devotion"]["endorphins"] == 0.3
    assert complex_drive([2.0, -1.0, 0.5, 0.0]) == pytest.approx(
        COMPLEX_DRIVE[0] + 0.5 * COMPLEX_DRIVE[2]
    )
    assert complex_drive(np.zeros((3, 2, 4))).shape == (3, 2, 7)


def test_predicted_loss_raises_stress_and_protective_instinct_and_thriving_oxytocin():
    params = AffectParams()

    def after(emotions: list[float], steps: int = 20):
        state = initial_state(params, attachment=0.5)
        for _ in range(steps):
            state = step_affect(state, np.zeros(len(EVENTS)), 1.0, params, complex_drive(emotions))
        return state

    calm, loss, love = after([0, 0, 0, 0]), after([0, 0, 0.8, 0]), after([0.8, 0, 0, 0])
    cortisol, oxytocin = MODULATORS.index("cortisol"), MODULATORS.index("oxytocin")
    protective = PRIMITIVES.index("protective_instinct")
    assert loss.levels[cortisol] > calm.levels[cortisol] + 0.05
    assert loss.social[protective] > calm.social[protective] + 0.01
    assert love.levels[oxytocin] > calm.levels[oxytocin] + 0.05


def test_agent_config_composer_is_a_flag_stored_only_when_off():
    assert "composer" not in AgentConfig().to_dict()
    assert AgentConfig(composer=False).to_dict()["composer"] is False
    with pytest.raises(ValueError, match="composer must be true or false; got 'yes'"):
        AgentConfig(composer="yes")


def test_running_mean_is_the_mean_over_the_episode_so_far():
    means = RunningMean()
    a, b, c = (np.full((2, 2, 4), v, dtype=np.float32) for v in (1.0, 2.0, 6.0))
    assert means(np.array([True, True]), a) == pytest.approx(a)
    assert means(np.array([False, False]), b) == pytest.approx(np.full((2, 2, 4), 1.5))
    # env 1's episode starts again: its mean forgets the past, env 0's keeps it
    out = means(np.array([False, True]), c)
    assert out[0] == pytest.approx(np.full((2, 4), 3.0)) and out[1] == pytest.approx(c[1])


def test_no_composer_policy_acts_on_and_reports_the_running_means_exactly():
    params = WorldParams(scenario="crisis", max_cycles=12)
    policy = LearnedPolicy(build_agents(seed=3), seed=0, composer=False)
    state, obs = reset(params, np.arange(3))
    composed, reported = [], []
    for _ in range(12):
        composed.append(policy.actor(obs).complex_emotions)
        actions, extras = policy(state, obs)
        reported.append(extras["complex_emotions"])
        state, obs, *_ = step(params, state, actions)
    composed = np.stack(composed)
    expected = np.cumsum(composed, 0) / np.arange(1, 13)[:, None, None, None]
    np.testing.assert_allclose(np.stack(reported), expected, rtol=1e-5, atol=1e-6)
    assert np.ptp(composed[:, 0, PARENT, 0]) > np.ptp(np.stack(reported)[:, 0, PARENT, 0])


def test_r_squared_on_a_synthetic_stream_with_a_known_answer():
    y = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    p = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [4.0, 1.0]])
    r2 = r_squared(p, y)  # column 0: SS_res 1, SS_tot 5; column 1: a constant target
    assert r2[0] == pytest.approx(0.8) and np.isnan(r2[1])
    assert r_squared(y[:, :1], y[:, :1]) == pytest.approx([1.0])
    assert r_squared(np.full((4, 1), 1.5), y[:, :1]) == pytest.approx([0.0])
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(20_000, 1))
    noisy = signal + 0.5 * rng.normal(size=signal.shape)  # R² = 1 − 0.25 / 1
    assert r_squared(noisy, signal) == pytest.approx([0.75], abs=0.02)


def test_discounted_returns_hand_computed():
    c = np.array([1.0, 0.0, 1.0])[:, None, None]
    out = discounted_returns(c, np.array([0.5]))[:, 0, 0]
    # (1 − γ)(c_t + γ c_{t+1} + γ² c_{t+2}): 0.5(1 + 0 + 0.25), 0.5(0 + 0.5), 0.5
    assert out == pytest.approx([0.625, 0.25, 0.5])
    assert horizon(np.array([0.9, 0.95])) == 90


def test_linear_td_readout_recovers_a_known_linear_gvf():
    # x' = M x + noise with M diagonal; cumulant c = wᵀx: V(x) = (1 − γ) wᵀ (I − γM)⁻¹ x
    rng = np.random.default_rng(1)
    t_len, n, m = 2000, 8, np.array([0.9, 0.5, -0.3])
    x = np.zeros((t_len + 1, n, 3))
    x[0] = rng.normal(size=(n, 3))
    for t in range(t_len):
        x[t + 1] = m * x[t] + rng.normal(size=(n, 3))
    w, gamma = np.array([1.0, -2.0, 0.5]), np.array([0.8, 0.5])
    c = np.stack([x[1:] @ w, x[1:] @ w], -1)  # the cumulant of a step: after it
    stream = Stream(x.astype(np.float32), np.zeros((t_len, n, 2), np.float32),
                    c.astype(np.float32), np.ones((t_len, n), bool), np.zeros((t_len, n)))  # fmt: skip
    weights = fit_linear_gvf(stream, gamma)
    for k, g in enumerate(gamma):
        # E[c | x] = wᵀMx, and V = (1 − γ) Σ γᵏ (wᵀ M^{k+1} x) = (1 − γ) wᵀ M (I − γM)⁻¹ x
        expected = (1 - g) * w * m / (1 - g * m)
        np.testing.assert_allclose(weights[:3, k], expected, atol=0.03)
        assert abs(weights[3, k]) < 0.03
    assert linear_predictions(weights, np.zeros(3)) == pytest.approx(weights[3])


def test_layer4_json_has_every_field_with_values_in_range():
    result = CliRunner().invoke(app, ["layer4", "--scenario", "crisis", "--checkpoint",
                                      "shipped", "--episodes", "4", "--steps", "100",
                                      "--seed", "1", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["scenario"], out["episodes"], out["steps"], out["fit_episodes"]) == (
        "crisis",
        4,
        100,
        2,
    )
    assert out["first_world_seed"] == 2_000_001 and out["agent"] == "parent_0"
    assert list(out["prediction"]) == list(COMPLEX_EMOTIONS)
    for row in out["prediction"].values():
        for r2 in (row["transformer_r2"], row["linear_r2"]):
            assert r2 is None or r2 <= 1.0
        assert 0.0 <= row["target_mean"] <= 1.0 and row["target_std"] >= 0.0
    assert list(out["behaviour"]) == ["child_survived", "feeds", "shield_events"]
    for row in out["behaviour"].values():
        for name in ("normal", "no_composer", "difference"):
            low, high = row[name]["ci95"]
            assert low <= row[name]["mean"] <= high and row[name]["n"] == 4
        gap = row["no_composer"]["mean"] - row["normal"]["mean"]
        assert row["difference"]["mean"] == pytest.approx(gap)
    assert 0.0 <= out["behaviour"]["child_survived"]["normal"]["mean"] <= 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--episodes", "1"], "--episodes must be >= 2"),
        (["--steps", "90"], "--steps must be > 90"),
        (["--checkpoint", "missing.safetensors"], "no checkpoint at missing.safetensors"),
    ],
)
def test_layer4_bad_input_is_one_line(args, message):
    result = CliRunner().invoke(app, ["layer4", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_no_composer_training_feels_the_composers_running_mean(tmp_path):
    out = tmp_path / "run"
    args = ["train", "--scenario", "crisis", "--condition", "no_composer", "--total-steps", "1",
            "--out", str(out), "--json"]  # fmt: skip
    assert CliRunner().invoke(app, args).exit_code == 0
    agents, meta = load_agents(out / "policy.safetensors", "crisis")
    assert meta["spec"]["agent_config"]["composer"] is False
    for agent in agents:  # one update of 64 envs × 128 steps, the living steps counted
        assert 0 < agent.complex_count.item() <= 64 * 128
        assert ((agent.complex_mean > 0) & (agent.complex_mean < 1)).all()
    params = WorldParams(scenario="crisis", max_cycles=5)
    policy = LearnedPolicy(agents, seed=0)
    state, obs = reset(params, np.arange(2))
    for _ in range(5):
        actions, extras = policy(state, obs)
        for i, agent in enumerate(agents):
            np.testing.assert_array_equal(extras["complex_emotions"][:, i],
                                          np.broadcast_to(agent.complex_mean.numpy(), (2, 4)))  # fmt: skip
        state, obs, *_ = step(params, state, actions)
    # the layer4 command runs on a fresh training's checkpoint
    report = CliRunner().invoke(app, ["layer4", "--scenario", "crisis", "--checkpoint",
                                      str(out / "policy.safetensors"), "--episodes", "2",
                                      "--steps", "100", "--json"])  # fmt: skip
    assert report.exit_code == 0, report.output
    behaviour = json.loads(report.stdout)["behaviour"]
    # agents trained without the composer feel a constant, whose running mean is itself:
    # the acting-time ablation changes nothing they do
    for row in behaviour.values():
        assert row["difference"] == {"mean": 0.0, "ci95": [0.0, 0.0], "n": 2}
