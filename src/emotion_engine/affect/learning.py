"""Emotions from an agent's own learning signals (Broekens, Jacobs & Jonker 2015).

For a temporal-difference learner with TD error δ and state value V:

| emotion  | signal        |
|----------|---------------|
| joy      | max(δ, 0)     |
| distress | max(−δ, 0)    |
| hope     | max(V, 0)     |
| fear     | max(−V, 0)    |

and, following Doya (2002) where dopamine carries the TD error, the same signals drive the
modulators (:func:`learning_drive`): positive δ drives dopamine, negative δ cortisol, |δ|
noradrenaline (surprise), hope serotonin and fear adrenaline. Signals are divided by a
``scale`` (the typical reward magnitude) and clipped to [0, 1].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.ops import dot

LEARNING_EMOTIONS: tuple[str, ...] = ("joy", "distress", "hope", "fear")

_DRIVE = np.zeros((len(LEARNING_EMOTIONS) + 1, len(MODULATORS)))
for _row, _mod, _w in (
    (0, "dopamine", 1.0),  # joy
    (1, "cortisol", 1.0),  # distress
    (2, "serotonin", 0.5),  # hope
    (3, "adrenaline", 0.5),  # fear
    (4, "noradrenaline", 0.5),  # surprise, |δ|
):
    _DRIVE[_row, MODULATORS.index(_mod)] = _w


def learning_emotions(td_error: ArrayLike, value: ArrayLike) -> NDArray[np.floating]:
    """(joy, distress, hope, fear) from TD error and value, shape (..., 4), unscaled."""
    d = np.asarray(td_error, dtype=float)
    v = np.asarray(value, dtype=float)
    return np.stack(
        [np.maximum(d, 0), np.maximum(-d, 0), np.maximum(v, 0), np.maximum(-v, 0)], axis=-1
    )


def learning_drive(
    td_error: ArrayLike, value: ArrayLike, scale: float = 1.0
) -> NDArray[np.floating]:
    """Modulator drive in [0, 1] from TD error and value, shape (..., 7)."""
    if not scale > 0:
        raise ValueError(f"scale must be > 0; got {scale!r}")
    e = learning_emotions(td_error, value)
    signals = np.concatenate([e, np.abs(np.asarray(td_error, dtype=float))[..., None]], axis=-1)
    return dot(np.clip(signals / scale, 0.0, 1.0), _DRIVE)
