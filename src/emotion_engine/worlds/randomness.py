"""Counter-based random numbers of the worlds: every draw is a hash of (key, step, stream, i).

Each env carries a 64-bit episode key; the i-th number of a stream at step t is splitmix64
seeded with the key, read at position ``(t << 12) + (stream << 6) + i``. So an env's
trajectory depends only on its seed and its actions — never on the batch it runs in — and
drawing needs no Python loop over envs. The position splits into fields: a stream holds
:data:`STREAM_WIDTH` numbers per step and a step :data:`N_STREAMS` streams;
:func:`uniform` refuses draws that would run into the next stream or step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_NEXT_EPISODE = np.uint64(0xD1B54A32D192ED03)

_INDEX_BITS, _STREAM_BITS = 6, 6
STREAM_WIDTH = 1 << _INDEX_BITS
"""Numbers one stream can give per step."""
N_STREAMS = 1 << _STREAM_BITS
"""Streams per step."""

# the streams, one per purpose (food uses one per agent: 4 … 7 for up to four agents)
RESET_STREAM, EAT_STREAM, THREAT_STREAM, FOOD_STREAM = 1, 2, 3, 4
PREY_STREAM = 8
"""The child a new threat goes for (families of several children)."""
FAMILY_STREAM = 9
"""At reset, where the children after the first start (families of several children)."""


def mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The splitmix64 finaliser: a bijective hash of uint64 arrays (wraps silently)."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def seed_keys(seeds: ArrayLike) -> NDArray[np.uint64]:
    """Episode keys from non-negative integer seeds, shape (n,)."""
    s = np.atleast_1d(np.asarray(seeds))
    if s.ndim != 1 or not np.issubdtype(s.dtype, np.integer) or np.any(s < 0):
        raise ValueError(f"seeds must be non-negative integers, one per env; got {seeds!r}")
    return mix(s.astype(np.uint64) + _GOLDEN)


def next_keys(keys: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The key of each env's next episode."""
    return mix(keys ^ _NEXT_EPISODE)


def uniform(keys: NDArray[np.uint64], t: NDArray, stream: int, k: int) -> NDArray[np.float64]:
    """k uniform numbers in [0, 1) per env, shape (n, k), from (key, step, stream).

    Raises:
        ValueError: ``stream`` outside ``0 .. N_STREAMS − 1`` or ``k`` outside
            ``0 .. STREAM_WIDTH`` (the draws would overlap another stream's).
    """
    if not 0 <= stream < N_STREAMS:
        raise ValueError(f"stream must be in 0..{N_STREAMS - 1}; got {stream}")
    if not 0 <= k <= STREAM_WIDTH:
        raise ValueError(f"a stream gives at most {STREAM_WIDTH} numbers per step; asked {k}")
    counter = (t.astype(np.uint64)[:, None] << np.uint64(_INDEX_BITS + _STREAM_BITS)) + np.uint64(
        stream << _INDEX_BITS
    )
    x = mix(keys[:, None] + (counter + np.arange(k, dtype=np.uint64)) * _GOLDEN)
    return (x >> np.uint64(11)) * (1.0 / (1 << 53))


def cells(u: NDArray[np.float64], size: int) -> NDArray[np.int64]:
    """Grid coordinates from uniforms: (n, 2k) → (n, k, 2)."""
    return (u * size).astype(np.int64).reshape(u.shape[0], -1, 2)
