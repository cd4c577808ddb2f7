"""Benchmark: the same small sweep on the local backend and on a local Ray, in one run.

Four trials (2 conditions × 2 seeds, 8 PPO updates of 512 samples, 20 evaluation episodes)
on 2 workers, alternating local and Ray so that drift on a shared machine hits both alike.
Ray is started once (its start-up is its own figure) and stays up, as on a cluster; the
local backend starts a fresh process pool for every sweep. The ratio of the medians (Ray /
local) is the overhead of Ray on one machine.
"""

from __future__ import annotations

import statistics
import tempfile
import time

from emotion_engine.bench.harness import summary
from emotion_engine.training.sweep import SweepSettings, ray_session, run_sweep

FULL = {"total_steps": 8 * 512, "eval_episodes": 20, "eval_steps": 200,
        "config_overrides": {"n_envs": 8, "n_steps": 64}}  # fmt: skip
QUICK = {"total_steps": 128, "eval_episodes": 2, "eval_steps": 20,
         "config_overrides": {"n_envs": 4, "n_steps": 32, "n_minibatches": 2, "n_epochs": 1}}  # fmt: skip


def run(quick: bool = False) -> list[dict]:
    """Seconds per sweep on each backend, Ray's start-up, and the ratio Ray / local."""
    settings = SweepSettings(
        "caretaking", ("emotional", "extrinsic"), 2, **(QUICK if quick else FULL)
    )
    repeats = 1 if quick else 5
    seconds: dict[str, list[float]] = {"local": [], "ray": []}
    t0 = time.perf_counter()
    with ray_session(num_cpus=2):
        startup = time.perf_counter() - t0
        for _ in range(repeats):
            for backend in seconds:
                with tempfile.TemporaryDirectory() as out:
                    t0 = time.perf_counter()
                    run_sweep(settings, out, backend=backend, workers=2)
                    seconds[backend].append(time.perf_counter() - t0)
    shape = {"trials": len(settings.trials()), "workers": 2,
             "env_steps_per_trial": settings.total_steps, "eval_episodes": settings.eval_episodes}  # fmt: skip
    results = [summary(f"sweep_{b}_seconds", "s", s, **shape) for b, s in seconds.items()]
    results.append(summary("ray_local_startup_seconds", "s", [startup]))
    ratio = statistics.median(seconds["ray"]) / statistics.median(seconds["local"])
    results.append(summary("sweep_time_ratio_ray_over_local", "ratio", [ratio]))
    return results
