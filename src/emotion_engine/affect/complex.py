"""Layer 4, the complex emotions: their names, discounts and the cumulants that define them.

Each complex emotion is a general value function (GVF): the discounted, normalised
expectation ``(1 − γ) Σ γᵗ cᵗ`` of a per-step cumulant ``c`` in [0, 1], from one agent's point
of view. This module holds what the emotions *are* (numpy, no learning); the Transformer that
learns to predict them lives in :mod:`emotion_engine.agents.composer`.

| complex emotion | cumulant (per step, in [0, 1])                                   | γ    |
|-----------------|------------------------------------------------------------------|------|
| maternal_love   | attachment × the other's health × (1 − the other's hunger)       | 0.95 |
| compassion      | the relief one's own acts gave the other (hunger stilled by       | 0.90 |
|                 | feeding it, comfort it felt, a blow taken for it)                |      |
| grief           | attachment × the other's lost health (all of it once it died)    | 0.90 |
| devotion        | ½ · being close + ½ · own care act                               | 0.95 |
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from emotion_engine.affect.social import EVENTS

COMPLEX_EMOTIONS: tuple[str, ...] = ("maternal_love", "compassion", "grief", "devotion")
GVF_DISCOUNTS: tuple[float, ...] = (0.95, 0.90, 0.90, 0.95)
"""γ of each complex emotion, in the order of :data:`COMPLEX_EMOTIONS`."""

_E = {name: i for i, name in enumerate(EVENTS)}


def cumulants(
    attachment: NDArray,
    other_health: NDArray,
    other_hunger: NDArray,
    events: NDArray,
    relief: NDArray,
) -> NDArray[np.float32]:
    """The per-step cumulants (..., 4) in [0, 1] of the complex emotions (see the table).

    Args:
        attachment: (...) one's attachment to the other after the step.
        other_health, other_hunger: (...) the other's condition after the step.
        events: (..., len(EVENTS)) the events one experienced in the step.
        relief: (...) what one's own acts relieved in the other in the step.
    """
    care = np.minimum(events[..., _E["cared"]] + events[..., _E["protected_other"]], 1.0)
    out = np.stack(
        [
            attachment * (other_health * (1.0 - other_hunger)),
            relief,
            attachment * (1.0 - other_health),
            0.5 * events[..., _E["close"]] + 0.5 * care,
        ],
        axis=-1,
    )
    return np.clip(out, 0.0, 1.0).astype(np.float32)


COMPLEX_DRIVE = np.zeros((len(COMPLEX_EMOTIONS), 7))
"""Drive on each modulator (MODULATORS order) per unit of each complex emotion: how the
anticipatory feelings act back on layer 1 (complex emotions × modulators)."""


def complex_drive(complex_emotions: NDArray) -> NDArray[np.float64]:
    """Modulator drive (..., 7) from predicted complex emotions (..., 4) in [0, 1]."""
    return np.clip(np.asarray(complex_emotions, dtype=float), 0.0, 1.0) @ COMPLEX_DRIVE
