"""PPO maths against hand-computed values; the loop on CartPole (the yardstick)."""

import math

import numpy as np
import pytest
import torch

from emotion_engine.agents.mlp import MLPActorCritic
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.gym_vec import GymVecEnv
from emotion_engine.training.ppo import (
    StepResult,
    _collect,
    compute_gae,
    explained_variance,
    ppo_loss,
    train,
)
from emotion_engine.training.yardstick import SOLVED_AT, evaluate_gym, train_cartpole


def t(*xs):
    return torch.tensor(xs, dtype=torch.float32)


def test_gae_hand_computed():
    # γ = 0.9, λ = 0.8; the episode ends after step 1, so step 0 does not see step 2
    adv, ret = compute_gae(t(1, 0, 2), t(0.5, 1.0, 1.5), t(0, 1, 0), torch.tensor(2.0), 0.9, 0.8)
    # t=2: δ = 2 + 0.9·2.0 − 1.5 = 2.3;  t=1: δ = 0 − 1.0 = −1.0 (ended);
    # t=0: δ = 1 + 0.9·1.0 − 0.5 = 1.4, A = 1.4 + 0.9·0.8·(−1.0) = 0.68
    torch.testing.assert_close(adv, t(0.68, -1.0, 2.3))
    torch.testing.assert_close(ret, t(1.18, 0.0, 3.8))


def test_gae_limits_monte_carlo_and_td0():
    rewards, values = t(1, 1, 1, 1), t(0.2, 0.4, 0.1, 0.3)
    ends, last = t(0, 0, 0, 0), torch.tensor(0.5)
    gamma = 0.9
    adv, _ = compute_gae(rewards, values, ends, last, gamma, 1.0)  # λ = 1: discounted MC
    mc = [sum(gamma**k for k in range(4 - s)) + gamma ** (4 - s) * 0.5 for s in range(4)]
    torch.testing.assert_close(adv, torch.tensor(mc) - values)
    adv0, _ = compute_gae(rewards, values, ends, last, gamma, 0.0)  # λ = 0: one-step TD error
    nxt = torch.cat([values[1:], last[None]])
    torch.testing.assert_close(adv0, rewards + gamma * nxt - values)


def test_gae_counts_remaining_steps_like_sb3():
    # SB3's test_gae idea: reward 1 each step, zero values, γ = λ = 1, episode of 5 steps
    adv, _ = compute_gae(torch.ones(5, 2), torch.zeros(5, 2), t(0, 0, 0, 0, 1)[:, None].expand(5, 2),
                         torch.zeros(2), 1.0, 1.0)  # fmt: skip
    torch.testing.assert_close(adv[:, 0], t(5, 4, 3, 2, 1))


def test_ppo_loss_hand_computed():
    new_lp, old_lp = torch.log(t(0.6, 0.6)), torch.log(t(0.5, 0.5))  # ratio 1.2
    adv = t(2.0, -1.0)
    loss, s = ppo_loss(new_lp, old_lp, adv, t(1.5, 1.5), t(1.0, 1.0), t(2.0, 2.0), t(0.7, 0.7),
                       clip_coef=0.1, vf_coef=0.5, ent_coef=0.01, clip_vloss=True)  # fmt: skip
    # A = 2: max(−2.4, −1.1·2) = −2.2; A = −1: max(1.2, 1.1) = 1.2 → mean −0.5
    assert s["pg_loss"] == pytest.approx(-0.5)
    # value clipped to 1.0 ± 0.1 = 1.1: max((1.5−2)², (1.1−2)²) = 0.81, × ½
    assert s["v_loss"] == pytest.approx(0.405)
    assert loss.item() == pytest.approx(-0.5 + 0.5 * 0.405 - 0.01 * 0.7)
    assert s["clipfrac"] == 1.0
    assert s["approx_kl"] == pytest.approx(0.2 - math.log(1.2), rel=1e-5)
    _, unclipped = ppo_loss(new_lp, old_lp, adv, t(1.5, 1.5), t(1.0, 1.0), t(2.0, 2.0), t(0.7, 0.7),
                            0.1, 0.5, 0.01, clip_vloss=PPOConfig().clip_vloss)  # fmt: skip
    assert unclipped["v_loss"] == pytest.approx(0.125)  # by default ½·(1.5−2)²: not held back


class ThreeSteps:
    """Two envs whose episodes last 3 steps, observation t + 1 at step t, reward 1 a step;
    after step 3, env 0's episode terminates and env 1's is truncated (a time limit)."""

    n_envs, n_agents, obs_dim, n_actions = 2, 1, 1, 2

    def __init__(self) -> None:
        self.t = 0

    def reset(self, seed: int) -> np.ndarray:
        self.t = 0
        return np.ones((2, 1, 1), dtype=np.float32)

    def step(self, actions, values=None, complex_emotions=None) -> StepResult:
        self.t += 1
        end = self.t == 3
        final = np.full((2, 1, 1), self.t + 1, dtype=np.float32)
        obs = np.ones_like(final) if end else final
        return StepResult(obs, np.ones((2, 1), dtype=np.float32), np.array([[end], [False]]),
                          np.array([[False], [end]]), final)  # fmt: skip


class ValueIsObservation(torch.nn.Module):
    """V(s) = s, uniform policy."""

    def features(self, obs):
        return obs

    def forward(self, features):
        return torch.zeros(features.shape[0], 2), features[:, 0]


def test_a_truncated_episode_is_bootstrapped_with_the_value_of_its_final_observation():
    config = PPOConfig(n_envs=2, n_steps=3, n_minibatches=1, gamma=0.5, gae_lambda=0.5)
    env = ThreeSteps()
    rollout, _ = _collect(env, [ValueIsObservation()], env.reset(0), config,
                          torch.Generator().manual_seed(0))  # fmt: skip
    terminated, truncated = rollout.returns[:, 0, 0], rollout.returns[:, 1, 0]
    # V = 1, 2, 3 at steps 0–2; terminated: δ = 1 + ½·2 − 1, 1 + ½·3 − 2, 1 − 3 = 1, ½, −2;
    # A_t = δ_t + ¼·A_{t+1}: A = 1, 0, −2, so returns A + V = 2, 2, 1
    torch.testing.assert_close(terminated, t(2.0, 2.0, 1.0))
    # truncated: the last reward gains γ·V(s_3) = ½·4 = 2, so δ_2 = 0 and A = 1.125, ½, 0
    torch.testing.assert_close(truncated, t(2.125, 2.5, 3.0))
    # the targets differ by γ·V(s_T), carried back by (γλ)^k
    torch.testing.assert_close(truncated - terminated, 2.0 * t(0.25**2, 0.25, 1.0))


def test_explained_variance():
    y = np.array([1.0, 2.0, 3.0])
    assert explained_variance(y, y) == 1.0
    assert explained_variance(np.full(3, 2.0), y) == pytest.approx(0.0)
    assert math.isnan(explained_variance(y, np.ones(3)))


def test_config_is_validated():
    with pytest.raises(ValueError, match="minibatches"):
        PPOConfig(n_envs=3, n_steps=5, n_minibatches=4)
    with pytest.raises(ValueError, match="gamma"):
        PPOConfig(gamma=1.5)
    assert PPOConfig.from_dict(PPOConfig(seed=3).to_dict()) == PPOConfig(seed=3)


def _short_cartpole(seed: int) -> tuple[list[dict], dict]:
    config = PPOConfig(
        total_steps=512, n_envs=4, n_steps=32, n_minibatches=2, n_epochs=2, seed=seed
    )
    env = GymVecEnv("CartPole-v1", 4)
    agent = MLPActorCritic(
        env.obs_dim, env.n_actions, generator=torch.Generator().manual_seed(seed)
    )
    result = train(config, env, [agent])
    return result.history, result.agents[0].state_dict()


def test_same_seed_same_training():
    h1, w1 = _short_cartpole(5)
    h2, w2 = _short_cartpole(5)
    assert [h["agents"][0]["pg_loss"] for h in h1] == [h["agents"][0]["pg_loss"] for h in h2]
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    _, w3 = _short_cartpole(6)
    assert not all(torch.equal(w1[k], w3[k]) for k in w1)


def test_training_leaves_torch_global_state_to_its_caller():
    config = PPOConfig(
        total_steps=128, n_envs=2, n_steps=32, n_minibatches=2, n_epochs=1, torch_threads=2
    )
    env = GymVecEnv("CartPole-v1", 2)
    agent = MLPActorCritic(env.obs_dim, env.n_actions, generator=torch.Generator().manual_seed(0))
    threads, rng = torch.get_num_threads(), torch.random.get_rng_state()
    assert train(config, env, [agent]).env_steps == 128
    assert torch.get_num_threads() == threads == 1
    assert torch.equal(torch.random.get_rng_state(), rng)


class _Exploding(MLPActorCritic):
    def forward(self, features):
        logits, value = super().forward(features)
        return logits, value * float("nan")


def test_non_finite_loss_stops_training_before_the_bad_update():
    config = PPOConfig(total_steps=256, n_envs=2, n_steps=32, n_minibatches=2, n_epochs=1)
    env = GymVecEnv("CartPole-v1", 2)
    agent = _Exploding(env.obs_dim, env.n_actions)
    before = {k: v.clone() for k, v in agent.state_dict().items()}
    result = train(config, env, [agent])
    assert result.stopped_reason == "non-finite loss"
    assert result.history == []
    assert all(torch.equal(before[k], v) for k, v in agent.state_dict().items())


@pytest.mark.slow
def test_ppo_solves_cartpole():
    result = train_cartpole(total_steps=100_000, seed=0)
    returns = evaluate_gym(result.agents[0], episodes=100)
    assert returns.mean() >= SOLVED_AT
