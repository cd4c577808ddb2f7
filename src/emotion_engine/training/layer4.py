"""Does layer 4 earn its place? The ``layer4`` command's measures, on rollouts of trained agents.

1. **Prediction.** Each complex emotion is a GVF of its cumulant
   (:mod:`emotion_engine.affect.complex`). On the parent's steps, its Transformer's
   predictions are scored against the Monte-Carlo discounted returns ``(1 − γ) Σ γᵏ c_{t+k}``
   of the cumulants (R², :func:`r_squared`), beside a linear readout of the observation
   trained by TD on the same stream with the same γ (:func:`fit_linear_gvf`): fitted on the
   first half of the episodes, both scored on the second half. Only steps whose return is
   complete to within 1% (:func:`horizon`, or the agent's own episode ended) are scored.
2. **Behaviour.** The same agents on the same seeds with and without the ``no_composer``
   ablation (their complex emotions replaced by the running mean over the episode,
   :class:`~emotion_engine.agents.policy.RunningMean`): child survival, feeds and shields,
   each with a 95% bootstrap CI, and the paired difference (no_composer − normal).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect.complex import COMPLEX_EMOTIONS, GVF_DISCOUNTS
from emotion_engine.agents.emotional import EmotionalAgent
from emotion_engine.agents.policy import LearnedPolicy
from emotion_engine.stats import mean_ci
from emotion_engine.training.world_env import cumulants
from emotion_engine.worlds.core import PARENT, WorldParams, reset, step
from emotion_engine.worlds.learning import signals_from
from emotion_engine.worlds.runner import run_episodes

BEHAVIOUR_METRICS: tuple[str, ...] = ("child_survived", "feeds", "shield_events")
"""The episode metrics compared with and without the composer."""

RIDGE = 1e-3
"""Ridge added to the linear TD system (per sample), so constant features do not break it."""

Progress = Callable[[int], None]
"""Called after each step of a batch of rollouts (the report plays three: :data:`PASSES`)."""

PASSES = 3
"""Batches of episodes the report plays: the recorded one, then with and without the composer."""


@dataclass(frozen=True)
class Stream:
    """One agent's steps in a batch of episodes, time first: ``obs`` (T + 1, n, D) before each
    step (and after the last), ``predictions`` and ``cumulants`` (T, n, K), ``alive`` (T, n)
    at the step's start, ``ends`` (T, n) 1 where the agent died in the step."""

    obs: NDArray[np.float32]
    predictions: NDArray[np.float32]
    cumulants: NDArray[np.float32]
    alive: NDArray[np.bool_]
    ends: NDArray[np.float64]

    def envs(self, which: slice) -> Stream:
        """The stream of some of the envs."""
        return Stream(*(getattr(self, f.name)[:, which] for f in fields(self)))


def record(
    params: WorldParams,
    policy: LearnedPolicy,
    seeds: NDArray,
    agent: int = PARENT,
    progress: Progress | None = None,
) -> Stream:
    """Play one episode of ``params.max_cycles`` steps per seed and record ``agent``'s stream."""
    state, obs = reset(params, seeds)
    rec: dict[str, list] = {k: [] for k in ("obs", "predictions", "cumulants", "alive", "ends")}
    for _ in range(params.max_cycles):
        actions, extras = policy(state, obs)
        alive = state.health[:, agent] > 0.0
        state, after, *_, info = step(params, state, actions, signals_from(extras))
        rec["obs"].append(obs[:, agent])
        rec["predictions"].append(extras["complex_emotions"][:, agent])
        seen = cumulants(obs, after, info.events, params.n_children)[:, agent]
        rec["cumulants"].append(seen * alive[:, None])
        rec["alive"].append(alive)
        rec["ends"].append(info.died[:, agent].astype(float))
        obs = after
        if progress is not None:
            progress(1)
    rec["obs"].append(obs[:, agent])
    return Stream(**{k: np.stack(v) for k, v in rec.items()})


def discounted_returns(cumulants: NDArray, discounts: NDArray) -> NDArray[np.float64]:
    """``(1 − γ) Σₖ γᵏ c_{t+k}`` over the recorded steps (T, n, K) from cumulants (T, n, K)."""
    gamma = np.asarray(discounts, dtype=float)
    out = np.zeros(cumulants.shape)
    running = np.zeros(cumulants.shape[1:])
    for t in range(cumulants.shape[0] - 1, -1, -1):
        running = (1 - gamma) * cumulants[t] + gamma * running
        out[t] = running
    return out


def horizon(discounts: NDArray, tolerance: float = 0.01) -> int:
    """Steps after which the largest γ's weight γᵏ falls below ``tolerance``."""
    return math.ceil(math.log(tolerance) / math.log(max(discounts)))


def r_squared(predictions: NDArray, targets: NDArray) -> NDArray[np.float64]:
    """Coefficient of determination per column (last axis) of predictions against targets
    (rows pooled over the other axes): 1 − SS_res / SS_tot; NaN for a constant target."""
    p = np.asarray(predictions, dtype=float).reshape(-1, predictions.shape[-1])
    y = np.asarray(targets, dtype=float).reshape(-1, targets.shape[-1])
    residual = ((y - p) ** 2).sum(0)
    total = ((y - y.mean(0)) ** 2).sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 1.0 - residual / total, np.nan)


def _design(obs: NDArray) -> NDArray[np.float64]:
    """Observation features with a constant one appended (..., D + 1)."""
    return np.concatenate([obs, np.ones((*obs.shape[:-1], 1))], axis=-1, dtype=float)


def fit_linear_gvf(stream: Stream, discounts: NDArray) -> NDArray[np.float64]:
    """Weights (D + 1, K) of a linear readout of the observation (and a bias) for each GVF:
    the fixed point of online semi-gradient linear TD(0) on the stream (least-squares TD,
    Bradtke & Barto 1996), ``Σ x (x − γ(1 − end) x′)ᵀ w = Σ x (1 − γ) c`` over the steps
    the agent is alive, with a small ridge."""
    live = stream.alive.ravel()
    x = _design(stream.obs[:-1]).reshape(-1, stream.obs.shape[-1] + 1)[live]
    x_next = _design(stream.obs[1:]).reshape(-1, x.shape[1])[live]
    keep = 1.0 - stream.ends.ravel()[live]
    c = stream.cumulants.reshape(-1, stream.cumulants.shape[-1])[live]
    ridge = RIDGE * x.shape[0] * np.eye(x.shape[1])
    weights = []
    for k, gamma in enumerate(discounts):
        a = x.T @ (x - gamma * keep[:, None] * x_next) + ridge
        weights.append(np.linalg.solve(a, x.T @ ((1 - gamma) * c[:, k])))
    return np.stack(weights, axis=1)


def linear_predictions(weights: NDArray, obs: NDArray) -> NDArray[np.float64]:
    """A linear readout's predictions (..., K) from observations (..., D)."""
    return _design(obs) @ weights


def scored(stream: Stream, discounts: NDArray) -> NDArray[np.bool_]:
    """(T, n) the steps whose return is complete: the agent is alive, and the horizon fits in
    the recorded steps or its own episode ended within them."""
    t_len = stream.alive.shape[0]
    ended_by = np.maximum.accumulate(stream.ends[::-1], axis=0)[::-1] > 0
    room = np.arange(t_len)[:, None] + horizon(discounts) < t_len
    return stream.alive & (room | ended_by)


def prediction_report(stream: Stream, fit_envs: int, discounts: NDArray) -> dict[str, dict]:
    """Per complex emotion: the Transformer's and the linear readout's R² on the envs from
    ``fit_envs`` on (the readout fitted on those before), and the target's mean there."""
    fit, test = stream.envs(slice(None, fit_envs)), stream.envs(slice(fit_envs, None))
    weights = fit_linear_gvf(fit, discounts)
    keep = scored(test, discounts)
    target = discounted_returns(test.cumulants, discounts)[keep]
    transformer = r_squared(test.predictions[keep], target)
    linear = r_squared(linear_predictions(weights, test.obs[:-1])[keep], target)
    return {
        name: {
            "transformer_r2": _number(transformer[k]),
            "linear_r2": _number(linear[k]),
            "target_mean": float(target[:, k].mean()),
            "target_std": float(target[:, k].std()),
        }
        for k, name in enumerate(COMPLEX_EMOTIONS)
    }


def _number(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def behaviour_report(
    params: WorldParams,
    agents: list[EmotionalAgent],
    seeds: NDArray,
    seed: int,
    progress: Progress | None = None,
) -> dict[str, dict]:
    """Per metric of :data:`BEHAVIOUR_METRICS`: its mean with a 95% CI with the composer
    (``normal``) and without (``no_composer``), and their paired difference."""
    on_step = None if progress is None else (lambda _state, _info: progress(1))
    runs = {}
    for name, composer in (("normal", True), ("no_composer", False)):
        policy = LearnedPolicy(agents, seed, composer=composer)
        played = run_episodes(params, policy, seeds, on_step=on_step)
        runs[name] = {k: v.astype(float) for k, v in played.metrics.items()}
    return {
        metric: {
            "normal": mean_ci(runs["normal"][metric]),
            "no_composer": mean_ci(runs["no_composer"][metric]),
            "difference": mean_ci(runs["no_composer"][metric] - runs["normal"][metric]),
        }
        for metric in BEHAVIOUR_METRICS
    }


FIRST_WORLD_SEED = 2_000_000
"""World seeds of the report start here plus ``--seed`` (held out from training's seeds)."""


def check_report(episodes: int, steps: int) -> None:
    """ValueError, in one line, unless the report can be made of ``episodes`` of ``steps``."""
    if episodes < 2:
        raise ValueError(
            f"--episodes must be >= 2 (half fit the readout, half score); got {episodes}"
        )
    if steps <= horizon(GVF_DISCOUNTS):
        raise ValueError(
            f"--steps must be > {horizon(GVF_DISCOUNTS)}, the horizon within which a complex "
            f"emotion's return is complete; got {steps}"
        )


def layer4_report(
    params: WorldParams,
    agents: list[EmotionalAgent],
    episodes: int,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, object]:
    """The whole report (see the module docstring) on ``episodes`` ≥ 2 episodes of
    ``params.max_cycles`` steps in the worlds of ``params`` (give them the agents' training
    rewards: :func:`~emotion_engine.training.evaluate.rewarded_as_trained`).

    Raises:
        ValueError: fewer than 2 episodes (half fit, half score), or episodes no longer than
            the horizon (no return would be complete).
    """
    check_report(episodes, params.max_cycles)
    first = FIRST_WORLD_SEED + seed
    seeds = np.arange(first, first + episodes)
    discounts = np.asarray(GVF_DISCOUNTS)
    stream = record(params, LearnedPolicy(agents, seed), seeds, PARENT, progress)
    return {
        "scenario": params.scenario,
        "reward_mode": params.reward_mode,
        "episodes": episodes,
        "steps": params.max_cycles,
        "first_world_seed": first,
        "fit_episodes": episodes // 2,
        "agent": "parent_0",
        "discounts": dict(zip(COMPLEX_EMOTIONS, GVF_DISCOUNTS, strict=True)),
        "prediction": prediction_report(stream, episodes // 2, discounts),
        "behaviour": behaviour_report(params, agents, seeds, seed, progress),
    }
