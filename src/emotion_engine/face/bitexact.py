"""Logarithm, exponential and power computed bit for bit alike by numpy and by C.

numpy's ``**`` may use SIMD routines (SVML on AVX-512) that differ from the C library's
``pow`` in the last bit, and a pixel-centre threshold can flip on one bit. These functions
use only operations that IEEE 754 rounds exactly — ``+ − × ÷``, ``floor``, ``frexp``,
``ldexp`` — in a fixed order, so numpy here and the exported C renderer
(:mod:`emotion_engine.face.c_export`) get the same bits on any machine. Accuracy: a few
units in the last place (series truncated below 1e-16).

- ``log(x)``: x = m·2ᵉ with m in [√½, √2); ln m = 2s·Σ s²ᵏ/(2k + 1), s = (m − 1)/(m + 1).
- ``exp(z)``: z = k·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in two for an exact k·ln 2);
  eʳ by its Taylor series to r¹³; then scaled by 2ᵏ.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

LOG_SERIES: tuple[float, ...] = tuple(1.0 / (2 * k + 1) for k in range(10))
"""Coefficients of the series of ln m in s² (1, 1/3, 1/5, …)."""
EXP_SERIES: tuple[float, ...] = tuple(1.0 / math.factorial(k) for k in range(14))
"""Coefficients of the Taylor series of eʳ (1/k!)."""
LN2 = math.log(2.0)
LN2_HI = float.fromhex("0x1.62e42fee00000p-1")
"""ln 2 to 32 bits, so that k·LN2_HI is exact for the k that occur."""
LN2_LO = LN2 - LN2_HI
INV_LN2 = 1.0 / LN2
SQRT_HALF = math.sqrt(0.5)


def _horner(coeffs: tuple[float, ...], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Σ coeffs[k]·xᵏ, highest power first."""
    p = np.full_like(x, coeffs[-1])
    for c in coeffs[-2::-1]:
        np.multiply(p, x, out=p)
        np.add(p, c, out=p)
    return p


def log(x: ArrayLike) -> NDArray[np.float64]:
    """Natural logarithm of x > 0 (finite)."""
    m, e = np.frexp(np.asarray(x, dtype=float))
    low = m < SQRT_HALF
    m = np.where(low, m * 2.0, m)
    e = np.where(low, e - 1, e)
    s = (m - 1.0) / (m + 1.0)
    return e * LN2 + 2.0 * s * _horner(LOG_SERIES, s * s)


def exp(z: ArrayLike) -> NDArray[np.float64]:
    """e**z for finite z ≤ 0 (larger z are fine up to overflow)."""
    z = np.asarray(z, dtype=float)
    k = np.floor(z * INV_LN2 + 0.5)
    r = (z - k * LN2_HI) - k * LN2_LO
    return np.ldexp(_horner(EXP_SERIES, r), k.astype(np.int32))


def power(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """x**y for x in [0, 1] and y > 0 (0**y = 0)."""
    x = np.asarray(x, dtype=float)
    positive = x > 0.0
    return np.where(positive, exp(y * log(np.where(positive, x, 1.0))), 0.0)
