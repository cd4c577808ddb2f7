"""Tiny sweep settings and trial functions that inject faults, for the sweep tests."""

import os
import signal
import time
from pathlib import Path

from emotion_engine.training.layout import EVAL_FILE, trial_dir
from emotion_engine.training.sweep import SweepSettings, run_trial

BATCH = 4 * 32
TINY = {"config_overrides": {"n_envs": 4, "n_steps": 32, "n_minibatches": 2, "n_epochs": 1},
        "eval_episodes": 4, "eval_steps": 40, "checkpoint_every": 1}  # fmt: skip
KILLED = "seed_1_killed"
"""The file in OUT that :func:`killed_once` writes just before its worker is killed."""


def tiny(conditions: tuple[str, ...] = ("emotional", "extrinsic"), seeds: int = 2) -> SweepSettings:
    """Three PPO updates of 128 samples per trial, a short evaluation."""
    return SweepSettings("caretaking", conditions, seeds, 3 * BATCH, **TINY)


def killed_once(settings, condition, seed, out, attempt):
    """The worker of seed 1's first attempt is killed (SIGKILL) after two updates, while seed
    0's first attempt, after its first update, waits for that (at most a minute)."""

    def die(done: int, total: int) -> None:
        if done >= 2 * BATCH:
            (Path(out) / KILLED).touch()
            os.kill(os.getpid(), signal.SIGKILL)

    def wait_for_the_kill(done: int, total: int) -> None:
        deadline = time.monotonic() + 60
        while done == BATCH and not (Path(out) / KILLED).exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    progress = {(1, 1): die, (0, 1): wait_for_the_kill}.get((seed, attempt))
    return run_trial(settings, condition, seed, out, attempt, progress=progress)


def always_failing(settings, condition, seed, out, attempt):
    """Seed 0 raises after two updates in its first attempt, then at once; seed 1 at once."""

    def stop(done: int, total: int) -> None:
        if done >= 2 * BATCH:
            raise RuntimeError("injected fault")

    if seed == 1 or attempt > 1:
        raise RuntimeError("injected fault before training")
    return run_trial(settings, condition, seed, out, attempt, progress=stop)


def logged(settings, condition, seed, out, attempt):
    """No training: writes "start|end condition seed pid" lines to OUT/trials.log around a
    one-second sleep and an empty evaluation, and is done."""
    log, folder = Path(out) / "trials.log", trial_dir(out, condition, seed)
    with log.open("a") as f:
        f.write(f"start {condition} {seed} {os.getpid()}\n")
    time.sleep(1.0)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EVAL_FILE).write_text("{}")
    with log.open("a") as f:
        f.write(f"end {condition} {seed} {os.getpid()}\n")
    return {"status": "done", "env_steps": 0, "error": None, "eval": {}}


def sleeping(settings, condition, seed, out, attempt):
    """Writes its pid to OUT/pids/<condition>_<seed>, then sleeps for ten minutes."""
    pids = Path(out) / "pids"
    pids.mkdir(exist_ok=True)
    (pids / f"{condition}_{seed}").write_text(str(os.getpid()))
    time.sleep(600)


def emotional_rows(rows: list[dict]) -> list[dict]:
    """The rows of the emotional condition (the reference sweep also has extrinsic)."""
    return [r for r in rows if r["condition"] == "emotional"]
