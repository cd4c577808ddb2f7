"""Layer 3: social emotions, appraised from typed events between two agents.

Each agent holds, per relationship, ten *social primitives* in [0, 1] (the seed's system).
Each step the world reports, from the agent's own point of view, the intensity in [0, 1] of
each typed event in :data:`EVENTS`. Events do two things:

1. they *drive the modulators* of layer 1 (:func:`event_drive`); events about the other
   (marked ``*`` below) are felt in proportion to attachment — you are not frightened for
   someone you are not attached to;
2. they set each primitive's *appraisal target*, a clipped weighted sum of events and
   modulator activations (:data:`PRIMITIVE_EVENT_WEIGHTS`, :data:`PRIMITIVE_MODULATOR_WEIGHTS`),
   towards which the primitive relaxes at its own rate (exactly, over any ``dt``).

Attachment has its own dynamics: it grows with positive interaction, gated by the oxytocin
level, fades slowly unless it is kept up, and faster while the agents are apart:

    dA/dt = g·(N_oxytocin / K)·bond·(1 − A) − (f + d·separated)·A,

with ``bond`` the weighted sum of positive events (:data:`BOND_WEIGHTS`). Under steady care
(constant p = g·oxytocin·bond, together) attachment settles at p / (p + f) < 1, so a bond
reflects how much care it gets rather than saturating whenever there is any. Empathy is the
other's expressed distress scaled by attachment (the ``other_distress*`` weight).

Events (``*``: about the other, weighted by attachment):

| event            | meaning, from the agent's point of view                           |
|------------------|-------------------------------------------------------------------|
| fed              | the other fed me                                                  |
| comforted        | the other comforted me                                            |
| cared            | I fed or comforted the other                                      |
| harmed           | I was hurt                                                        |
| other_harmed*    | the other was hurt                                                |
| threatened       | a threat is near me                                               |
| other_threatened*| a threat is near the other                                        |
| separated*       | the other is far away                                             |
| reunited*        | we came back together after being apart                           |
| close            | the other is near                                                 |
| other_distress*  | the other's expressed distress (what its face shows)              |
| other_joy*       | the other's expressed joy                                         |
| protected_other  | I shielded the other and took the blow                            |
| was_protected    | the other shielded me                                             |
| novelty          | something unexpected happened                                     |
| loss*            | the other died                                                    |

:func:`appraisal_table` renders what raises and lowers each primitive (docs/affect.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.ops import clip01, dot

Array = NDArray[np.floating]

PRIMITIVES: tuple[str, ...] = (
    "attachment",
    "empathy",
    "fear",
    "joy",
    "anger",
    "curiosity",
    "trust",
    "protective_instinct",
    "altruism",
    "distress",
)
"""The ten social primitives; the last axis of every social state follows this order."""

EVENTS: tuple[str, ...] = (
    "fed",
    "comforted",
    "cared",
    "harmed",
    "other_harmed",
    "threatened",
    "other_threatened",
    "separated",
    "reunited",
    "close",
    "other_distress",
    "other_joy",
    "protected_other",
    "was_protected",
    "novelty",
    "loss",
)
"""Typed events; the last axis of every event array follows this order."""

N_PRIMITIVES = len(PRIMITIVES)

EMPATHIC_EVENTS: tuple[str, ...] = (
    "other_harmed",
    "other_threatened",
    "separated",
    "reunited",
    "other_distress",
    "other_joy",
    "loss",
)
"""Events about the other, felt in proportion to attachment."""

EMPATHIC_MASK = np.array([e in EMPATHIC_EVENTS for e in EVENTS], dtype=float)


def _vector(cols: tuple[str, ...], entries: dict[str, float]) -> Array:
    v = np.zeros(len(cols))
    for c, w in entries.items():
        v[cols.index(c)] = w
    return v


def _matrix(
    rows: tuple[str, ...], cols: tuple[str, ...], entries: dict[str, dict[str, float]]
) -> Array:
    m = np.zeros((len(rows), len(cols)))
    for r, row in entries.items():
        m[rows.index(r)] = _vector(cols, row)
    return m


EVENT_DRIVE = _matrix(
    EVENTS,
    MODULATORS,
    {
        "fed": {"dopamine": 0.6, "serotonin": 0.3, "oxytocin": 0.5},
        "comforted": {"dopamine": 0.2, "serotonin": 0.3, "oxytocin": 0.8, "endorphins": 0.2},
        "cared": {"dopamine": 0.3, "serotonin": 0.2, "oxytocin": 0.6, "endorphins": 0.1},
        "harmed": {"noradrenaline": 0.5, "adrenaline": 0.8, "cortisol": 0.4, "endorphins": 0.8},
        "other_harmed": {
            "noradrenaline": 0.4,
            "adrenaline": 0.6,
            "cortisol": 0.5,
            "endorphins": 0.3,
        },
        "threatened": {"noradrenaline": 0.5, "adrenaline": 0.9, "cortisol": 0.3},
        "other_threatened": {
            "noradrenaline": 0.4,
            "adrenaline": 0.7,
            "cortisol": 0.3,
            "endorphins": 0.2,
        },
        "separated": {"cortisol": 0.3},
        "reunited": {"dopamine": 0.5, "serotonin": 0.2, "oxytocin": 0.7, "noradrenaline": 0.2},
        "close": {"serotonin": 0.05, "oxytocin": 0.04},
        "other_distress": {"noradrenaline": 0.2, "adrenaline": 0.2, "cortisol": 0.5},
        "other_joy": {"dopamine": 0.4, "serotonin": 0.1, "oxytocin": 0.2},
        "protected_other": {
            "serotonin": 0.2,
            "oxytocin": 0.3,
            "noradrenaline": 0.3,
            "adrenaline": 0.5,
            "endorphins": 0.6,
        },
        "was_protected": {"dopamine": 0.2, "serotonin": 0.3, "oxytocin": 0.6},
        "novelty": {"dopamine": 0.2, "noradrenaline": 0.8},
        "loss": {"noradrenaline": 0.3, "cortisol": 1.0},
    },
)
"""Drive on each modulator per unit of each event (events × modulators)."""

PRIMITIVE_EVENT_WEIGHTS = _matrix(
    PRIMITIVES,
    EVENTS,
    {
        "empathy": {"other_distress": 1.0, "other_harmed": 0.6, "other_joy": 0.3},
        "fear": {"threatened": 0.8, "harmed": 0.5, "other_threatened": 0.5},
        "joy": {
            "fed": 0.6,
            "comforted": 0.4,
            "cared": 0.2,
            "reunited": 0.6,
            "other_joy": 0.5,
            "harmed": -0.5,
            "other_harmed": -0.3,
        },
        "anger": {"harmed": 0.6, "other_harmed": 0.6, "other_threatened": 0.3},
        "curiosity": {"novelty": 0.8, "threatened": -0.5},
        "trust": {
            "fed": 0.6,
            "comforted": 0.6,
            "was_protected": 0.8,
            "close": 0.3,
            "separated": -0.4,
            "harmed": -0.2,
        },
        "protective_instinct": {
            "other_threatened": 1.0,
            "other_harmed": 0.8,
            "other_distress": 0.5,
            "separated": 0.3,
        },
        "altruism": {
            "other_distress": 0.5,
            "other_threatened": 0.5,
            "cared": 0.4,
            "protected_other": 0.5,
        },
        "distress": {
            "harmed": 0.7,
            "threatened": 0.4,
            "separated": 0.4,
            "loss": 1.0,
            "other_distress": 0.4,
            "other_harmed": 0.4,
        },
    },
)
"""Appraisal weight of each event on each primitive's target (primitives × events)."""

PRIMITIVE_MODULATOR_WEIGHTS = _matrix(
    PRIMITIVES,
    MODULATORS,
    {
        "empathy": {"oxytocin": 0.2},
        "fear": {"adrenaline": 0.6, "cortisol": 0.2, "serotonin": -0.2},
        "joy": {"dopamine": 0.6},
        "anger": {"endorphins": 0.5, "adrenaline": 0.2},
        "curiosity": {"dopamine": 0.3, "noradrenaline": 0.3, "adrenaline": -0.4, "cortisol": -0.3},
        "trust": {"oxytocin": 0.4},
        "protective_instinct": {"oxytocin": 0.3},
        "altruism": {"oxytocin": 0.4},
        "distress": {"cortisol": 0.6, "dopamine": -0.2},
    },
)
"""Weight of each modulator's activation on each primitive's target (primitives × modulators)."""

PRIMITIVE_BIAS = _vector(PRIMITIVES, {"curiosity": 0.2})
"""Target of each primitive with no events and modulators at rest."""

PRIMITIVE_RATES = np.array([0.0, 0.5, 1.0, 0.5, 0.5, 0.3, 0.05, 0.5, 0.2, 0.5])
"""Relaxation rate (1/s) of each primitive towards its target; attachment has its own law."""

BOND_WEIGHTS = _vector(
    EVENTS,
    {
        "fed": 1.0,
        "comforted": 1.0,
        "cared": 1.0,
        "reunited": 0.5,
        "close": 0.1,
        "protected_other": 1.0,
        "was_protected": 1.0,
    },
)
"""Weight of each event in the positive-interaction term that grows attachment."""

_ATTACHMENT = PRIMITIVES.index("attachment")


@dataclass(frozen=True)
class SocialParams:
    """Rates of the social layer (scalars or per-agent arrays broadcastable to the batch).

    Attributes:
        bond_rate: g, attachment growth per second per unit of bond at full oxytocin.
        fading: f, attachment decay per second at all times (a bond must be kept up).
        absence_decay: d, extra attachment decay per second while separated.
        rate_scale: multiplies every primitive's relaxation rate.
    """

    bond_rate: float | Array = 0.05
    fading: float | Array = 0.002
    absence_decay: float | Array = 0.002
    rate_scale: float | Array = 1.0


def gate_events(events: ArrayLike, attachment: ArrayLike) -> Array:
    """Events with those about the other scaled by attachment (shape (..., n_events))."""
    gain = 1.0 + EMPATHIC_MASK * (np.asarray(attachment, dtype=float)[..., None] - 1.0)
    return np.asarray(events, dtype=float) * gain


def event_drive(gated_events: ArrayLike) -> Array:
    """Modulator drive in [0, 1] from (already gated) events, shape (..., n_modulators)."""
    return clip01(dot(gated_events, EVENT_DRIVE))


def step_attachment(
    attachment: ArrayLike,
    events: ArrayLike,
    oxytocin_fraction: ArrayLike,
    dt: float,
    params: SocialParams,
) -> Array:
    """Advance attachment exactly over ``dt`` with the events held constant.

    dA/dt = p·(1 − A) − q·A with p = g·oxytocin·bond and q = f + d·separated, so
    A(t) = A₀·e^{−(p+q)t} + p·t·φ((p+q)t), φ(x) = (1 − e^{−x})/x, φ(0) = 1.
    """
    ev = np.asarray(events, dtype=float)
    p = params.bond_rate * np.asarray(oxytocin_fraction) * dot(ev, BOND_WEIGHTS)
    q = params.fading + params.absence_decay * ev[..., EVENTS.index("separated")]
    x = (p + q) * dt
    em = np.expm1(-x)  # e^{−x} − 1, accurate for small x
    # φ(x) = −em / x; the 1e-300 makes φ(0) = 1 exactly and changes nothing for x > 0
    return np.asarray(attachment) * (1.0 + em) - p * dt * em / (x + 1e-300)


def appraisal_targets(gated_events: ArrayLike, modulator_activation: ArrayLike) -> Array:
    """Each primitive's target in [0, 1] given gated events and modulator activations."""
    raw = (
        PRIMITIVE_BIAS
        + dot(gated_events, PRIMITIVE_EVENT_WEIGHTS.T)
        + dot(modulator_activation, PRIMITIVE_MODULATOR_WEIGHTS.T)
    )
    return clip01(raw)


def step_social(
    social: ArrayLike,
    events: ArrayLike,
    modulator_activation: ArrayLike,
    oxytocin_fraction: ArrayLike,
    dt: float,
    params: SocialParams | None = None,
) -> Array:
    """Advance the ten primitives over ``dt`` (state in, state out).

    Args:
        social: current primitives, shape (..., 10), in [0, 1].
        events: raw event intensities, shape (..., n_events), in [0, 1].
        modulator_activation: layer-1 activations after this step, shape (..., 7).
        oxytocin_fraction: oxytocin level / capacity, shape (...).
        dt: step in seconds.
        params: social rates; defaults to :class:`SocialParams()`.
    """
    params = params or SocialParams()
    s = np.asarray(social, dtype=float)
    attachment = step_attachment(s[..., _ATTACHMENT], events, oxytocin_fraction, dt, params)
    gated = gate_events(events, attachment)
    target = appraisal_targets(gated, modulator_activation)
    keep = np.exp(-PRIMITIVE_RATES * params.rate_scale * dt)
    out = target + (s - target) * keep
    out[..., _ATTACHMENT] = attachment
    return out


def appraisal_table() -> str:
    """A Markdown table of what raises (+) and lowers (−) each primitive."""
    lines = ["| primitive | raised by | lowered by | rate (1/s) |", "|---|---|---|---|"]
    for i, name in enumerate(PRIMITIVES):
        if name == "attachment":
            ups = ", ".join(f"{e} (+{w:g})" for e, w in zip(EVENTS, BOND_WEIGHTS, strict=True) if w)
            lines.append(
                f"| attachment | positive interaction × oxytocin level: {ups} | "
                "fading; separated (faster decay) | own law |"
            )
            continue
        terms = [
            (e + ("*" if e in EMPATHIC_EVENTS else ""), w)
            for e, w in zip(EVENTS, PRIMITIVE_EVENT_WEIGHTS[i], strict=True)
            if w
        ]
        terms += [
            (m, w) for m, w in zip(MODULATORS, PRIMITIVE_MODULATOR_WEIGHTS[i], strict=True) if w
        ]
        ups = ", ".join(f"{n} (+{w:g})" for n, w in terms if w > 0) or "—"
        downs = ", ".join(f"{n} ({w:g})" for n, w in terms if w < 0) or "—"
        lines.append(f"| {name} | {ups} | {downs} | {PRIMITIVE_RATES[i]:g} |")
    return "\n".join(lines)
