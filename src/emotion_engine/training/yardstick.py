"""The CartPole-v1 yardstick: the project's PPO on a solved problem
(docs/references.md, PPO practice and yardsticks).

The settings are RL-Zoo's tuned PPO hyper-parameters for CartPole-v1 (8 envs × 32 steps,
20 epochs of one minibatch, γ 0.98, λ 0.8, no entropy bonus, lr 1e-3 and clip 0.2 both
annealed linearly, stable-baselines3's value-loss weight), with CleanRL's 64-64 tanh
actor-critic.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch

from emotion_engine.agents.mlp import MLPActorCritic
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.gym_vec import GymVecEnv
from emotion_engine.training.ppo import TrainResult, train

CARTPOLE_ID = "CartPole-v1"
SOLVED_AT = 475.0  # mean return over 100 episodes
SB3_VF_COEF = 0.5  # stable-baselines3's default value-loss weight, on the MSE


def cartpole_config(total_steps: int = 100_000, seed: int = 0) -> PPOConfig:
    """RL-Zoo's tuned PPO settings for CartPole-v1. They are stable-baselines3's, whose value
    loss is vf_coef · MSE with vf_coef 0.5; the project's is vf_coef · ½ · MSE, so the same
    weight is vf_coef 1 here."""
    return PPOConfig(
        total_steps=total_steps, n_envs=8, n_steps=32, n_epochs=20, n_minibatches=1,
        gamma=0.98, gae_lambda=0.8, ent_coef=0.0, vf_coef=SB3_VF_COEF * 2,
        learning_rate=1e-3, anneal_clip=True, seed=seed,
    )  # fmt: skip


def train_cartpole(total_steps: int = 100_000, seed: int = 0) -> TrainResult:
    """Train the MLP actor-critic on CartPole-v1 with :func:`cartpole_config`."""
    config = cartpole_config(total_steps, seed)
    env = GymVecEnv(CARTPOLE_ID, config.n_envs)
    agent = MLPActorCritic(
        env.obs_dim, env.n_actions, generator=torch.Generator().manual_seed(seed)
    )
    return train(config, env, [agent])


@torch.no_grad()
def evaluate_gym(
    agent: torch.nn.Module, env_id: str = CARTPOLE_ID, episodes: int = 100, seed: int = 10_000
) -> np.ndarray:
    """Returns of ``episodes`` episodes with the greedy policy, on seeds not used in training."""
    env = gym.make(env_id)
    returns = np.zeros(episodes)
    for k in range(episodes):
        obs, _ = env.reset(seed=seed + k)
        done = False
        while not done:
            logits, _ = agent(agent.features(torch.as_tensor(obs, dtype=torch.float32)))
            obs, r, term, trunc, _ = env.step(int(logits.argmax()))
            returns[k] += r
            done = term or trunc
    return returns
