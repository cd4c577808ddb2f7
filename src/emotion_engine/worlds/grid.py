"""Grid geometry shared by the world rules and the baseline policies: distances and moves.

Cells are integer (row, col) arrays (..., 2); distance is Chebyshev (king moves), and a step
goes one cell along the axis with the larger gap (rows on a tie), as the moves of
:data:`~emotion_engine.worlds.spec.MOVES` do.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from emotion_engine.worlds.spec import DOWN, LEFT, MAX_SIZE, MOVES, RIGHT, STAY, UP

FAR = 2 * MAX_SIZE
"""The distance :func:`nearest` gives when every item is away: farther than any cell."""


def chebyshev(a: NDArray, b: NDArray) -> NDArray[np.int64]:
    """Chebyshev (king-move) distance between cells (..., 2)."""
    d = np.abs(a - b)
    return np.maximum(d[..., 0], d[..., 1])


def nearest(
    items: NDArray, away: NDArray | None, cells: NDArray
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The index (n, k) of the item (n, m, 2) nearest to each cell (n, k, 2), by Chebyshev
    distance (the first on a tie), and that distance (n, k); items marked ``away`` (n, m; None
    when none is) are not counted, and where every item is away the distance is :data:`FAR`."""
    distance = chebyshev(items[:, :, None], cells[:, None])  # (n, m, k)
    if away is not None:
        np.copyto(distance, FAR, where=away[..., None])
    index = distance.argmin(1)
    n, _, k = distance.shape
    return index, distance[np.arange(n)[:, None], index, np.arange(k)]


def step_toward(src: NDArray, dst: NDArray) -> NDArray[np.int64]:
    """The move action from src towards dst (..., 2), along the larger gap; STAY if there."""
    d = dst - src
    rows = np.abs(d[..., 0]) >= np.abs(d[..., 1])
    vertical = np.where(d[..., 0] < 0, UP, DOWN)
    horizontal = np.where(d[..., 1] < 0, LEFT, RIGHT)
    return np.where((d == 0).all(-1), STAY, np.where(rows, vertical, horizontal))


def toward(src: NDArray, dst: NDArray) -> NDArray[np.int64]:
    """The cell one step from src towards dst (:func:`step_toward`'s move)."""
    return src + MOVES[step_toward(src, dst)]


def step_away(src: NDArray, danger: NDArray, size: int) -> NDArray[np.int64]:
    """The move action from src (n, 2) that increases the distance to ``danger`` (walls
    allowing) on a size × size grid."""
    d = src - danger
    rows = np.abs(d[:, 0]) >= np.abs(d[:, 1])
    vertical = np.where((d[:, 0] < 0) & (src[:, 0] > 0) | (src[:, 0] == size - 1), UP, DOWN)
    horizontal = np.where((d[:, 1] < 0) & (src[:, 1] > 0) | (src[:, 1] == size - 1), LEFT, RIGHT)
    return np.where(rows, vertical, horizontal)
