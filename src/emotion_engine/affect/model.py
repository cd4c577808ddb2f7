"""Layers 1–3 together: one step of an agent's affect from the events it experienced.

``step_affect(state, events, dt, params)`` is pure (state in, state out) and batch-first:
every array's leading axes index agents (or envs × agents). Per step:

1. events about the other are gated by attachment; the gated events, the emotions caught
   from the other's face (contagion, in proportion to attachment and openness) and any
   extra drive (interoception, the agent's own TD error,
   :mod:`emotion_engine.affect.learning`) drive the modulators, whose levels advance exactly
   over ``dt`` (layer 1);
2. the primary-emotion distribution is read off the new levels (layer 2);
3. attachment learns from the positive affect felt while the other is close, and the other
   social primitives are appraised from events and modulators (layer 3);
4. mood integrates the primary emotions slowly.

An agent among several others holds its social primitives per relationship: ``social``
(..., k, 10) with an *others* axis of k entries, events (..., k, n_events) and the others'
faces (..., k, 7) per pair. Each pair's events are gated by that pair's attachment and each
face's contagion by it; the modulators feel, of each event and each caught drive, the
strongest over the pairs (with one other, exactly its own); each pair's primitives are
appraised from that pair's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.modulators import (
    ModulatorParams,
    activation,
    advance_levels,
    resting_levels,
)
from emotion_engine.affect.mood import DEFAULT_MOOD_TAU, core_affect, step_mood
from emotion_engine.affect.ops import clip01, strongest
from emotion_engine.affect.primary import (
    DEFAULT_TEMPERATURE,
    EMOTIONS,
    emotions_from_activation,
    primary_emotions,
)
from emotion_engine.affect.social import (
    N_PRIMITIVES,
    PRIMITIVES,
    SocialParams,
    contagion_drive,
    event_drive,
    gate_events,
    positive_affect,
    step_social,
)
from emotion_engine.affect.temperaments import temperament

Array = NDArray[np.floating]
_ATTACHMENT = PRIMITIVES.index("attachment")


@dataclass(frozen=True)
class AffectParams:
    """Everything that is fixed about an agent's affect (broadcastable over the batch)."""

    modulators: ModulatorParams = field(default_factory=temperament)
    social: SocialParams = field(default_factory=SocialParams)
    temperature: float = DEFAULT_TEMPERATURE
    mood_tau: float = DEFAULT_MOOD_TAU


@dataclass(frozen=True)
class AffectState:
    """An agent's affect at one instant; leading axes index agents.

    Attributes:
        levels: modulator levels, (..., 7).
        primary: primary-emotion distribution, (..., 7).
        social: social primitives towards the other, (..., 10), or towards each of k
            others, (..., k, 10).
        mood: (valence, arousal), (..., 2).
    """

    levels: Array
    primary: Array
    social: Array
    mood: Array

    @property
    def attachment(self) -> Array:
        """Attachment towards the other (or each other), shape (...) (or (..., k))."""
        return self.social[..., _ATTACHMENT]


def initial_state(
    params: AffectParams,
    batch_shape: tuple[int, ...] = (),
    attachment: float | ArrayLike = 0.0,
    others: int | None = None,
) -> AffectState:
    """Affect at rest: modulators at baseline, primitives at 0 but for ``attachment``; with
    ``others``, the primitives per relationship with that many others (an others axis)."""
    levels = resting_levels(params.modulators, batch_shape)
    primary = primary_emotions(levels, params.modulators, params.temperature)
    pairs = () if others is None else (others,)
    social = np.zeros((*levels.shape[:-1], *pairs, N_PRIMITIVES))
    social[..., _ATTACHMENT] = attachment
    return AffectState(levels, primary, social, core_affect(primary))


def step_affect(
    state: AffectState,
    events: ArrayLike,
    dt: float,
    params: AffectParams,
    extra_drive: ArrayLike | None = None,
    other_expressed: ArrayLike | None = None,
) -> AffectState:
    """One exact step of layers 1–3 and mood over ``dt`` seconds (see module docstring).

    Args:
        state: the affect before the step.
        events: event intensities in [0, 1], shape (..., n_events) (see ``social.EVENTS``).
        dt: step in seconds (> 0).
        params: the agents' affect parameters.
        extra_drive: optional additional modulator drive (..., 7), e.g. from learning signals.
        other_expressed: the primary emotions the other's face showed (..., 7); zeros or
            None for no face (the other is absent or dead).

    With an others axis (``state.social`` (..., k, 10)), ``events`` are (..., k, n_events)
    and ``other_expressed`` (..., k, 7), one per pair (see the module docstring).
    """
    events = np.asarray(events, dtype=float)
    pairs = state.social.ndim > state.levels.ndim
    social_params = params.social.per_pair if pairs else params.social
    attachment = state.social[..., _ATTACHMENT]
    drive = event_drive(_strongest(gate_events(events, attachment), pairs))
    if other_expressed is not None:
        caught = contagion_drive(other_expressed, attachment, social_params.openness)
        drive += _strongest(caught, pairs)
    if extra_drive is not None:
        drive += extra_drive
    mp = params.modulators
    levels = advance_levels(state.levels, clip01(drive), dt, mp)
    x = activation(levels, mp)
    primary = emotions_from_activation(x, params.temperature)
    positive = positive_affect(primary)
    if pairs:
        x, positive = x[..., None, :], positive[..., None]
    social = step_social(state.social, events, x, positive, dt, social_params)
    return AffectState(levels, primary, social, step_mood(state.mood, primary, dt, params.mood_tau))


def _strongest(values: Array, pairs: bool) -> Array:
    """Per-pair values (..., k, m) pooled over the others by their maximum; others as they
    are without an others axis."""
    return strongest(values) if pairs else values


__all__ = ["EMOTIONS", "AffectParams", "AffectState", "initial_state", "step_affect"]
