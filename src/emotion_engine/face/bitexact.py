"""Base-2 logarithm and exponential, and powers, computed bit for bit alike by numpy and C.

numpy's ``**`` may use SIMD routines (SVML on AVX-512) that differ from the C library's
``pow`` in the last bit, and a pixel-centre threshold can flip on one bit. These functions
use only operations that IEEE 754 rounds exactly — ``+ − × ÷``, ``floor``, ``frexp``,
``ldexp`` and table look-ups — in a fixed order, so numpy here and the exported C renderer
(:mod:`emotion_engine.face.c_export`) get the same bits on any machine. They agree with the
C library's to about 1e-14 (relative).

- ``log2(x)``: x = m·2ᵉ with m in [½, 1); c = ⌊128m⌋/128 (a table holds log₂ c); with
  u = (m − c)/(m + c) < 1/128, log₂(m/c) = (2/ln 2)·u·(1 + u²/3 + u⁴/5).
- ``exp2(w)``: w = k/64 + r with k = round(64w), so r = w − k/64 (exact) in [−1/128, 1/128];
  2ʳ by its Taylor series to r⁵, times 2^(j/64) from a table (j = k mod 64), scaled by
  2^⌊k/64⌋.
- ``power(x, y)`` = exp2(y·log2 x) for x in [0, 1], y > 0 (0 for x = 0).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

TABLE_BITS = 6
"""log2's table has 2**TABLE_BITS entries for m in [½, 1); exp2's as many for 2^(j/64)."""
N_TABLE = 2**TABLE_BITS
LOG2_TABLE: tuple[float, ...] = tuple(
    math.log2((N_TABLE + i) / (2 * N_TABLE)) for i in range(N_TABLE)
)
"""log₂ c for c = (64 + i)/128, i = 0 … 63."""
EXP2_TABLE: tuple[float, ...] = tuple(2.0 ** (j / N_TABLE) for j in range(N_TABLE))
"""2^(j/64), j = 0 … 63."""
LOG2_SERIES: tuple[float, ...] = tuple(2.0 / math.log(2.0) / (2 * k + 1) for k in range(3))
"""Coefficients of log₂(m/c)/u in u² ((2/ln 2)·(1, 1/3, 1/5))."""
EXP2_SERIES: tuple[float, ...] = tuple(math.log(2.0) ** k / math.factorial(k) for k in range(6))
"""Coefficients of 2ʳ in r ((ln 2)ᵏ/k!)."""
_LOG2 = np.array(LOG2_TABLE)
_EXP2 = np.array(EXP2_TABLE)


def _horner(coeffs: tuple[float, ...], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Σ coeffs[k]·xᵏ, highest power first."""
    p = x * coeffs[-1]
    p += coeffs[-2]
    for c in coeffs[-3::-1]:
        p *= x
        p += c
    return p


def log2(x: ArrayLike) -> NDArray[np.float64]:
    """Base-2 logarithm of x > 0 (finite)."""
    m, e = np.frexp(np.asarray(x, dtype=float))
    f = np.floor(m * (2.0 * N_TABLE))
    c = f * (0.5 / N_TABLE)
    u = (m - c) / (m + c)
    p = _horner(LOG2_SERIES, u * u)
    p *= u
    return (e + _LOG2.take(f.astype(np.intp) - N_TABLE)) + p


def exp2(w: ArrayLike) -> NDArray[np.float64]:
    """2**w for finite w ≤ 0 (larger w are fine up to overflow)."""
    w = np.asarray(w, dtype=float)
    k = np.floor(w * N_TABLE + 0.5)
    p = _horner(EXP2_SERIES, w - k * (1.0 / N_TABLE))
    k = k.astype(np.int64)
    p *= _EXP2.take(k & (N_TABLE - 1))
    return np.ldexp(p, (k >> TABLE_BITS).astype(np.int32))


def power(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """x**y for x in [0, 1] and y > 0 (0**y = 0)."""
    x = np.asarray(x, dtype=float)
    positive = x > 0.0
    return np.where(positive, exp2(y * log2(np.where(positive, x, 1.0))), 0.0)
