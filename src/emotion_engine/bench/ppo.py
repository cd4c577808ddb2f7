"""Benchmark: this project's PPO against stable-baselines3's on CartPole-v1, in one run.

Both use RL-Zoo's tuned CartPole settings and a 64-64 tanh actor-critic, one torch thread.
Runs alternate A B A B so that drift on a shared machine hits both alike; the figures are
wall-clock seconds for the step budget, env steps until the mean return of the last 100
training episodes first reaches 475, and the ratio of the medians (ours / SB3).
"""

from __future__ import annotations

import statistics
import time
from collections import deque

from emotion_engine.bench.harness import summary
from emotion_engine.training.yardstick import SOLVED_AT, cartpole_config

FULL_STEPS, QUICK_STEPS = 100_000, 2_048


def _ours(steps: int, seed: int) -> tuple[float, int | None]:
    import torch

    from emotion_engine.agents.mlp import MLPActorCritic
    from emotion_engine.training.gym_vec import GymVecEnv
    from emotion_engine.training.ppo import train

    config = cartpole_config(steps, seed)
    env = GymVecEnv("CartPole-v1", config.n_envs)
    agent = MLPActorCritic(
        env.obs_dim, env.n_actions, generator=torch.Generator().manual_seed(seed)
    )
    recent: deque[float] = deque(maxlen=100)
    solved: list[int] = []

    def watch(state, log) -> None:
        recent.extend(e["return"] for e in log.episodes)
        if not solved and len(recent) == 100 and statistics.mean(recent) >= SOLVED_AT:
            solved.append(log.env_steps)

    t0 = time.perf_counter()
    train(config, env, [agent], on_update=watch)
    return time.perf_counter() - t0, (solved[0] if solved else None)


def _sb3(steps: int, seed: int) -> tuple[float, int | None]:
    import numpy as np
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    class Watch(BaseCallback):
        solved: int | None = None

        def _on_step(self) -> bool:
            buf = self.model.ep_info_buffer
            if (
                self.solved is None
                and len(buf) == 100
                and np.mean([e["r"] for e in buf]) >= SOLVED_AT
            ):
                self.solved = self.num_timesteps
            return True

    def linear(start: float):
        return lambda progress: progress * start

    env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
    model = PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98,
                n_epochs=20, ent_coef=0.0, learning_rate=linear(1e-3), clip_range=linear(0.2),
                seed=seed, device="cpu", verbose=0)  # fmt: skip
    watch = Watch()
    t0 = time.perf_counter()
    model.learn(total_timesteps=steps, callback=watch)
    return time.perf_counter() - t0, watch.solved


def run(quick: bool = False) -> list[dict]:
    """Seconds and steps-to-solve for both implementations, alternating, with the ratio."""
    from emotion_engine.agents import configure_torch

    configure_torch()
    steps = QUICK_STEPS if quick else FULL_STEPS
    repeats = 1 if quick else 5
    runs: dict[str, list[tuple[float, int | None]]] = {"ours": [], "sb3": []}
    for seed in range(repeats):
        runs["ours"].append(_ours(steps, seed))
        runs["sb3"].append(_sb3(steps, seed))
    results = []
    for name, rs in runs.items():
        solved = [s for _, s in rs if s is not None]
        results.append(summary(f"ppo_cartpole_{name}_seconds", "s", [t for t, _ in rs],
                               env_steps=steps, solved_runs=len(solved), runs=len(rs),
                               steps_to_solve_median=statistics.median(solved) if solved else None))  # fmt: skip
    ratio = results[0]["value"] / results[1]["value"]
    results.append(summary("ppo_cartpole_time_ratio_ours_over_sb3", "ratio", [ratio]))
    return results
