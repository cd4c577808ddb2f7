"""Timing harness shared by every benchmark: warm-up, ≥ 5 timed repeats, median and spread,
and a description of the machine, so that figures from different runs can be compared."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np


def machine() -> dict[str, object]:
    """Cores, Python, numpy and (if importable) torch versions and threads."""
    info: dict[str, object] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }
    try:
        import torch
    except ImportError:
        return info
    info.update(torch=torch.__version__, torch_threads=torch.get_num_threads())
    return info


def time_repeats(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(name: str, unit: str, samples: list[float], **extra: object) -> dict:
    """A result from repeated measurements: median and (min, max), with date and machine."""
    return {
        "name": name,
        "value": statistics.median(samples),
        "unit": unit,
        "min": min(samples),
        "max": max(samples),
        "repeats": len(samples),
        "date": _dt.date.today().isoformat(),
        "machine": machine(),
        **extra,
    }


def rate_result(name: str, unit: str, work: float, seconds: list[float], **extra: object) -> dict:
    """A result for a rate (``work`` units per call): median and (min, max) over repeats."""
    return summary(name, unit, [work / s for s in seconds], **extra)
