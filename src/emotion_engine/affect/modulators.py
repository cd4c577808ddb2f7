"""Layer 1: neuromodulator levels as an exactly integrated ODE.

Each modulator level N follows (docs/references.md, Modulator equation)

    dN/dt = u·r·N·(1 − N/K) − s·(N − M)

with growth rate r, ceiling K, decay rate s, resting ("normal") level M and a stimulus
drive u in [0, 1] that gates the logistic growth. With u = 0 the level relaxes
exponentially to M; with u > 0 it rises towards a level below K. For u held constant over
a step the equation is a Riccati equation with constant coefficients,

    dN/dt = −b·N² + a·N + c,   b = u·r/K,  a = u·r − s,  c = s·M,

whose stable root N⁺ > 0 and rate q = sqrt(a² + 4bc) give the closed form

    N(t) = N⁺ + q·(N₀ − N⁺)·E / (q + b·(N₀ − N⁺)·(1 − E)),   E = exp(−q·t).

This form is exact at any step size, reduces to the linear solution when b = 0, and its
denominator stays positive for N₀ ≥ 0, so levels never leave (0, K] when 0 < M < K.

Time is in seconds. Levels are normalised so that K = 1 by default.

| modulator      | why it is here                                   | raised by (in the worlds)                  |
|----------------|--------------------------------------------------|--------------------------------------------|
| dopamine       | reward prediction error, wanting (joy)           | relief of hunger, positive TD error        |
| serotonin      | safety, control, patience (power; low → sad)     | relief, safety, closeness, danger passed   |
| oxytocin       | bonding and care (love)                          | being fed or comforted, closeness, reunion |
| noradrenaline  | arousal, novelty, exploration (surprise)         | unexpected events, large |TD error|        |
| adrenaline     | acute threat, fight or flight (fear)             | threats, being harmed, danger to the other |
| cortisol       | sustained stress and loss (sad)                  | hunger, loneliness, separation, loss       |
| endorphins     | pain and exertion; fight (mad)                   | harm (a blow), the other harmed            |

Each modulator also rises when the other's face shows its emotion (emotional contagion,
:func:`emotion_engine.affect.social.contagion_drive`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

MODULATORS: tuple[str, ...] = (
    "dopamine",
    "serotonin",
    "oxytocin",
    "noradrenaline",
    "adrenaline",
    "cortisol",
    "endorphins",
)
"""Modulator names; the last axis of every level or drive array follows this order."""

N_MODULATORS = len(MODULATORS)

MODULATOR_ABBREVIATIONS: dict[str, str] = dict(
    zip(MODULATORS, ("DA", "5-HT", "OXT", "NA", "ADR", "CORT", "END"), strict=True)
)

Array = NDArray[np.floating]


def modulator_index(name: str) -> int:
    """Index of a modulator by name, with an error that lists the valid names."""
    try:
        return MODULATORS.index(name)
    except ValueError:
        raise ValueError(
            f"unknown modulator {name!r}; expected one of: {', '.join(MODULATORS)}"
        ) from None


@dataclass(frozen=True)
class ModulatorParams:
    """Per-modulator ODE parameters, each an array whose last axis is the modulator axis.

    Leading axes (if any) index agents, so a population with different temperaments is one
    batched parameter set (see :meth:`stack`).

    Attributes:
        growth: r, logistic growth rate per second under full drive (0 < r ≤ 1 typical).
        capacity: K, the ceiling a level never exceeds.
        decay: s, relaxation rate per second towards the baseline (0 < s ≤ 1).
        baseline: M, the resting level (0 < M < K).
    """

    growth: Array
    capacity: Array
    decay: Array
    baseline: Array

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, np.asarray(getattr(self, f.name), dtype=float))
        shapes = [getattr(self, f.name).shape for f in fields(self)]
        if any(not s or s[-1] != N_MODULATORS for s in shapes):
            raise ValueError(
                f"ModulatorParams arrays need a last axis of {N_MODULATORS} modulators "
                f"({', '.join(MODULATORS)}); got shapes {shapes}"
            )
        r, k, s, m = self.growth, self.capacity, self.decay, self.baseline
        if np.any(r < 0) or np.any(s <= 0) or np.any(k <= 0):
            raise ValueError("need growth >= 0, decay > 0 and capacity > 0 for every modulator")
        if np.any(m <= 0) or np.any(m >= k):
            raise ValueError("need 0 < baseline < capacity for every modulator")

    @classmethod
    def stack(cls, params: list[ModulatorParams]) -> Self:
        """One batched parameter set from several, e.g. one temperament per agent."""
        if not params:
            raise ValueError("stack needs at least one ModulatorParams")
        return cls(
            *(
                np.stack([np.broadcast_to(getattr(p, f.name), (N_MODULATORS,)) for p in params])
                for f in fields(cls)
            )
        )

    @cached_property
    def growth_over_capacity(self) -> Array:
        """r / K."""
        return self.growth / self.capacity

    @cached_property
    def decay_baseline(self) -> Array:
        """s · M, the constant term c of the Riccati form."""
        return self.decay * self.baseline

    @cached_property
    def inv_headroom(self) -> Array:
        """1 / (K − M), the activation scale above rest."""
        return 1.0 / (self.capacity - self.baseline)

    @cached_property
    def inv_baseline(self) -> Array:
        """1 / M, the activation scale below rest."""
        return 1.0 / self.baseline

    def as_dict(self) -> dict[str, list]:
        """Plain lists, for JSON metadata and CLI output."""
        return {f.name: getattr(self, f.name).tolist() for f in fields(self)}


def equilibrium(drive: ArrayLike, params: ModulatorParams) -> Array:
    """The stable fixed point N⁺ of the level under a constant drive u (element-wise)."""
    return _riccati(np.asarray(drive, dtype=float), params)[0]


def step_levels(
    levels: ArrayLike, drive: ArrayLike, dt: float | ArrayLike, params: ModulatorParams
) -> Array:
    """Advance modulator levels exactly over ``dt`` seconds with the drive held constant.

    Args:
        levels: current levels N₀, shape (..., n_modulators), each in (0, K].
        drive: stimulus drive u in [0, 1], broadcastable to ``levels``.
        dt: step length in seconds (≥ 0), a scalar or broadcastable array.
        params: the ODE parameters, broadcastable to ``levels``.

    Returns:
        The levels after ``dt``, same shape as ``levels``.
    """
    u = np.asarray(drive, dtype=float)
    t = np.asarray(dt, dtype=float)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError(f"dt must be finite and >= 0; got {dt!r}")
    if np.any(u < 0) or np.any(u > 1) or np.any(np.isnan(u)):
        raise ValueError("drive must lie in [0, 1]")
    return advance_levels(np.asarray(levels, dtype=float), u, t, params)


def advance_levels(n0: Array, u: Array, dt: float | Array, params: ModulatorParams) -> Array:
    """:func:`step_levels` without argument checks, for callers that guarantee them."""
    n_star, b, q = _riccati(u, params)
    d = n0 - n_star
    e = np.exp(-q * dt)
    return n_star + q * d * e / (q + b * d * (1.0 - e))


def apply_dose(levels: ArrayLike, dose: ArrayLike, params: ModulatorParams) -> Array:
    """An instantaneous dose added to the levels, clipped to (0, K]."""
    out = np.asarray(levels, dtype=float) + np.asarray(dose, dtype=float)
    return np.clip(out, np.finfo(float).tiny, params.capacity)


def resting_levels(params: ModulatorParams, batch_shape: tuple[int, ...] = ()) -> Array:
    """Levels at rest (the baselines M), broadcast with ``batch_shape + (n_modulators,)``."""
    shape = np.broadcast_shapes((*batch_shape, N_MODULATORS), params.baseline.shape)
    return np.broadcast_to(params.baseline, shape).copy()


def activation(levels: ArrayLike, params: ModulatorParams) -> Array:
    """Signed, normalised deviation from rest: 0 at M, 1 at K, −1 at 0.

    Above rest the level is scaled by (K − M), below rest by M, so every modulator's
    activation lies in [−1, 1] whatever its baseline.
    """
    dev = np.asarray(levels, dtype=float) - params.baseline
    return dev * np.where(dev >= 0, params.inv_headroom, params.inv_baseline)


def _riccati(u: Array, p: ModulatorParams) -> tuple[Array, Array, Array]:
    """(N⁺, b, q) of dN/dt = −b·N² + a·N + c under drive u.

    N⁺ = 2c / (q − a), with q − a evaluated without cancellation: for a ≥ 0 it equals
    4bc / (q + a). ``q + |a|`` is positive whenever c > 0, so nothing divides by zero.
    """
    b = u * p.growth_over_capacity
    a = u * p.growth - p.decay
    four_bc = 4.0 * p.decay_baseline * b
    q = np.sqrt(a * a + four_bc)
    q_plus_abs_a = q + np.abs(a)
    q_minus_a = np.where(a >= 0, four_bc / q_plus_abs_a, q_plus_abs_a)
    return 2.0 * p.decay_baseline / q_minus_a, b, q
