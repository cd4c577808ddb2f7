"""Tiny sweep settings and trial functions that inject faults, for the sweep tests."""

import os

from emotion_engine.training.sweep import SweepSettings, run_trial

BATCH = 4 * 32
TINY = {"config_overrides": {"n_envs": 4, "n_steps": 32, "n_minibatches": 2, "n_epochs": 1},
        "eval_episodes": 4, "eval_steps": 40, "checkpoint_every": 1}  # fmt: skip


def tiny(conditions: tuple[str, ...] = ("emotional", "extrinsic"), seeds: int = 2) -> SweepSettings:
    """Three PPO updates of 128 samples per trial, a short evaluation."""
    return SweepSettings("caretaking", conditions, seeds, 3 * BATCH, **TINY)


def killed_once(settings, condition, seed, out, attempt):
    """The worker of seed 1's first attempt dies (os._exit) after two updates."""

    def die(done: int, total: int) -> None:
        if done >= 2 * BATCH:
            os._exit(1)

    progress = die if (seed, attempt) == (1, 1) else None
    return run_trial(settings, condition, seed, out, attempt, progress=progress)


def always_failing(settings, condition, seed, out, attempt):
    """Seed 0 raises after two updates in its first attempt, then at once; seed 1 at once."""

    def stop(done: int, total: int) -> None:
        if done >= 2 * BATCH:
            raise RuntimeError("injected fault")

    if seed == 1 or attempt > 1:
        raise RuntimeError("injected fault before training")
    return run_trial(settings, condition, seed, out, attempt, progress=stop)


def emotional_rows(rows: list[dict]) -> list[dict]:
    """The rows of the emotional condition (the reference sweep also has extrinsic)."""
    return [r for r in rows if r["condition"] == "emotional"]
