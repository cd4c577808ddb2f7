"""Helpers for reading features back from rendered pixels (tests only)."""

import numpy as np

from emotion_engine.face.renderer import feature_runs, render

MOUTH_ROWS = slice(43, 64)
"""Rows below every preset's eyes: only the mouth is lit here."""


def pixels(face) -> np.ndarray:
    """The face's (64, 128) boolean frame."""
    return np.asarray(render(face), dtype=bool)


def eye_pixels(face) -> int:
    """Lit pixels of the smaller of the two eyes (the renderer's runs of its eye features)."""
    tops, bottoms = feature_runs(face, np.arange(128) + 0.5)
    rows = np.arange(64)[:, None] + 0.5
    return min(int(((rows >= tops[k]) & (rows < bottoms[k])).sum()) for k in (0, 1))


def column_runs(mask: np.ndarray) -> dict[int, tuple[int, int]]:
    """Column → (first lit row, last lit row), for the lit columns of ``mask``."""
    out = {}
    for x in np.flatnonzero(mask.any(axis=0)):
        rows = np.flatnonzero(mask[:, x])
        out[int(x)] = (int(rows[0]), int(rows[-1]))
    return out


def mouth_curvature(face) -> float:
    """Top edge of the mouth at its middle minus at its corners, px: > 0 curves up (smile)."""
    runs = column_runs(pixels(face)[MOUTH_ROWS])
    xs = sorted(runs)
    ends = [runs[x][0] for x in xs[:3] + xs[-3:]]
    middle = [runs[x][0] for x in xs[len(xs) // 2 - 1 : len(xs) // 2 + 2]]
    return float(np.mean(middle) - np.mean(ends))


def mouth_height(face) -> int:
    """Tallest column of the mouth, px."""
    return max(b - a + 1 for a, b in column_runs(pixels(face)[MOUTH_ROWS]).values())


def left_brow_centres(face) -> dict[int, float]:
    """Column → centre row of the topmost run (the brow) over the left eye."""
    mask = pixels(face)[:32, :64]
    out = {}
    for x in np.flatnonzero(mask.any(axis=0)):
        rows = np.flatnonzero(mask[:, x])
        first_gap = np.flatnonzero(np.diff(rows) > 1)
        end = rows[first_gap[0]] if first_gap.size else rows[-1]
        out[int(x)] = (rows[0] + end) / 2.0
    return out
