"""Statistics shared by the worlds, evaluation and reports: Wilson intervals of proportions and
means with percentile-bootstrap 95% confidence intervals."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def bootstrap_ci(
    values: ArrayLike, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0
) -> tuple[float, float]:
    """Percentile-bootstrap confidence interval of the mean of ``values``.

    Deterministic given ``seed``. A single value (or identical values) gives a zero-width
    interval; an empty input is an error.
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("bootstrap_ci needs at least one value")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1); got {confidence!r}")
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, (n_resamples, x.size))].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def mean_ci(values: ArrayLike, **kwargs: float) -> dict[str, float | list[float]]:
    """``{"mean": m, "ci95": [low, high], "n": n}`` for JSON output."""
    x = np.asarray(values, dtype=float).ravel()
    low, high = bootstrap_ci(x, **kwargs)
    return {"mean": float(x.mean()), "ci95": [low, high], "n": int(x.size)}


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of a proportion, within [0, 1] (rounding
    would put the bounds of 0 or n successes a hair outside, which prints as "-0%")."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(centre - half, 0.0)), float(min(centre + half, 1.0))
