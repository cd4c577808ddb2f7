"""The agents' learning loop inside the world: their signals become modulator drive.

Learning agents give the world, with their actions, their value estimate V(s_t) and their
predicted complex emotions (:class:`~emotion_engine.worlds.spec.AgentSignals`); scripted
policies give neither. The world keeps each agent's last value and reward in its state and
computes the TD error of the previous step itself,

    δ_t = r_{t−1} + γ·V(s_t) − V(s_{t−1})        (γ = ``WorldParams.td_discount``)

0 on the first step of an episode (and after a step without a value); the dead, and agents
that give no signals, get nothing. Hope and fear are read from the agent's *prospect*, its
value against the value it has come to expect this episode (a running mean, time constant
``WorldParams.prospect_tau``), in reward per step:

    prospect_t = (1 − γ)·(V(s_t) − V̄_{t−1})

(a reference point, as in Rutledge et al. 2014; V itself sits near the return of a good
life, about 10 in the worlds, and would pin hope at its bound). The drive is
:func:`~emotion_engine.affect.learning_drive` of (δ, prospect) with
``WorldParams.learning_scale`` (Broekens et al. 2015; Doya 2002) plus
:func:`~emotion_engine.affect.complex.complex_drive` of the complex emotions. Training and
acting pass the same signals on every step, so the loop has no seam at rollout boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect import MODULATORS, learning_drive
from emotion_engine.affect.complex import COMPLEX_EMOTIONS, complex_drive
from emotion_engine.worlds.family import agent_names
from emotion_engine.worlds.spec import AgentSignals, WorldParams, WorldState


def _checked(name: str, value: object, shape: tuple[int, ...]) -> NDArray[np.float64] | None:
    """``value`` as a float64 array of ``shape`` (None stays None); ValueError otherwise."""
    if value is None:
        return None
    a = np.asarray(value)
    names = agent_names(shape[1] - 1)
    if a.shape != shape or a.dtype.kind not in "iuf":
        raise ValueError(
            f"signals.{name} must be numbers of shape {shape} (envs × [{', '.join(names)}]"
            f"{' × complex emotions' if len(shape) == 3 else ''}); got {a.dtype} {a.shape}"
        )
    if not np.isfinite(a).all():
        where = tuple(np.argwhere(~np.isfinite(a))[0])
        raise ValueError(
            f"signals.{name} must be finite; got {float(a[where])} for {names[where[1]]} "
            f"in env {where[0]}"
        )
    return a.astype(np.float64)


def check_signals(signals: AgentSignals | None, n_envs: int, n_agents: int) -> AgentSignals | None:
    """Validated signals as float64 arrays (``given`` as bools, every agent when None);
    ValueError naming the field and its shape. The entries of agents not given may be
    anything finite."""
    if signals is None:
        return None
    shape = (n_envs, n_agents)
    given = np.ones(shape, dtype=bool) if signals.given is None else signals.given
    g = np.asarray(given)
    if g.shape != shape or g.dtype != np.bool_:
        raise ValueError(f"signals.given must be bools of shape {shape}; got {g.dtype} {g.shape}")
    return AgentSignals(
        _checked("value", signals.value, shape),
        _checked("complex_emotions", signals.complex_emotions,
                 (*shape, len(COMPLEX_EMOTIONS))),
        g,
    )  # fmt: skip


def signals_from(extras: Mapping[str, NDArray]) -> AgentSignals | None:
    """The signals in a policy's extras (``value``, ``complex_emotions``), None without;
    an agent whose entries are NaN (a scripted child beside a learned parent) gives none."""
    value, emotions = extras.get("value"), extras.get("complex_emotions")
    if value is None and emotions is None:
        return None
    rows = [np.isfinite(value)] if value is not None else []
    rows += [np.isfinite(emotions).all(-1)] if emotions is not None else []
    given = np.logical_and.reduce(rows)
    return AgentSignals(
        None if value is None else np.where(given, value, 0.0),
        None if emotions is None else np.where(given[..., None], emotions, 0.0),
        given,
    )


def td_error(
    p: WorldParams, state: WorldState, value: NDArray, alive: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """δ (n, A) of the step that led to ``state``, now that V(s_t) = ``value`` is known; 0
    where the last step gave no value (an episode's first step) and for the dead."""
    delta = state.last_reward + p.td_discount * value - state.last_value
    return np.where(state.has_value & alive, delta, 0.0)


def prospect(
    p: WorldParams, state: WorldState, value: NDArray, alive: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """(1 − γ)·(V(s_t) − V̄) (n, A): the value against what the agent expected, per step; 0
    where it expected nothing yet (an episode's first step) and for the dead."""
    ahead = (1.0 - p.td_discount) * (value - state.expected_value)
    return np.where(state.has_value & alive, ahead, 0.0)


def signal_drive(
    p: WorldParams, state: WorldState, signals: AgentSignals | None, alive: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Modulator drive (n, A, 7) of checked signals (zero for the dead and the agents that
    give none)."""
    drive = np.zeros((state.n_envs, state.n_agents, len(MODULATORS)))
    if signals is None:
        return drive
    if signals.value is not None:
        delta = td_error(p, state, signals.value, alive)
        ahead = prospect(p, state, signals.value, alive)
        drive += learning_drive(delta, ahead, p.learning_scale)
    if signals.complex_emotions is not None:
        drive += complex_drive(signals.complex_emotions)
    return drive * (alive & signals.given)[..., None]


def remember(
    p: WorldParams, state: WorldState, signals: AgentSignals | None, rewards: NDArray
) -> dict[str, NDArray]:
    """The fields of the next state that the next step's TD error and prospect need
    (checked signals)."""
    shape = (state.n_envs, state.n_agents)
    if signals is None or signals.value is None:
        nothing = np.zeros(shape)
        return {"last_value": nothing, "last_reward": np.asarray(rewards, dtype=np.float64),
                "has_value": np.zeros(shape, dtype=bool), "expected_value": nothing}  # fmt: skip
    value = np.where(signals.given, signals.value, 0.0)
    keep = np.exp(-1.0 / p.prospect_tau)
    expected = np.where(state.has_value, value + (state.expected_value - value) * keep, value)
    return {
        "last_value": value,
        "last_reward": np.asarray(rewards, dtype=np.float64),
        "has_value": signals.given.copy(),
        "expected_value": np.where(signals.given, expected, 0.0),
    }
