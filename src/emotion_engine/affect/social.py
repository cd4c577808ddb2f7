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

Attachment is a learnt association with the partner (Rescorla & Wagner 1972; the bond as
conditioned comfort, Bowlby 1969 and Hofer 2006): while the other is present, attachment
moves towards one's own positive affect,

    dA/dt = α·close·(λ − A),   λ = own positive affect in [0, 1] (:func:`positive_affect`),

and while it is away the bond holds: in Rescorla–Wagner learning an absent cue is not
updated (only time with the other that brings no warmth weakens the bond), and a bond
outlasts separations (Bowlby 1969); docs/affect.md says why an earlier law, under which
bonds faded apart, was dropped.

Positive shared experience (being fed, comforted, the other's joy caught by contagion, felt
while together) raises it; one's own care acts are not in the law and drive no modulator, so
they raise it only through the other's relief that one then sees and catches. A stranger
starts at 0. Held constant over a step the law is linear, so it is integrated exactly.

Emotional contagion is explicit (Hatfield, Cacioppo & Rapson 1993; Preston & de Waal 2002):
the other's expressed primary emotions, above their resting share, drive one's own
modulators (each emotion its own modulator, :data:`CONTAGION_DRIVE`) in proportion to
attachment and the agent's ``openness`` (0: unmoved by the other's face).

Events (``*``: about the other, weighted by attachment):

| event            | meaning, from the agent's point of view                           |
|------------------|-------------------------------------------------------------------|
| fed              | the other fed me: the hunger it stilled, in meals (≤ 1)            |
| ate              | I ate: the hunger it stilled, in meals (≤ 1)                       |
| comforted        | the other comforted me                                            |
| cared            | I fed or comforted the other (appraised; drives no modulator)      |
| harmed           | I was hurt                                                        |
| other_harmed*    | the other was hurt                                                |
| threatened       | a threat is near me                                               |
| other_threatened*| a threat is near the other                                        |
| separated*       | the other is far away                                             |
| reunited*        | we came back together after being apart                           |
| close            | the other is near                                                 |
| other_distress*  | the other's expressed distress (what its face shows; appraised)   |
| other_joy*       | the other's expressed joy (appraised)                             |
| protected_other  | I shielded the other (appraised; the blow itself is ``harmed``)    |
| was_protected    | the other shielded me                                             |
| novelty          | something unexpected happened                                     |
| danger_passed    | the threat has gone                                               |
| loss*            | the other died                                                    |

:func:`appraisal_table` renders what raises and lowers each primitive (docs/affect.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.mood import CORE_AFFECT, MAX_VALENCE
from emotion_engine.affect.ops import clip01, dot
from emotion_engine.affect.primary import EMOTION_MODULATOR, EMOTIONS

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
    "ate",
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
    "danger_passed",
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
        # relief: a meal or comfort is felt as much as it relieves
        "fed": {"dopamine": 0.6, "serotonin": 0.3, "oxytocin": 0.5},
        "ate": {"dopamine": 0.6, "serotonin": 0.3},
        "comforted": {"dopamine": 0.2, "serotonin": 0.3, "oxytocin": 0.8, "endorphins": 0.2},
        # pain and danger
        "harmed": {"noradrenaline": 0.3, "adrenaline": 0.3, "cortisol": 0.5, "endorphins": 1.0},
        "other_harmed": {
            "noradrenaline": 0.4,
            "adrenaline": 0.6,
            "cortisol": 0.5,
            "endorphins": 0.3,
        },
        "threatened": {"noradrenaline": 0.5, "adrenaline": 0.9, "cortisol": 0.3},
        # relief when danger has passed, the opponent process of fear (Solomon & Corbit 1974)
        "danger_passed": {"dopamine": 0.5, "serotonin": 0.6},
        "other_threatened": {
            "noradrenaline": 0.6,
            "adrenaline": 1.5,
            "cortisol": 0.3,
            "endorphins": 0.2,
        },
        # presence and absence of the other
        "separated": {"cortisol": 0.3},
        "reunited": {"dopamine": 0.5, "serotonin": 0.2, "oxytocin": 0.7, "noradrenaline": 0.2},
        "close": {"serotonin": 0.05, "oxytocin": 0.04},
        "was_protected": {"dopamine": 0.2, "serotonin": 0.3, "oxytocin": 0.6},
        "novelty": {"dopamine": 0.2, "noradrenaline": 0.8},
        "loss": {"noradrenaline": 0.3, "cortisol": 1.0},
    },
)
"""Drive on each modulator per unit of each event (events × modulators). One's own care acts
(``cared``, ``protected_other``) and the other's face (``other_distress``, ``other_joy``)
drive nothing here: acts are felt through what they bring (relief shown on the other's face,
by contagion; a blow taken, as ``harmed``)."""

CONTAGION_DRIVE = np.zeros((len(EMOTIONS), len(MODULATORS)))
"""Drive on each modulator per unit of the other's expressed emotion above its resting share:
each primary emotion its own modulator (the seed's pairing), so fear is caught as adrenaline
and sadness as cortisol (emotions × modulators)."""
for _emotion, _modulator in EMOTION_MODULATOR.items():
    CONTAGION_DRIVE[EMOTIONS.index(_emotion), MODULATORS.index(_modulator)] = 1.0
RESTING_SHARE = 1.0 / len(EMOTIONS)
"""Each primary emotion's share at rest (all modulators at baseline)."""

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

_WARMTH = np.maximum(CORE_AFFECT[:, 0], 0.0) / MAX_VALENCE
_ATTACHMENT = PRIMITIVES.index("attachment")
_CLOSE = EVENTS.index("close")


@dataclass(frozen=True)
class SocialParams:
    """Rates of the social layer (scalars or per-agent arrays broadcastable to the batch).

    Attributes:
        learning_rate: α, how fast attachment moves towards one's own positive affect per
            second while the other is present (Rescorla–Wagner learning rate).
        openness: how much the other's expressed emotion moves one's own modulators, per
            unit of attachment (emotional contagion; a temperament trait, 0: unmoved).
        rate_scale: multiplies every primitive's relaxation rate.
    """

    learning_rate: float | Array = 0.02
    openness: float | Array = 0.3
    rate_scale: float | Array = 1.0

    @cached_property
    def per_pair(self) -> SocialParams:
        """These rates with an axis added for the others where they are given per agent
        (arrays over the batch), so that they broadcast against per-pair arrays (..., k);
        scalars as they are (worked out once per params)."""
        return replace(self, **{
            f.name: np.asarray(getattr(self, f.name))[..., None]
            for f in fields(self)
            if f.name != "rate_scale" and np.ndim(getattr(self, f.name))
        })  # fmt: skip


def gate_events(events: ArrayLike, attachment: ArrayLike) -> Array:
    """Events with those about the other scaled by attachment (shape (..., n_events))."""
    gain = 1.0 + EMPATHIC_MASK * (np.asarray(attachment, dtype=float)[..., None] - 1.0)
    return np.asarray(events, dtype=float) * gain


def event_drive(gated_events: ArrayLike) -> Array:
    """Modulator drive (unclipped, ≥ 0) from (already gated) events, shape (..., 7)."""
    return dot(gated_events, EVENT_DRIVE)


def contagion_drive(
    other_expressed: ArrayLike, attachment: ArrayLike, openness: ArrayLike
) -> Array:
    """Modulator drive (..., 7) caught from the other's expressed emotions (..., 7): their
    excess over the resting share, times attachment and openness (zeros for no face)."""
    excess = np.maximum(np.asarray(other_expressed, dtype=float) - RESTING_SHARE, 0.0)
    gain = np.asarray(openness) * np.asarray(attachment, dtype=float)
    return dot(excess, CONTAGION_DRIVE) * gain[..., None]


def positive_affect(emotions: ArrayLike) -> Array:
    """λ in [0, 1], the warmth of a primary-emotion distribution (..., 7): each emotion's
    share times its valence where that is positive, / the largest valence (0 when all is
    fear, anger and sadness; 1 when all is joy)."""
    return np.asarray(emotions, dtype=float) @ _WARMTH


def step_attachment(
    attachment: ArrayLike,
    present: ArrayLike,
    positive: ArrayLike,
    dt: float,
    params: SocialParams,
) -> Array:
    """Advance attachment exactly over ``dt`` with its inputs held constant (see the module
    docstring): dA/dt = α·present·(λ − A), so A(t) = λ + (A₀ − λ)·e^{−α·present·t}."""
    positive = np.asarray(positive, dtype=float)
    keep = np.exp(-params.learning_rate * np.asarray(present, dtype=float) * dt)
    return positive + (np.asarray(attachment, dtype=float) - positive) * keep


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
    positive: ArrayLike,
    dt: float,
    params: SocialParams | None = None,
) -> Array:
    """Advance the ten primitives over ``dt`` (state in, state out).

    Args:
        social: current primitives, shape (..., 10), in [0, 1].
        events: raw event intensities, shape (..., n_events), in [0, 1].
        modulator_activation: layer-1 activations after this step, shape (..., 7).
        positive: one's own positive affect λ after this step (:func:`positive_affect`), (...).
        dt: step in seconds.
        params: social rates; defaults to :class:`SocialParams()`.
    """
    params = params or SocialParams()
    s = np.asarray(social, dtype=float)
    ev = np.asarray(events, dtype=float)
    attachment = step_attachment(s[..., _ATTACHMENT], ev[..., _CLOSE], positive, dt, params)
    gated = gate_events(ev, attachment)
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
            lines.append(
                "| attachment | own positive affect while the other is close (learnt "
                "association) | own negative affect while close (absence changes nothing) "
                "| own law |"
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
