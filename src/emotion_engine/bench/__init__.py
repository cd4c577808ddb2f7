"""Benchmarks: each measures one figure and returns a JSON-ready dict (see harness.py).

``BENCHMARKS`` maps a name to ``"module:function"``; the function takes ``quick: bool``
(fewer repeats, for smoke tests) and returns a list of result dicts. The scripts in the
repository's ``benchmarks/`` folder and ``emotion-engine bench`` both run these.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

BENCHMARKS: dict[str, str] = {
    "affect": "emotion_engine.bench.affect:run",
    "ppo": "emotion_engine.bench.ppo:run",
    "training": "emotion_engine.bench.training:run",
    "worlds": "emotion_engine.bench.worlds:run",
    "face": "emotion_engine.bench.face:run",
    "app": "emotion_engine.bench.app:run",
    "sweep": "emotion_engine.bench.sweep:run",
}


def load(name: str) -> Callable[..., list[dict]]:
    """The run function of a named benchmark."""
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; expected one of: {', '.join(BENCHMARKS)}")
    module, func = BENCHMARKS[name].split(":")
    return getattr(importlib.import_module(module), func)
