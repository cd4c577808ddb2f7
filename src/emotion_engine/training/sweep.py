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

On this machine each attempt runs in its own process, which dies with the sweep's process:
a killed worker fails only its own attempt, and no worker outlives the sweep. The driver
holds a lock on each trial it runs (``<condition>/seed_<k>.lock``, see training/layout.py),
so two sweeps on one ``OUT`` never train a trial at once: a sweep waits for the trials that
another holds and takes over those it leaves unfinished. A local Ray (no address) listens on
127.0.0.1 only and asks for a token made for it (:data:`LOCAL_RAY_ENV`).
"""

from __future__ import annotations

import ctypes
import fcntl
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any

from emotion_engine.agents import configure_torch
from emotion_engine.agents.policy import build_agents
from emotion_engine.agents.policy_file import POLICY_FILE, save_policy
from emotion_engine.checkpoint import (
    CheckpointError,
    atomic_write_text,
    load_checkpoint,
    load_module_state,
)
from emotion_engine.text import clip
from emotion_engine.training.config import ConfigError, PPOConfig
from emotion_engine.training.evaluate import METRIC_FIELDS, evaluate
from emotion_engine.training.experiment import default_config, train_run
from emotion_engine.training.layout import (
    EVAL_FILE,
    LAST_POLICY_FILE,
    STATE_FILE,
    STATUS_FILE,
    SWEEP_FILE,
    trial_dir,
    trial_lock,
)
from emotion_engine.training.partners import DEFAULT_PARTNERS, Partners
from emotion_engine.training.spec import RunSpec

EVAL_FIELDS: tuple[str, ...] = tuple(name for mean in METRIC_FIELDS for name in mean[:2])
"""The evaluate() metrics and CIs that every row carries (None when not evaluated)."""
RAY_INSTALL = 'pip install "emotion-engine[scale]"'
LOCAL_RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "token"}
"""What a Ray started by the sweep runs with: Ray's switch for a local-only Ray (its node
address is 127.0.0.1, so every server it starts listens there) and token authentication, with
a token made for it (``RAY_AUTH_TOKEN``) unless one is set. Ray reads them when imported."""
MAX_SEEDS = 1000
"""Most training seeds per condition in one sweep."""
LOCK_POLL_S = 1.0
"""How often a sweep looks again at the trials that another sweep holds."""
_MATCHING = (
    "scenario",
    "preset",
    "partners",
    "n_children",
    "total_steps",
    "eval_episodes",
    "eval_steps",
    "config_overrides",
)


class SweepError(RuntimeError):
    """A sweep that cannot run: Ray missing or unreachable, or OUT not visible on a worker."""


@dataclass(frozen=True)
class SweepSettings:
    """What a sweep trains and how it evaluates; ValueError for unknown or invalid settings
    (a :class:`~emotion_engine.training.config.ConfigError` naming the field when out of range).

    ``config_overrides`` replace :func:`default_config` fields (e.g. small batches in tests);
    ``checkpoint_every`` is in PPO updates. Every trial trains and is evaluated in the worlds
    of ``preset``, with the child ``partners`` (evaluated with its co-trained child), in
    families of ``n_children`` (evaluated in their family).
    """

    scenario: str
    conditions: tuple[str, ...]
    seeds: int
    total_steps: int
    eval_episodes: int = 100
    eval_steps: int = 500
    config_overrides: dict[str, Any] = field(default_factory=dict)
    checkpoint_every: int = 10
    preset: str = "default"
    partners: Partners = DEFAULT_PARTNERS
    n_children: int = 1

    def __post_init__(self) -> None:
        if not self.conditions:
            raise ConfigError("conditions", "conditions must name at least one condition")
        for condition in self.conditions:
            self.spec(condition)
        object.__setattr__(self, "partners", self.spec(self.conditions[0]).partners)
        for name in ("seeds", "total_steps", "eval_episodes", "eval_steps", "checkpoint_every"):
            if getattr(self, name) < 1:
                raise ConfigError(name, f"{name} must be >= 1; got {getattr(self, name)}")
        if self.seeds > MAX_SEEDS:
            raise ConfigError("seeds", f"seeds must be <= {MAX_SEEDS}; got {self.seeds}")
        allowed = set(PPOConfig().to_dict()) - {"total_steps", "seed"}
        if set(self.config_overrides) - allowed:
            raise ValueError(
                f"cannot override {clip(repr(sorted(set(self.config_overrides) - allowed)))}; "
                f"the PPO settings are: {', '.join(sorted(allowed))}"
            )
        self.ppo_config(0)

    def spec(self, condition: str) -> RunSpec:
        """The run of ``condition`` in this sweep's scenario, preset, partners and family."""
        return RunSpec.from_condition(
            condition, self.scenario, self.preset, self.partners, self.n_children
        )

    def ppo_config(self, seed: int) -> PPOConfig:
        """The PPO settings of the trial with training seed ``seed``."""
        return default_config(self.total_steps, seed, **self.config_overrides)

    def trials(self) -> list[tuple[str, int]]:
        """Every (condition, seed) pair, seed by seed (a partly run sweep stays balanced)."""
        return [(c, k) for k in range(self.seeds) for c in self.conditions]

    def header(self) -> dict[str, Any]:
        """The settings as sweep.json records them (``n_children`` only where it is not 1, as
        before families)."""
        family = {"n_children": self.n_children} if self.n_children != 1 else {}
        return {"scenario": self.scenario, "preset": self.preset,
                "partners": dict(self.partners), **family, "conditions": list(self.conditions),
                "seeds": self.seeds, "total_steps": self.total_steps,
                "eval_episodes": self.eval_episodes, "eval_steps": self.eval_steps,
                "config_overrides": self.config_overrides}  # fmt: skip


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
    spec, config = settings.spec(condition), settings.ppo_config(seed)
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
    agents = build_agents(spec.agent_config, n_children=spec.n_children)
    for i, agent in enumerate(agents):
        load_module_state(agent, tensors, f"agent_{i}.", source=str(folder / STATE_FILE))
    env_steps = (meta["update"] - 1) * config.batch_size
    policy = save_policy(folder / LAST_POLICY_FILE, agents, spec.to_dict(),
                         {"env_steps": env_steps, "config": meta["config"]})  # fmt: skip
    metrics = _evaluate(settings, folder, policy)
    return {"status": "partial", "env_steps": env_steps, "error": reason, "eval": metrics}


def _evaluate(settings: SweepSettings, folder: Path, policy: Path) -> dict:
    metrics = evaluate(settings.scenario, checkpoint=policy, episodes=settings.eval_episodes,
                       seed=0, steps=settings.eval_steps, preset=settings.preset)  # fmt: skip
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
    on_note: Callable[[str], None] | None = None,
) -> list[dict]:
    """Run every trial not yet done in ``out`` and return all rows (see the module docstring).

    ``backend`` is ``local`` (``workers`` processes) or ``ray`` (the cluster at ``address``,
    or the Ray already initialised in this process, or a local Ray with ``workers`` CPUs).
    ``on_row`` is called with each row as it is known (trials done before, first);
    ``trial_fn`` runs one attempt (:func:`run_trial`, or a wrapper that injects faults);
    ``on_note`` is told, once per trial, when the trial waits for another sweep that holds it.

    Raises:
        ValueError: ``out`` holds a sweep with other settings or cannot be a folder, or bad
            arguments.
        SweepError: Ray is not installed or cannot be reached.
    """
    if backend not in ("local", "ray"):
        raise ValueError(f"unknown backend {backend!r}; expected local or ray")
    if workers < 1 or max_attempts < 1:
        raise ValueError("need workers >= 1 and max_attempts >= 1")
    if backend == "ray":
        import_ray(local=address is None)
    out = Path(out).resolve()
    check_out(out, settings)
    rows: dict[tuple[str, int], dict] = {}
    attempts: dict[tuple[str, int], int] = {}
    for key in settings.trials():
        status, metrics = _recorded(out, key)
        if status is not None:  # kept (partial results stay reported) until it runs again
            rows[key] = _row(key, status, metrics)
        if _done(status, metrics):
            if on_row is not None:
                on_row(rows[key])
        else:
            attempts[key] = status["attempts"] if status else 0

    def save() -> None:
        ordered = [rows[k] for k in settings.trials() if k in rows]
        _write_json(out / SWEEP_FILE, {**settings.header(), "backend": backend, "rows": ordered})

    def record(key: tuple[str, int], status: dict, metrics: dict | None) -> None:
        rows[key] = _row(key, status, metrics)
        save()
        if on_row is not None:
            on_row(rows[key])

    def finish(key: tuple[str, int], outcome: dict) -> None:
        status = {"status": outcome["status"], "attempts": attempts[key],
                  "error": outcome["error"], "env_steps": outcome["env_steps"]}  # fmt: skip
        _write_json(trial_dir(out, *key) / STATUS_FILE, status)
        record(key, status, outcome["eval"])

    save()
    if not attempts:
        return [rows[k] for k in settings.trials()]
    executor = _RayExecutor if backend == "ray" else _LocalExecutor
    waiting, locks, told = deque(attempts), {}, set()
    tries = dict.fromkeys(attempts, 0)
    try:
        with executor.open(workers, address) as pool:

            def submit(key: tuple[str, int]) -> object:
                tries[key] += 1
                attempts[key] += 1
                return pool.submit(trial_fn, settings, key[0], key[1], str(out), tries[key])

            running: dict[object, tuple[str, int]] = {}
            while waiting or running:
                for key in _claim_free(out, waiting, locks, told, on_note):
                    status, metrics = _recorded(out, key)  # another sweep may have run it
                    if _done(status, metrics):
                        record(key, status, metrics)
                        locks.pop(key).close()
                    else:
                        attempts[key] = status["attempts"] if status else 0
                        running[submit(key)] = key
                if not running:
                    time.sleep(LOCK_POLL_S)
                    continue
                done = pool.next_done(list(running), LOCK_POLL_S if waiting else None)
                if done is None:
                    continue
                handle, outcome, error = done
                key = running.pop(handle)
                if error is None:
                    finish(key, outcome)
                elif tries[key] < max_attempts:
                    _write_json(trial_dir(out, *key) / STATUS_FILE, {"status": "failed",
                                "attempts": attempts[key], "error": error, "env_steps": 0})  # fmt: skip
                    running[submit(key)] = key
                    continue
                else:
                    reason = f"gave up after {tries[key]} attempts: {error}"
                    finish(key, finish_early(settings, trial_dir(out, *key), reason))
                locks.pop(key).close()
    finally:
        for lock in locks.values():
            lock.close()
    return [rows[k] for k in settings.trials()]


def _recorded(out: Path, key: tuple[str, int]) -> tuple[dict | None, dict | None]:
    """A trial's status.json and, unless it failed, its eval.json (None where missing)."""
    status = _read_json(trial_dir(out, *key) / STATUS_FILE)
    metrics = _read_json(trial_dir(out, *key) / EVAL_FILE)
    return status, None if status is not None and status["status"] == "failed" else metrics


def _done(status: dict | None, metrics: dict | None) -> bool:
    return status is not None and status["status"] == "done" and metrics is not None


def _claim_free(
    out: Path,
    waiting: deque[tuple[str, int]],
    locks: dict[tuple[str, int], IO],
    told: set[tuple[str, int]],
    on_note: Callable[[str], None] | None,
) -> list[tuple[str, int]]:
    """The waiting trials whose locks this sweep now holds (moved from ``waiting`` into
    ``locks``); a trial that another process holds stays waiting, said to ``on_note`` once
    (``told``)."""
    claimed = []
    for key in list(waiting):
        lock = _try_lock(trial_lock(out, *key))
        if lock is not None:
            waiting.remove(key)
            locks[key] = lock
            claimed.append(key)
        elif on_note is not None and key not in told:
            told.add(key)
            on_note(f"{key[0]} seed {key[1]} is being run by another sweep "
                    f"({trial_lock(out, *key)} is locked); waiting for it")  # fmt: skip
    return claimed


def _try_lock(path: Path) -> IO | None:
    """An exclusive lock on ``path``, held while the returned file stays open; None while
    another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.close()
        return None
    return file


def _row(key: tuple[str, int], status: dict, metrics: dict | None) -> dict:
    return {"condition": key[0], "seed": key[1], "status": status["status"],
            "attempts": status["attempts"], "env_steps": status["env_steps"],
            "error": status["error"],
            **{name: (metrics or {}).get(name) for name in EVAL_FIELDS}}  # fmt: skip


def check_out(out: Path, settings: SweepSettings) -> None:
    """Make the folder ``out`` if missing; ValueError if it cannot be made or holds a sweep
    with other settings."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ValueError(f"cannot make the sweep folder {clip(str(out))}: {e.strerror}") from e
    old = _read_json(out / SWEEP_FILE)
    if old is None:
        return
    differ = [k for k in _MATCHING if old.get(k) != settings.header().get(k)]
    if differ:
        raise ValueError(
            f"{clip(str(out))} holds a sweep with other settings ({', '.join(differ)}); "
            "use the same settings to continue it, or another --out"
        )


@dataclass(eq=False)
class _Attempt:
    """One attempt for the local executor: what to call, then its process and result pipe."""

    fn: TrialFn
    args: tuple
    process: BaseProcess | None = None
    results: Connection | None = None


class _LocalExecutor:
    """Each attempt in a spawned process of its own, ``workers`` at a time: a worker that dies
    fails only its own attempt, and every worker dies with this process (:func:`_work`)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.context = get_context("spawn")
        self.queued: deque[_Attempt] = deque()
        self.started: list[_Attempt] = []

    @classmethod
    @contextmanager
    def open(cls, workers: int, address: str | None) -> Iterator[_LocalExecutor]:
        if address is not None:
            raise ValueError("--address is for --backend ray")
        executor = cls(workers)
        try:
            yield executor
        finally:
            executor.queued.clear()
            for attempt in executor.started:
                attempt.process.kill()
                attempt.process.join()

    def submit(self, fn: TrialFn, *args: object) -> _Attempt:
        attempt = _Attempt(fn, args)
        self.queued.append(attempt)
        self._start_queued()
        return attempt

    def _start_queued(self) -> None:
        while self.queued and len(self.started) < self.workers:
            attempt = self.queued.popleft()
            attempt.results, sender = self.context.Pipe(duplex=False)
            attempt.process = self.context.Process(
                target=_work, args=(sender, os.getpid(), attempt.fn, attempt.args)
            )
            attempt.process.start()
            sender.close()  # the worker's end: its death is then an EOF here
            self.started.append(attempt)

    def next_done(
        self, handles: list, timeout: float | None = None
    ) -> tuple[_Attempt, dict | None, str | None] | None:
        """The next finished attempt of ``handles`` (all started or queued ones) with its
        outcome or error; None after ``timeout`` seconds without one."""
        ready = wait([a.results for a in self.started], timeout)
        if not ready:
            return None
        attempt = next(a for a in self.started if a.results is ready[0])
        self.started.remove(attempt)
        try:
            kind, value = attempt.results.recv()
        except EOFError:
            kind, value = "error", None
        attempt.results.close()
        attempt.process.join()
        if kind == "error" and value is None:
            value = f"the worker died ({_exit_text(attempt.process.exitcode)})"
        self._start_queued()
        return attempt, value if kind == "done" else None, value if kind == "error" else None


PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal this process gets when its parent dies."""


def _work(results: Connection, parent: int, fn: TrialFn, args: tuple) -> None:
    """A local worker: die with ``parent`` (the sweep), run one attempt, send its outcome."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before this worker could ask to die with it
        os._exit(1)
    try:
        message = ("done", fn(*args))
    except Exception as e:  # the driver records it and retries the trial
        message = ("error", _describe(e))
    results.send(message)
    results.close()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


class _RayExecutor:
    """Trials as Ray tasks (one CPU each); a killed worker surfaces as an error that the
    sweep retries like any other, so every attempt is counted in one place."""

    def __init__(self, ray: Any) -> None:
        self.ray = ray
        self.remotes: dict[TrialFn, Any] = {}

    @classmethod
    @contextmanager
    def open(cls, workers: int, address: str | None) -> Iterator[_RayExecutor]:
        with ray_session(address, workers):
            yield cls(import_ray())

    def submit(self, fn: TrialFn, *args: object) -> Any:
        if fn not in self.remotes:
            self.remotes[fn] = self.ray.remote(num_cpus=1, max_retries=0)(fn)
        return self.remotes[fn].remote(*args)

    def next_done(
        self, handles: list, timeout: float | None = None
    ) -> tuple[Any, dict | None, str | None] | None:
        ready, _ = self.ray.wait(handles, num_returns=1, timeout=timeout)
        if not ready:
            return None
        [done] = ready
        try:
            return done, self.ray.get(done), None
        except self.ray.exceptions.RayError as e:
            return done, None, _describe(e)


def import_ray(local: bool = False) -> Any:
    """The ray module, or SweepError saying how to install it; ``local``: for a Ray that this
    process starts, so :data:`LOCAL_RAY_ENV` is set first if Ray is not imported yet."""
    if local and "ray" not in sys.modules:
        os.environ.update(LOCAL_RAY_ENV)
        os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
    try:
        import ray
    except ImportError:
        raise SweepError(f"the ray backend needs Ray: {RAY_INSTALL}") from None
    return ray


@contextmanager
def ray_session(address: str | None = None, num_cpus: int = 2) -> Iterator[None]:
    """Ray for a sweep: the one already initialised in this process, else a connection to
    ``address``, else a local Ray with ``num_cpus`` CPUs and no dashboard (shut down after),
    which listens on 127.0.0.1 only and asks for a token (:data:`LOCAL_RAY_ENV`); SweepError
    if Ray was imported before that could be set.

    Workers import this package as the driver has it (shipped with ``py_modules``); the
    cluster's nodes need its dependencies installed.
    """
    ray = import_ray(local=address is None)
    if ray.is_initialized():
        yield
        return
    import emotion_engine

    options: dict[str, Any] = {
        "runtime_env": {"py_modules": [emotion_engine]},
        "log_to_driver": False,
    }
    if address is None:
        _check_local_only(ray)
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


def _check_local_only(ray: Any) -> None:
    """SweepError unless a Ray started here would listen on loopback only, with a token."""
    node = ray.util.get_node_ip_address()
    if not ipaddress.ip_address(node).is_loopback or os.environ.get("RAY_AUTH_MODE") != "token":
        settings = " ".join(f"{k}={v}" for k, v in LOCAL_RAY_ENV.items())
        raise SweepError(
            f"a local Ray would listen on {node} without a token (Ray was imported before the "
            f"sweep could set {settings}); set them before importing ray, or give an address"
        )


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
