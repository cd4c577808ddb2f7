"""Small array helpers shared by the affect layers, written for speed on big batches."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]


def dot(x: ArrayLike, w: Array) -> Array:
    """``x @ w`` over the last axis of ``x``, with all leading axes flattened into one.

    numpy runs ``(n, 2, k) @ (k, m)`` as n separate small products; one (2n, k) @ (k, m)
    product is several times faster.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim <= 2:
        return x @ w
    return (x.reshape(-1, x.shape[-1]) @ w).reshape(*x.shape[:-1], *w.shape[1:])


def clip01(x: Array) -> Array:
    """Clip to [0, 1] in place (faster than np.clip on small arrays); returns ``x``."""
    return np.minimum(np.maximum(x, 0.0, out=x), 1.0, out=x)


def strongest(values: Array, axis: int = -2) -> Array:
    """The maximum over ``axis``; with one entry there, that entry (a view of ``values``,
    no reduction: the same numbers; do not write to it)."""
    if values.shape[axis] == 1:
        return values.squeeze(axis)
    return values.max(axis=axis)
