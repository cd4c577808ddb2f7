"""Benchmark: agent-updates per second of layers 1–3 together (``step_affect``).

One agent-update is one agent's modulators, primary emotions, social primitives and mood
advanced by one step, with random events. Measured at 1, 1,000 and 100,000 agents at once;
goal (issue 2): ≥ 1,000,000 agent-updates/s at 100,000 agents on one core.
"""

from __future__ import annotations

import numpy as np

from emotion_engine.affect import EVENTS, AffectParams, initial_state, step_affect
from emotion_engine.bench.harness import rate_result, time_repeats

SIZES = (1, 1_000, 100_000)


def run(quick: bool = False) -> list[dict]:
    """Agent-updates/s of ``step_affect`` for each batch size."""
    results = []
    params = AffectParams()
    rng = np.random.default_rng(0)
    for n in SIZES[:2] if quick else SIZES:
        steps = max(1, 200_000 // n) if not quick else 2
        events = (rng.random((n, len(EVENTS))) < 0.1) * rng.random((n, len(EVENTS)))
        state = initial_state(params, (n,))

        def work(state=state, events=events, steps=steps) -> None:
            s = state
            for _ in range(steps):
                s = step_affect(s, events, 0.1, params)

        seconds = time_repeats(work, repeats=2 if quick else 7)
        results.append(
            rate_result(f"affect_step_{n}_agents", "agent-updates/s", n * steps, seconds, agents=n)
        )
    return results
