"""Benchmark: training throughput and batch-1 inference of the emotional agents.

- env-steps/s of the real training loop (:func:`~emotion_engine.training.experiment.train_run`
  with the ``emotional`` condition and :func:`~emotion_engine.training.experiment.default_config`,
  whose size the result's name records, both agents with their full networks,
  checkpoints and logs written as in a real run), per scenario: the rate over a few updates
  that follow a warm-up update, each repeat a fresh run; goal: ≥ 3,000 with one torch thread.
  Other sizes (envs × steps per rollout) are measured in caretaking, alternating with the
  default one, for whoever tunes the learning settings;
- steps/s at batch 1, the way the app runs an episode: one world, the emotional policy
  (trained if its checkpoint loads, else untrained: the same networks) called on the state,
  then the world's step (the world alone at batch 1 bounds it);
- the agents' inference alone at batch 1, as acting runs it (both agents' composer, encoder
  and policy head in one numpy pass, :class:`~emotion_engine.agents.actor.NumpyActor`);
  goal: ≥ 2,000; and the same computation with the torch modules (one agent at a time),
  alternating with it, with the ratio;
- the parameters per part of one agent.

The world alone at batch 1 is measured by ``bench --only worlds`` (``worlds_core_1_envs``).

``run(against=REV)`` (``bench --only training --against REV``) measures instead the training
rate at the default config of this tree and of the git revision ``REV`` (exported with
``git archive``), per CPU-second, in fresh subprocesses that alternate old and new, and the
ratio new / old of each pair.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from emotion_engine.bench.harness import rate_result, summary, time_repeats
from emotion_engine.text import clip

SCENARIOS = ("caretaking", "crisis")
SIZES = ((32, 128), (64, 128), (128, 128), (32, 64), (32, 256))
"""(n_envs, n_steps) also measured in caretaking, those that are not ``default_config``'s."""
QUICK_SIZE = {"n_envs": 4, "n_steps": 16}


def training_rate(scenario: str, timed_steps: int, cpu: bool = False, **overrides: object) -> float:
    """Env-steps/s of a fresh run's updates after its first (warm-up) update: at least one
    update, about ``timed_steps`` env steps; per second of wall-clock time, or of this
    process's CPU time if ``cpu``. ``overrides`` change ``default_config``."""
    from emotion_engine.training.experiment import default_config, train_run
    from emotion_engine.training.spec import RunSpec

    config = default_config(1, 0, **overrides)
    updates = max(1, timed_steps // config.batch_size)
    config = replace(config, total_steps=(updates + 1) * config.batch_size)
    clock = time.process_time if cpu else time.perf_counter
    stamps: list[float] = []
    with tempfile.TemporaryDirectory() as out:
        train_run(RunSpec.from_condition("emotional", scenario), config, out,
                  progress=lambda done, total: stamps.append(clock()))  # fmt: skip
    return updates * config.batch_size / (stamps[-1] - stamps[0])


def _training(quick: bool) -> list[dict]:
    from emotion_engine.training.experiment import default_config

    default = default_config(1, 0)
    runs = [(s, QUICK_SIZE) for s in SCENARIOS] if quick else [
        *((s, {}) for s in SCENARIOS),
        *(("caretaking", {"n_envs": n, "n_steps": t}) for n, t in SIZES
          if (n, t) != (default.n_envs, default.n_steps)),
    ]  # fmt: skip
    timed_steps = 1 if quick else 8_192
    rates: list[list[float]] = [[] for _ in runs]
    for _ in range(1 if quick else 5):  # alternating the runs: drift hits them alike
        for rate, (scenario, overrides) in zip(rates, runs, strict=True):
            rate.append(training_rate(scenario, timed_steps, **overrides))
    results = []
    for samples, (scenario, overrides) in zip(rates, runs, strict=True):
        c = default_config(1, 0, **overrides)
        results.append(summary(
            f"training_{scenario}_{c.n_envs}x{c.n_steps}", "env-steps/s", samples,
            scenario=scenario, condition="emotional", n_envs=c.n_envs, n_steps=c.n_steps,
            n_epochs=c.n_epochs, n_minibatches=c.n_minibatches,
            default_config=not overrides, goal=">= 3,000",
        ))  # fmt: skip
    return results


CHILD = (
    "import json, runpy, sys; from emotion_engine.agents import configure_torch; "
    "configure_torch(); rate = runpy.run_path(sys.argv[1])['training_rate']; "
    "print(rate(sys.argv[2], int(sys.argv[3]), cpu=True, **json.loads(sys.argv[4])))"
)
"""What each subprocess runs: this file's :func:`training_rate` (the same measurement for
both trees) on the package of the tree on its path, per second of CPU time, which other
work on a shared machine disturbs far less than wall-clock time."""


REPO = Path(__file__).resolve().parents[3]
"""The repository that holds this package (<repo>/src/emotion_engine/bench/training.py)."""


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True)


def resolve_revision(rev: str) -> str:
    """The commit hash of git revision ``rev`` of :data:`REPO`; ValueError naming ``rev``
    when git does not know it."""
    proc = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if proc.returncode:
        raise ValueError(
            f"--against {clip(rev)}: not a commit of the repository at {REPO}; "
            "give a commit, branch or tag of it (e.g. main)"
        )
    return proc.stdout.decode().strip()


def export_source(commit: str, into: Path) -> Path:
    """The ``src`` folder of ``commit`` of :data:`REPO`, extracted under ``into``."""
    proc = _git("archive", "--format=tar", commit, "src")
    proc.check_returncode()
    tarfile.open(fileobj=io.BytesIO(proc.stdout)).extractall(into, filter="data")
    return into / "src"


def _rate_in(src: Path, scenario: str, timed_steps: int, overrides: dict) -> float:
    """:func:`training_rate` (CPU time) in a fresh Python whose package is the one under ``src``."""
    env = os.environ | {"PYTHONPATH": str(src)}
    args = [__file__, scenario, str(timed_steps), json.dumps(overrides)]
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return float(proc.stdout.split()[-1])


def _against(rev: str, quick: bool) -> list[dict]:
    from emotion_engine.training.experiment import default_config

    overrides = QUICK_SIZE if quick else {}
    timed_steps = 1 if quick else 8_192
    c = default_config(1, 0, **overrides)
    new_src = Path(__file__).resolve().parents[2]
    results = []
    commit = resolve_revision(rev)
    with tempfile.TemporaryDirectory() as tmp:
        old_src = export_source(commit, Path(tmp))
        for scenario in SCENARIOS:
            old, new = [], []
            for _ in range(1 if quick else 5):  # old, new, old, new …: drift hits both alike
                old.append(_rate_in(old_src, scenario, timed_steps, overrides))
                new.append(_rate_in(new_src, scenario, timed_steps, overrides))
            name = f"training_{scenario}_{c.n_envs}x{c.n_steps}"
            common = {"scenario": scenario, "n_envs": c.n_envs, "n_steps": c.n_steps}
            results += [
                summary(name, "env-steps/cpu-s", new, tree="this", **common),
                summary(f"{name}_at_{rev}", "env-steps/cpu-s", old, tree=rev, commit=commit,
                        **common),
                summary(f"{name}_ratio_this_over_{rev}", "ratio",
                        [n / o for n, o in zip(new, old, strict=True)], **common),
            ]  # fmt: skip
    return results


def _inference(quick: bool) -> list[dict]:
    import numpy as np
    import torch

    from emotion_engine.checkpoint import CheckpointError
    from emotion_engine.policies import trained_policy, untrained_policy
    from emotion_engine.worlds.core import WorldParams, reset, step
    from emotion_engine.worlds.learning import signals_from

    params = WorldParams(scenario="crisis")
    try:
        policy, which = trained_policy(params), "trained"
    except CheckpointError:
        policy, which = untrained_policy(params), "untrained"
    steps, repeats = (20, 2) if quick else (500, 7)
    seed = 0
    state, obs = reset(params, [seed])
    x = torch.as_tensor(np.ascontiguousarray(obs))

    def play() -> None:  # as the app's Episode.step does, restarting when an episode ends
        nonlocal seed, state, obs
        for _ in range(steps):
            actions, extras = policy(state, obs)
            state, obs, *_, info = step(params, state, actions, signals_from(extras))
            if info.episode_envs.size:
                seed += 1
                state, obs = reset(params, [seed])

    def forward() -> None:  # what acting runs: both agents at once, in numpy
        for _ in range(steps):
            policy.actor(obs)

    @torch.no_grad()
    def forward_torch() -> None:  # the same computation with the torch modules, agent by agent
        for _ in range(steps):
            for i, agent in enumerate(policy.agents):
                agent(agent.features(x[:, i]))  # policy and value heads, as the actor

    results = [rate_result("inference_batch1_policy_and_world", "steps/s", steps,
                           time_repeats(play, repeats=repeats), policy=which, scenario="crisis")]  # fmt: skip
    numpy_s: list[float] = []
    torch_s: list[float] = []
    for i in range(repeats):  # A B A B …, one warm-up call each first
        numpy_s += time_repeats(forward, repeats=1, warmup=1 if i == 0 else 0)
        torch_s += time_repeats(forward_torch, repeats=1, warmup=1 if i == 0 else 0)
    numpy_result = rate_result("inference_batch1_agents_forward", "steps/s", steps, numpy_s,
                               policy=which, scenario="crisis", goal=">= 2,000")  # fmt: skip
    numpy_result["vs_torch"] = statistics.median(
        t / n for n, t in zip(numpy_s, torch_s, strict=True)
    )
    results += [numpy_result, rate_result("inference_batch1_agents_forward_torch", "steps/s", steps,
                                          torch_s, policy=which, scenario="crisis")]  # fmt: skip
    counts = policy.agents[0].parameter_counts()
    results.append(summary("agent_parameters", "parameters", [counts["total"]], parts=counts))
    return results


def run(quick: bool = False, against: str | None = None) -> list[dict]:
    """Training env-steps/s per scenario and size, batch-1 inference steps/s, parameters;
    or, ``against`` a git revision, this tree's training rate beside that revision's."""
    from emotion_engine.agents import configure_torch

    configure_torch()
    if against is not None:
        return _against(against, quick)
    return _training(quick) + _inference(quick)
