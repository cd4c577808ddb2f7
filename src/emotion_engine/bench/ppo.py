"""Benchmark: this project's PPO against stable-baselines3's on CartPole-v1, in one run.

Both use RL-Zoo's tuned CartPole settings and a 64-64 tanh actor-critic, one torch thread.
Runs alternate A B A B so that drift on a shared machine hits both alike; the figures are
wall-clock seconds for the step budget, env steps until the mean return of the last 100
training episodes (sampled actions, as trained) first reaches 475, and the ratios of the
medians (ours / SB3). Both are checked at the same moments, at the end of each rollout of
8 envs × 32 steps, so both counts are multiples of 256.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Sequence

from emotion_engine.bench.harness import summary
from emotion_engine.training.yardstick import SOLVED_AT, cartpole_config

FULL_STEPS, QUICK_STEPS = 100_000, 2_048
WINDOW = 100
"""Training episodes in the mean that must reach :data:`SOLVED_AT`."""


def _solved(returns: Sequence[float]) -> bool:
    """Whether the last :data:`WINDOW` episodes' mean return has reached :data:`SOLVED_AT`."""
    return len(returns) == WINDOW and statistics.mean(returns) >= SOLVED_AT


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
    recent: deque[float] = deque(maxlen=WINDOW)
    solved: list[int] = []

    def watch(state, log) -> None:  # after each update: the rollout's episodes
        recent.extend(e["return"] for e in log.episodes)
        if not solved and _solved(recent):
            solved.append(log.env_steps)

    t0 = time.perf_counter()
    train(config, env, [agent], on_update=watch)
    return time.perf_counter() - t0, (solved[0] if solved else None)


def _sb3(steps: int, seed: int) -> tuple[float, int | None]:
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    class Watch(BaseCallback):
        solved: int | None = None

        def _on_step(self) -> bool:
            return True

        def _on_rollout_end(self) -> None:  # as ours: once a rollout, before its update
            if self.solved is None and _solved([e["r"] for e in self.model.ep_info_buffer]):
                self.solved = self.num_timesteps

    def linear(start: float):
        return lambda progress: progress * start

    config = cartpole_config(steps, seed)
    env = make_vec_env("CartPole-v1", n_envs=config.n_envs, seed=seed)
    model = PPO("MlpPolicy", env, n_steps=config.n_steps, batch_size=config.batch_size,
                gae_lambda=config.gae_lambda, gamma=config.gamma, n_epochs=config.n_epochs,
                ent_coef=config.ent_coef, learning_rate=linear(config.learning_rate),
                clip_range=linear(config.clip_coef), seed=seed, device="cpu", verbose=0)  # fmt: skip
    watch = Watch()
    t0 = time.perf_counter()
    model.learn(total_timesteps=steps, callback=watch)
    return time.perf_counter() - t0, watch.solved


def run(quick: bool = False, seeds: int | None = None) -> list[dict]:
    """Seconds and steps-to-solve for both implementations on seeds 0 … ``seeds`` − 1
    (default 5; 1 when ``quick``), alternating, with the ratios."""
    from emotion_engine.agents import configure_torch

    configure_torch()
    steps = QUICK_STEPS if quick else FULL_STEPS
    chosen = range((1 if quick else 5) if seeds is None else seeds)
    runs: dict[str, list[tuple[float, int | None]]] = {"ours": [], "sb3": []}
    for seed in chosen:
        runs["ours"].append(_ours(steps, seed))
        runs["sb3"].append(_sb3(steps, seed))
    results = []
    medians: list[float | None] = []
    for name, rs in runs.items():
        solved = [s for _, s in rs if s is not None]
        medians.append(statistics.median(solved) if solved else None)
        results.append(summary(f"ppo_cartpole_{name}_seconds", "s", [t for t, _ in rs],
                               env_steps=steps, seeds=list(chosen), solved_runs=len(solved),
                               runs=len(rs), steps_to_solve=[s for _, s in rs],
                               steps_to_solve_median=medians[-1]))  # fmt: skip
    ratio = results[0]["value"] / results[1]["value"]
    results.append(summary("ppo_cartpole_time_ratio_ours_over_sb3", "ratio", [ratio]))
    if None not in medians:
        results.append(summary("ppo_cartpole_steps_to_solve_ratio_ours_over_sb3", "ratio",
                               [medians[0] / medians[1]]))  # fmt: skip
    return results
