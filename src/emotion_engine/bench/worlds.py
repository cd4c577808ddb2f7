"""Benchmark: speed of the worlds, the batched core and the single PettingZoo env.

- agent-steps/s of :class:`emotion_engine.worlds.batch.BatchedWorld` (world rules, emotion
  update of both agents, rewards, observations, automatic reset) with random actions at
  N = 1, 64 and 4,096 envs;
  goal (issue 3): ≥ 1,000,000 at N = 4,096 on one core;
- env-steps/s of ``crisis_v0.parallel_env()`` with random actions, resetting when an episode
  ends; goal: ≥ 20,000.
"""

from __future__ import annotations

import numpy as np

from emotion_engine.bench.harness import rate_result, time_repeats
from emotion_engine.worlds import crisis_v0
from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.core import AGENTS, N_ACTIONS, WorldParams

SIZES = (1, 64, 4096)


def run(quick: bool = False) -> list[dict]:
    """Agent-steps/s of the batched core per batch size, and env-steps/s of the single env."""
    results = []
    params = WorldParams(scenario="crisis")
    rng = np.random.default_rng(0)
    for n in SIZES[:2] if quick else SIZES:
        steps = 2 if quick else max(20, 4_000 // n)
        actions = rng.integers(0, N_ACTIONS, size=(steps, n, 2))
        world = BatchedWorld(n, params)

        def work(world=world, actions=actions) -> None:
            for a in actions:
                world.step(a)

        seconds = time_repeats(work, repeats=2 if quick else 7)
        results.append(
            rate_result(
                f"worlds_core_{n}_envs",
                "agent-steps/s",
                2 * n * steps,
                seconds,
                envs=n,
                scenario="crisis",
            )
        )
    env = crisis_v0.parallel_env()
    steps = 400 if quick else 2_000  # quick still outlives a death (agents drop out)
    moves = rng.integers(0, N_ACTIONS, size=(steps, 2)).tolist()

    def single() -> None:
        env.reset(seed=0)
        for move in moves:
            if not env.agents:
                env.reset()
            env.step({agent: move[AGENTS.index(agent)] for agent in env.agents})

    seconds = time_repeats(single, repeats=2 if quick else 5)
    results.append(rate_result("worlds_pettingzoo_env", "env-steps/s", steps, seconds))
    return results
