"""Benchmark: speed of the worlds, the batched core and the single PettingZoo env.

- agent-steps/s of :class:`emotion_engine.worlds.batch.BatchedWorld` (world rules, emotion
  update of both agents, rewards, observations, automatic reset) with random actions at
  N = 1, 64 and 4,096 envs;
  goal (issue 3): ≥ 1,000,000 at N = 4,096 on one core;
- env-steps/s of ``crisis_v0.parallel_env()`` with random actions, resetting when an episode
  ends; goal: ≥ 20,000;
- agent-steps/s of ``vector_env("crisis", 64)`` (128 entries) with random actions, A B A B
  with the PettingZoo env, and its ratio to the PettingZoo env's agent-steps/s.
"""

from __future__ import annotations

import statistics

import numpy as np

from emotion_engine.bench.harness import rate_result, time_repeats
from emotion_engine.worlds import crisis_v0, vector_env
from emotion_engine.worlds.batch import BatchedWorld
from emotion_engine.worlds.core import AGENTS, N_ACTIONS, WorldParams

SIZES = (1, 64, 4096)
VECTOR_WORLDS = 64


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
    results += _pettingzoo_and_vector(rng, quick)
    return results


def _pettingzoo_and_vector(rng: np.random.Generator, quick: bool) -> list[dict]:
    """The single PettingZoo env and the vector env, timed A B A B, with the ratio of their
    agent-steps/s."""
    env = crisis_v0.parallel_env()
    steps = 400 if quick else 2_000  # quick still outlives a death (agents drop out)
    moves = rng.integers(0, N_ACTIONS, size=(steps, 2)).tolist()
    agent_steps = [0]

    def single() -> None:
        env.reset(seed=0)
        agent_steps[0] = 0
        for move in moves:
            if not env.agents:
                env.reset()
            agent_steps[0] += len(env.agents)
            env.step({agent: move[AGENTS.index(agent)] for agent in env.agents})

    vec = vector_env("crisis", VECTOR_WORLDS)
    vec_steps = 10 if quick else 60
    vec_actions = rng.integers(0, N_ACTIONS, size=(vec_steps, vec.num_envs))
    vec.reset(seed=0)

    def vector() -> None:
        for a in vec_actions:
            vec.step(a)

    single_s: list[float] = []
    vector_s: list[float] = []
    for i in range(2 if quick else 5):  # A B A B …, one warm-up call each first
        single_s += time_repeats(single, repeats=1, warmup=1 if i == 0 else 0)
        vector_s += time_repeats(vector, repeats=1, warmup=1 if i == 0 else 0)
    vec_work = vec.num_envs * vec_steps
    ratio = statistics.median(
        (vec_work / v) / (agent_steps[0] / s) for s, v in zip(single_s, vector_s, strict=True)
    )
    return [
        rate_result("worlds_pettingzoo_env", "env-steps/s", steps, single_s),
        rate_result(
            "worlds_vector_env",
            "agent-steps/s",
            vec_work,
            vector_s,
            envs=VECTOR_WORLDS,
            scenario="crisis",
            vs_pettingzoo_agent_steps=ratio,
            note="vector_env entries (2 per world), A B A B with worlds_pettingzoo_env",
        ),
    ]
