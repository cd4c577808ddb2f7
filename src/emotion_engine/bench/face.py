"""Benchmark: frames per second of drawing the 128x64 face, paired with pycozmo.

Three figures, each the median of timed repeats of a batch of frames:

- ``face_render``: :func:`emotion_engine.face.renderer.render`, parameters → 128x64 mode "1"
  image, cycling through the nine expression presets;
- ``pycozmo_render``: pycozmo's ``ProceduralFace.render`` (the nearest Python peer, a dev-only
  dependency), the same job, cycling through nine of its expressions; timed A B A B with the
  first in one run, and the ratio reported (these machines are noisy; ratios drift less);
- ``face_pipeline``: one live frame end to end: blend from an emotion distribution,
  animation step, render, SSD1306 packing.

Goal (issue 5): at least as fast as pycozmo, and ≥ 2,000 frames/s on one core.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import numpy as np

from emotion_engine.bench.harness import rate_result, time_repeats
from emotion_engine.face import PRESETS, Animator, face_from_emotions, pack, render

PYCOZMO_EXPRESSIONS = (
    "Neutral", "Anger", "Sadness", "Happiness", "Surprise", "Fear", "Disgust", "Boredom",
    "Amazement",
)  # fmt: skip


def _cycle(calls: list[Callable[[], object]], frames: int) -> Callable[[], None]:
    def work() -> None:
        for i in range(frames):
            calls[i % len(calls)]()

    return work


def _pycozmo_work(frames: int) -> Callable[[], None] | None:
    try:
        from pycozmo import expressions
    except ImportError:
        return None
    faces = [getattr(expressions, name)() for name in PYCOZMO_EXPRESSIONS]
    return _cycle([f.render for f in faces], frames)


def _pipeline_work(frames: int) -> Callable[[], None]:
    rng = np.random.default_rng(0)
    emotions = rng.dirichlet(np.ones(7) * 0.3, size=frames)
    animator = Animator(seed=0)

    def work() -> None:
        for p in emotions:
            animator.target = face_from_emotions(p)
            pack(render(animator.update(1.0 / 30.0)))

    return work


def run(quick: bool = False) -> list[dict]:
    """Frames/s of our renderer and pycozmo's (alternating), and of the live pipeline."""
    frames = 50 if quick else 1000
    repeats = 2 if quick else 7
    faces = list(PRESETS.values())
    ours = _cycle([lambda f=f: render(f) for f in faces], frames)
    peer = _pycozmo_work(frames)
    ours_s: list[float] = []
    peer_s: list[float] = []
    for i in range(repeats):  # A B A B …, one warm-up call each first
        ours_s += time_repeats(ours, repeats=1, warmup=1 if i == 0 else 0)
        if peer is not None:
            peer_s += time_repeats(peer, repeats=1, warmup=1 if i == 0 else 0)
    result = rate_result("face_render", "frames/s", frames, ours_s, size="128x64")
    results = [result]
    if peer is not None:
        peer_result = rate_result("pycozmo_render", "frames/s", frames, peer_s, size="128x64")
        ratio = statistics.median(p / o for p, o in zip(peer_s, ours_s, strict=True))
        result["vs_pycozmo"] = ratio
        peer_result["note"] = (
            "pycozmo.procedural_face.ProceduralFace.render, A B A B with face_render"
        )
        results.append(peer_result)
    pipeline = time_repeats(_pipeline_work(frames), repeats=repeats)
    results.append(
        rate_result(
            "face_pipeline",
            "frames/s",
            frames,
            pipeline,
            note="emotion distribution → blend → animation step → render → SSD1306 bytes",
        )
    )
    return results
