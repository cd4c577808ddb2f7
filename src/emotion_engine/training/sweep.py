"""Sweeps: every (condition, seed) pair of the experiment trained and evaluated, on this
machine (a process pool) or on a Ray cluster, with retries, resume and partial results.

The layout of ``OUT/`` is in training/layout.py (``docs/RESULTS.md`` is generated from it).

Trial ``(condition, k)`` trains with :func:`default_config` ``(total_steps, seed=k)`` and is
evaluated on held-out worlds with evaluation seed 0. Statuses: ``done``; ``partial`` (training
stopped early but left a checkpoint, whose policy is evaluated); ``failed`` (no checkpoint).

Fault tolerance: the driver retries a failed attempt (an exception or a killed worker) up to
``max_attempts`` times per sweep; an attempt resumes from the trial's last checkpoint (a
corrupt one is discarded and the trial starts over, as its status says). Trials already done
are skipped when the sweep is started again. Trials write straight into ``OUT``, so with Ray
on several machines ``OUT`` must be on a filesystem that every node mounts at the same path.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from emotion_engine.agents import configure_torch
from emotion_engine.agents.policy import build_agents
from emotion_engine.agents.policy_file import POLICY_FILE, save_policy
from emotion_engine.checkpoint import (
    CheckpointError,
    atomic_write_text,
    load_checkpoint,
    load_module_state,
)
from emotion_engine.training.config import PPOConfig
from emotion_engine.training.evaluate import METRIC_FIELDS, evaluate
from emotion_engine.training.experiment import default_config, train_run
from emotion_engine.training.layout import (
    EVAL_FILE,
    LAST_POLICY_FILE,
    STATE_FILE,
    STATUS_FILE,
    SWEEP_FILE,
    trial_dir,
)
from emotion_engine.training.spec import RunSpec

EVAL_FIELDS: tuple[str, ...] = tuple(name for mean in METRIC_FIELDS for name in mean[:2])
"""The evaluate() metrics and CIs that every row carries (None when not evaluated)."""
RAY_INSTALL = 'pip install "emotion-engine[scale]"'
_MATCHING = ("scenario", "total_steps", "eval_episodes", "eval_steps", "config_overrides")


class SweepError(RuntimeError):
    """A sweep that cannot run: Ray missing or unreachable, or OUT not visible on a worker."""


@dataclass(frozen=True)
class SweepSettings:
    """What a sweep trains and how it evaluates; ValueError for unknown or invalid settings.

    ``config_overrides`` replace :func:`default_config` fields (e.g. small batches in tests);
    ``checkpoint_every`` is in PPO updates.
    """

    scenario: str
    conditions: tuple[str, ...]
    seeds: int
    total_steps: int
    eval_episodes: int = 100
    eval_steps: int = 500
    config_overrides: dict[str, Any] = field(default_factory=dict)
    checkpoint_every: int = 10

    def __post_init__(self) -> None:
        if not self.conditions:
            raise ValueError("give at least one condition")
        for condition in self.conditions:
            RunSpec.from_condition(condition, self.scenario)
        for name in ("seeds", "total_steps", "eval_episodes", "eval_steps", "checkpoint_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1; got {getattr(self, name)}")
        allowed = set(PPOConfig().to_dict()) - {"total_steps", "seed"}
        if set(self.config_overrides) - allowed:
            raise ValueError(
                f"cannot override {sorted(set(self.config_overrides) - allowed)}; "
                f"the PPO settings are: {', '.join(sorted(allowed))}"
            )
        self.ppo_config(0)

    def ppo_config(self, seed: int) -> PPOConfig:
        """The PPO settings of the trial with training seed ``seed``."""
        return default_config(self.total_steps, seed, **self.config_overrides)

    def trials(self) -> list[tuple[str, int]]:
        """Every (condition, seed) pair, seed by seed (a partly run sweep stays balanced)."""
        return [(c, k) for k in range(self.seeds) for c in self.conditions]

    def header(self) -> dict[str, Any]:
        """The settings as sweep.json records them."""
        return {"scenario": self.scenario, "conditions": list(self.conditions), "seeds": self.seeds,
                "total_steps": self.total_steps, "eval_episodes": self.eval_episodes,
                "eval_steps": self.eval_steps, "config_overrides": self.config_overrides}  # fmt: skip


TrialFn = Callable[..., dict]
"""Signature of :func:`run_trial`: (settings, condition, seed, out, attempt) -> outcome."""


def run_trial(
    settings: SweepSettings,
    condition: str,
    seed: int,
    out: str,
    attempt: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """One attempt at one trial (run on a worker): train, resuming from the trial's
    checkpoint if there is one, then evaluate. Returns {status, env_steps, error, eval}.

    ``attempt`` (1-based) is for wrappers that inject faults; ``progress`` is passed to
    :func:`train_run`.
    """
    configure_torch(settings.ppo_config(seed).torch_threads)  # a worker is an entry point
    if not (Path(out) / SWEEP_FILE).is_file():
        raise SweepError(
            f"{out}/{SWEEP_FILE} is not visible on {socket.gethostname()}: --out must be on a "
            "filesystem that every Ray node mounts at the same path"
        )
    folder = trial_dir(out, condition, seed)
    spec, config = RunSpec.from_condition(condition, settings.scenario), settings.ppo_config(seed)
    resume, note = (folder / STATE_FILE).exists(), None
    options = {"progress": progress, "checkpoint_every": settings.checkpoint_every}
    try:
        result = train_run(spec, config, folder, resume=resume, overwrite=not resume, **options)
    except CheckpointError as e:
        if not resume:
            raise
        note = f"{STATE_FILE} was unusable, the trial started over ({e})"
        shutil.rmtree(folder)
        result = train_run(spec, config, folder, **options)
    if result.stopped_reason != "done":
        return finish_early(settings, folder, f"training stopped: {result.stopped_reason}")
    metrics = _evaluate(settings, folder, folder / POLICY_FILE)
    return {"status": "done", "env_steps": result.env_steps, "error": note, "eval": metrics}


def finish_early(settings: SweepSettings, folder: Path, reason: str) -> dict:
    """The outcome of a trial that stopped before the end: ``partial`` with the policy of its
    last checkpoint evaluated, or ``failed`` when it has no readable checkpoint."""
    try:
        tensors, meta = load_checkpoint(folder / STATE_FILE, kind="training-state")
    except CheckpointError:
        return {"status": "failed", "env_steps": 0, "error": reason, "eval": None}
    spec, config = RunSpec.from_dict(meta["spec"]), PPOConfig.from_dict(meta["config"])
    agents = build_agents(spec.agent_config)
    for i, agent in enumerate(agents):
        load_module_state(agent, tensors, f"agent_{i}.", source=str(folder / STATE_FILE))
    env_steps = (meta["update"] - 1) * config.batch_size
    policy = save_policy(folder / LAST_POLICY_FILE, agents, spec.to_dict(),
                         {"env_steps": env_steps, "config": meta["config"]})  # fmt: skip
    metrics = _evaluate(settings, folder, policy)
    return {"status": "partial", "env_steps": env_steps, "error": reason, "eval": metrics}


def _evaluate(settings: SweepSettings, folder: Path, policy: Path) -> dict:
    metrics = evaluate(settings.scenario, checkpoint=policy, episodes=settings.eval_episodes,
                       seed=0, steps=settings.eval_steps)  # fmt: skip
    _write_json(folder / EVAL_FILE, metrics)
    return metrics


def run_sweep(
    settings: SweepSettings,
    out: str | Path,
    backend: str = "local",
    workers: int = 2,
    address: str | None = None,
    max_attempts: int = 3,
    on_row: Callable[[dict], None] | None = None,
    trial_fn: TrialFn = run_trial,
) -> list[dict]:
    """Run every trial not yet done in ``out`` and return all rows (see the module docstring).

    ``backend`` is ``local`` (``workers`` processes) or ``ray`` (the cluster at ``address``,
    or the Ray already initialised in this process, or a local Ray with ``workers`` CPUs).
    ``on_row`` is called with each row as it is known (trials done before, first);
    ``trial_fn`` runs one attempt (:func:`run_trial`, or a wrapper that injects faults).

    Raises:
        ValueError: ``out`` holds a sweep with other settings, or bad arguments.
        SweepError: Ray is not installed or cannot be reached.
    """
    if backend not in ("local", "ray"):
        raise ValueError(f"unknown backend {backend!r}; expected local or ray")
    if workers < 1 or max_attempts < 1:
        raise ValueError("need workers >= 1 and max_attempts >= 1")
    if backend == "ray":
        import_ray()
    out = Path(out).resolve()
    _check_settings(out, settings)
    rows: dict[tuple[str, int], dict] = {}
    attempts: dict[tuple[str, int], int] = {}
    for key in settings.trials():
        status = _read_json(trial_dir(out, *key) / STATUS_FILE)
        metrics = _read_json(trial_dir(out, *key) / EVAL_FILE)
        if status is not None:  # kept (partial results stay reported) until it runs again
            rows[key] = _row(key, status, metrics if status["status"] != "failed" else None)
        if status is not None and status["status"] == "done" and metrics is not None:
            if on_row is not None:
                on_row(rows[key])
        else:
            attempts[key] = status["attempts"] if status else 0

    def save() -> None:
        ordered = [rows[k] for k in settings.trials() if k in rows]
        _write_json(out / SWEEP_FILE, {**settings.header(), "backend": backend, "rows": ordered})

    def finish(key: tuple[str, int], outcome: dict) -> None:
        status = {"status": outcome["status"], "attempts": attempts[key],
                  "error": outcome["error"], "env_steps": outcome["env_steps"]}  # fmt: skip
        _write_json(trial_dir(out, *key) / STATUS_FILE, status)
        rows[key] = _row(key, status, outcome["eval"])
        save()
        if on_row is not None:
            on_row(rows[key])

    save()
    if not attempts:
        return [rows[k] for k in settings.trials()]
    executor = _RayExecutor if backend == "ray" else _LocalExecutor
    with executor.open(workers, address) as pool:
        tries = dict.fromkeys(attempts, 0)

        def submit(key: tuple[str, int]) -> object:
            tries[key] += 1
            attempts[key] += 1
            return pool.submit(trial_fn, settings, key[0], key[1], str(out), tries[key])

        running = {submit(key): key for key in attempts}
        while running:
            handle, outcome, error = pool.next_done(list(running))
            key = running.pop(handle)
            if error is None:
                finish(key, outcome)
            elif tries[key] < max_attempts:
                _write_json(trial_dir(out, *key) / STATUS_FILE, {"status": "failed",
                            "attempts": attempts[key], "error": error, "env_steps": 0})  # fmt: skip
                running[submit(key)] = key
            else:
                reason = f"gave up after {tries[key]} attempts: {error}"
                finish(key, finish_early(settings, trial_dir(out, *key), reason))
    return [rows[k] for k in settings.trials()]


def _row(key: tuple[str, int], status: dict, metrics: dict | None) -> dict:
    return {"condition": key[0], "seed": key[1], "status": status["status"],
            "attempts": status["attempts"], "env_steps": status["env_steps"],
            "error": status["error"],
            **{name: (metrics or {}).get(name) for name in EVAL_FIELDS}}  # fmt: skip


def _check_settings(out: Path, settings: SweepSettings) -> None:
    old = _read_json(out / SWEEP_FILE)
    if old is None:
        out.mkdir(parents=True, exist_ok=True)
        return
    differ = [k for k in _MATCHING if old.get(k) != settings.header()[k]]
    if differ:
        raise ValueError(
            f"{out} holds a sweep with other settings ({', '.join(differ)}); "
            "use the same settings to continue it, or another --out"
        )


class _LocalExecutor:
    """Trials in spawned processes; a pool broken by a killed worker is replaced (the trials
    it was running fail with it and are retried)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))

    @classmethod
    @contextmanager
    def open(cls, workers: int, address: str | None) -> Iterator[_LocalExecutor]:
        if address is not None:
            raise ValueError("--address is for --backend ray")
        executor = cls(workers)
        try:
            yield executor
        finally:
            executor.pool.shutdown(cancel_futures=True)

    def submit(self, fn: TrialFn, *args: object) -> Future:
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False)
            self.pool = self._new_pool()
            return self.pool.submit(fn, *args)

    def next_done(self, handles: list) -> tuple[Future, dict | None, str | None]:
        done = next(iter(wait(handles, return_when=FIRST_COMPLETED).done))
        error = done.exception()
        return done, None if error else done.result(), _describe(error) if error else None


class _RayExecutor:
    """Trials as Ray tasks (one CPU each); a killed worker surfaces as an error that the
    sweep retries like any other, so every attempt is counted in one place."""

    def __init__(self, ray: Any) -> None:
        self.ray = ray
        self.remotes: dict[TrialFn, Any] = {}

    @classmethod
    @contextmanager
    def open(cls, workers: int, address: str | None) -> Iterator[_RayExecutor]:
        ray = import_ray()
        with ray_session(address, workers):
            yield cls(ray)

    def submit(self, fn: TrialFn, *args: object) -> Any:
        if fn not in self.remotes:
            self.remotes[fn] = self.ray.remote(num_cpus=1, max_retries=0)(fn)
        return self.remotes[fn].remote(*args)

    def next_done(self, handles: list) -> tuple[Any, dict | None, str | None]:
        [done], _ = self.ray.wait(handles, num_returns=1)
        try:
            return done, self.ray.get(done), None
        except self.ray.exceptions.RayError as e:
            return done, None, _describe(e)


def import_ray() -> Any:
    """The ray module, or SweepError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise SweepError(f"the ray backend needs Ray: {RAY_INSTALL}") from None
    return ray


@contextmanager
def ray_session(address: str | None = None, num_cpus: int = 2) -> Iterator[None]:
    """Ray for a sweep: the one already initialised in this process, else a connection to
    ``address``, else a local Ray with ``num_cpus`` CPUs and no dashboard (shut down after).

    Workers import this package as the driver has it (shipped with ``py_modules``); the
    cluster's nodes need its dependencies installed.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield
        return
    import emotion_engine

    options: dict[str, Any] = {
        "runtime_env": {"py_modules": [emotion_engine]},
        "log_to_driver": False,
    }
    if address is None:
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        options.update(num_cpus=num_cpus, include_dashboard=False)
    try:  # "local": a new instance, even where `ray start` has left an address behind
        ray.init(address=address or "local", **options)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise SweepError(
            f"cannot start or reach Ray at {address or 'a local instance'}: {e}"
        ) from e
    try:
        yield
    finally:
        ray.shutdown()


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[-1] if text else ''}"[:500]


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _write_json(path: Path, obj: object) -> None:
    """Write JSON atomically, so readers never see half a file."""
    atomic_write_text(path, json.dumps(obj, indent=2) + "\n")
