"""Golden fingerprints: sha256 hashes of what the worlds, the emotion model, training and
evaluation produce, so that a refactor which must not change behaviour is checked bit for bit.

``tests/test_golden.py`` compares every case with ``tests/golden.json``. A change that alters
behaviour on purpose regenerates the file in the same commit, saying why::

    .venv/bin/python tests/golden.py --write

Each case returns a hash of the exact bytes of every output it covers (float arrays as their
IEEE bytes, dicts by sorted key), so a difference in the last bit of any value shows.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("golden.json")
ROOT = Path(__file__).resolve().parents[1]
STEPS = 300
EPISODE_SKIP = ("maternal_love", "compassion", "grief", "devotion", "complex_steps")
"""Episode metrics that are not the world's own (complex emotions composed by agents); the
cases that cover them hash them through the evaluation instead."""


class Hasher:
    """A sha256 over a stream of named values (arrays, numbers, strings, nested dicts)."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()

    def add(self, name: str, value: object) -> None:
        self.h.update(name.encode())
        if isinstance(value, dict):
            for k in sorted(value):
                self.add(f"{name}.{k}", value[k])
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                self.add(f"{name}[{i}]", v)
        elif value is None:
            self.h.update(b"None")
        elif isinstance(value, np.ndarray | np.generic):
            a = np.ascontiguousarray(value)
            self.h.update(f"{a.dtype.str}{a.shape}".encode())
            self.h.update(a.tobytes())
        elif isinstance(value, bool | int | float | str):
            self.h.update(repr(value).encode())
        else:
            raise TypeError(f"cannot hash {type(value).__name__} at {name}")

    def hexdigest(self) -> str:
        return self.h.hexdigest()


def _world_case(scenario: str, reward_mode: str, n_envs: int) -> str:
    """A BatchedWorld (auto-reset) stepped STEPS times by a scripted carer whose actions are
    replaced at random 30% of the time, with the agents' signals (values, complex emotions)
    on two steps of every three."""
    from emotion_engine.worlds.batch import BatchedWorld
    from emotion_engine.worlds.core import N_ACTIONS, AgentSignals, WorldParams
    from emotion_engine.worlds.policies import make_policy

    params = WorldParams(scenario=scenario, reward_mode=reward_mode, max_cycles=120)
    world = BatchedWorld(n_envs, params, seed=11)
    policy = make_policy("scripted", params)
    rng = np.random.default_rng(5)
    h = Hasher()
    h.add("obs0", world.obs)
    for t in range(STEPS):
        actions, _ = policy(world.state, world.obs)
        swap = rng.random(actions.shape) < 0.3
        actions = np.where(swap, rng.integers(0, N_ACTIONS, actions.shape), actions)
        value = rng.normal(0.0, 0.5, (n_envs, 2))
        emotions = rng.random((n_envs, 2, 4))
        signals = AgentSignals(value, emotions) if t % 3 else None  # TD errors on some steps
        obs, rewards, terminated, truncated, info = world.step(actions, signals)
        h.add("obs", obs)
        h.add("rewards", rewards)
        h.add("terminated", terminated)
        h.add("truncated", truncated)
        for key in ("final_observation", "events", "died", "relief", "reward_terms"):
            h.add(key, info[key])
        h.add("episode_envs", info["episode_envs"])
        h.add("episode", {k: v for k, v in info["episode"].items()
                          if not any(s in k for s in EPISODE_SKIP)})  # fmt: skip
    return h.hexdigest()


def _pettingzoo_case(scenario: str, form: str) -> str:
    """Both PettingZoo forms of a world, seeded, with seeded random actions."""
    from emotion_engine.worlds import caretaking_v0, crisis_v0

    module = {"caretaking": caretaking_v0, "crisis": crisis_v0}[scenario]
    rng = np.random.default_rng(3)
    h = Hasher()
    if form == "parallel":
        env = module.parallel_env(max_cycles=150)
        obs, infos = env.reset(seed=4)
        h.add("reset", [obs, infos])
        for _ in range(STEPS):
            if not env.agents:
                obs, infos = env.reset()
                h.add("reset", [obs, infos])
                continue
            actions = {a: int(rng.integers(0, 10)) for a in env.agents}
            h.add("step", list(env.step(actions)))
        return h.hexdigest()
    env = module.env(max_cycles=150)
    env.reset(seed=4)
    for _ in range(2 * STEPS):
        if not env.agents:
            env.reset()
            continue
        agent = env.agent_selection
        obs, reward, term, trunc, info = env.last()
        h.add(agent, [obs, reward, term, trunc, info])
        env.step(None if term or trunc else int(rng.integers(0, 10)))
    return h.hexdigest()


def _training_case(scenario: str, reward_mode: str) -> str:
    """Two PPO updates of parent and child (tiny batch), through the run's checkpoint file:
    every weight of the saved policy and the logs without their timings."""
    import tempfile

    from safetensors.numpy import load_file

    from emotion_engine.training.experiment import default_config, train_run
    from emotion_engine.training.spec import RunSpec

    spec = RunSpec(scenario, reward_mode)
    config = default_config(2 * 8 * 32, seed=2, n_envs=8, n_steps=32, n_minibatches=2, n_epochs=2)
    with tempfile.TemporaryDirectory() as out:
        result = train_run(spec, config, out)
        tensors = load_file(str(Path(out) / "policy.safetensors"))
    h = Hasher()
    h.add("weights", tensors)
    h.add("history", [{k: v for k, v in log.items() if k != "sps"} for log in result.history])
    return h.hexdigest()


def _evaluate_case(scenario: str, policy: str) -> str:
    """``evaluate --json`` of a few held-out episodes (shipped checkpoints for ``trained``)."""
    from emotion_engine.training.evaluate import evaluate

    if policy == "trained":
        result = evaluate(scenario, checkpoint=ROOT / "src" / "emotion_engine" / "checkpoints" /
                          scenario / "policy.safetensors", episodes=6, steps=200)  # fmt: skip
        result["policy"] = "trained"  # the path differs between checkouts
    else:
        result = evaluate(scenario, policy=policy, episodes=6, steps=200)
    del result["child_policy"]  # a label added after the fingerprints (always co-trained here)
    del result["preset"]  # the same (always default here)
    return hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()


def _affect_case() -> str:
    """The ``affect`` command's series for a schedule with drives and doses."""
    from emotion_engine.affect import temperament
    from emotion_engine.affect.schedule import run_schedule
    from emotion_engine.affect.stimuli import parse_stimulus

    stimuli = [parse_stimulus(s, timed=True) for s in
               ("dopamine=0.8@2-10", "cortisol+0.4@5", "oxytocin=0.5@8-30", "adrenaline+0.6@20")]  # fmt: skip
    h = Hasher()
    for name in ("balanced", "anxious"):
        series = run_schedule(stimuli, 40.0, 0.5, temperament(name))
        h.add(name, {k: v if not isinstance(v, list) else [str(x) for x in v]
                     for k, v in series.items()})  # fmt: skip
    return h.hexdigest()


def _lab_case() -> str:
    """The app's neuromodulator lab: held drives, doses and ticks (levels, emotions, the
    feeling word and the face's pixels)."""
    from emotion_engine.app.lab import Lab

    lab = Lab("anxious", seed=1)
    drive = np.zeros(7)
    h = Hasher()
    for step in range(40):
        if step == 3:
            lab.dose("dopamine")
        if step == 10:
            drive[[3, 6]] = 0.7, 0.2
        lab.advance(drive, 0.25)
        readout = lab.readout()
        h.add("levels", readout.levels)
        h.add("emotions", readout.emotions)
        h.add("feeling", str(readout.feeling))
        h.add("face", np.asarray(readout.face.convert("RGB")))  # a palette picture
    h.add("recent", list(lab.recent()))
    return h.hexdigest()


CASES: dict[str, Callable[[], str]] = {
    **{
        f"world/{s}/{m}/n{n}": (lambda s=s, m=m, n=n: _world_case(s, m, n))
        for s in ("caretaking", "crisis")
        for m in ("extrinsic", "emotional", "explicit")
        for n in (1, 64)
    },
    **{
        f"pettingzoo/{s}/{f}": (lambda s=s, f=f: _pettingzoo_case(s, f))
        for s in ("caretaking", "crisis")
        for f in ("parallel", "aec")
    },
    "train/caretaking/emotional": lambda: _training_case("caretaking", "emotional"),
    "train/crisis/emotional": lambda: _training_case("crisis", "emotional"),
    "train/crisis/explicit": lambda: _training_case("crisis", "explicit"),
    **{
        f"evaluate/{s}/{p}": (lambda s=s, p=p: _evaluate_case(s, p))
        for s in ("caretaking", "crisis")
        for p in ("trained", "scripted", "untrained")
    },
    "affect/schedule": _affect_case,
    "app/lab": _lab_case,
}


def compute(names: list[str] | None = None) -> dict[str, str]:
    """Fingerprints of the named cases (all by default)."""
    return {name: CASES[name]() for name in names or CASES}


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/golden.py --write   (regenerates tests/golden.json)")
    GOLDEN_FILE.write_text(json.dumps(compute(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN_FILE}")
