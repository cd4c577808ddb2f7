"""Sharing a run: its settings in the page's link, and the episode as JSON and as a GIF.

A link ``/?scenario=crisis&steps=120&seed=7&policy=untrained`` fills the inputs when the page
opens (:func:`settings_from_query`; a bad value leaves its input at the default and
:func:`ignored_notice` says so in one line) and :data:`URL_JS` writes the settings into the
address bar when a run starts; a link with settings runs at once (:data:`RUN_FROM_LINK_JS`).
An episode is deterministic in its settings, so the link reproduces the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from emotion_engine.affect import EMOTIONS, MODULATORS, PRIMITIVES
from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.app.episode import WHO, StepRecord
from emotion_engine.app.inputs import (
    MAX_SEED,
    MAX_STEPS,
    MIN_STEPS,
    POLICY_LABELS,
    SCENARIO_LABELS,
    InvalidInput,
    choice,
    whole_number,
)
from emotion_engine.gif import frame_ms, write_gif
from emotion_engine.text import clip

QUERY_KEYS = ("scenario", "steps", "seed", "policy")
_CHECKS: dict[str, Callable[[str], object]] = {
    "scenario": lambda v: choice("scenario", v, SCENARIO_LABELS),
    "steps": lambda v: whole_number("steps", v, MIN_STEPS, MAX_STEPS),
    "seed": lambda v: whole_number("seed", v, 0, MAX_SEED),
    "policy": lambda v: choice("policy", v, POLICY_LABELS),
}
URL_JS = """
(scenario, steps, seed, policy, ...rest) => {
  const query = new URLSearchParams({scenario, steps, seed, policy});
  history.replaceState(null, "", "?" + query.toString());
  return [scenario, steps, seed, policy, ...rest];
}
"""
"""Run in the browser as a run starts: the settings (the event's first four inputs) into the
page's address, the inputs passed on unchanged."""
RUN_FROM_LINK_JS = (
    "() => { const query = new URLSearchParams(window.location.search); "
    f"if ({json.dumps(QUERY_KEYS)}.some((key) => query.has(key))) "
    'document.querySelector("#run")?.click(); }'
)
"""Run in the browser once a link's settings have filled the inputs: a link with settings
replays its run."""
GIF_FPS = 10.0
GAP = 8
"""Pixels between the world and the faces in a GIF frame."""


def settings_from_query(
    query: Mapping[str, str], defaults: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """The run settings a link asks for, each checked as the page checks it: ``defaults``
    with every valid ``scenario``, ``steps``, ``seed`` and ``policy`` of ``query`` in their
    place; and one "key=value (why)" per value ignored. Other keys are not settings."""
    values = dict(defaults)
    ignored = []
    for key, check in _CHECKS.items():
        if key not in query:
            continue
        try:
            values[key] = check(query[key])
        except InvalidInput as e:
            ignored.append(f"{key}={clip(query[key])} ({e})")
    return values, ignored


def ignored_notice(ignored: Sequence[str]) -> str:
    """One line saying which of a link's values were ignored; empty if none."""
    if not ignored:
        return ""
    return "Ignored from the link, kept the default: " + "; ".join(ignored)


def record_json(r: StepRecord) -> dict[str, object]:
    """One step's record as JSON: per agent (parent, child) its levels by name, and the
    happenings in words."""

    def named(values: NDArray, names: Sequence[str]) -> dict[str, dict[str, float]]:
        return {
            who: dict(zip(names, map(float, v), strict=True))
            for who, v in zip(WHO, values, strict=True)
        }

    return {
        "t": r.t,
        "health": dict(zip(WHO, map(float, r.health), strict=True)),
        "hunger": dict(zip(WHO, map(float, r.hunger), strict=True)),
        "modulators": named(r.modulators, MODULATORS),
        "emotions": named(r.emotions, EMOTIONS),
        "primitives": named(r.primitives, PRIMITIVES),
        "complex_emotions": None
        if r.complex_emotions is None
        else named(r.complex_emotions, COMPLEX_EMOTIONS),
        "happenings": [{"kind": h.kind, "words": h.words} for h in r.happenings],
    }


def episode_json(summary: Mapping, records: Sequence[StepRecord]) -> dict[str, object]:
    """The whole episode as JSON: its summary and the record of every step."""
    return {"summary": dict(summary), "records": [record_json(r) for r in records]}


def file_stem(summary: Mapping) -> str:
    """A download's name without suffix, from the run's settings."""
    return (
        f"emotion-engine-{summary['scenario']}-{summary['max_steps']}-steps-seed-"
        f"{summary['seed']}-{summary['policy']}"
    )


def film_frame(world: NDArray[np.uint8], faces: Sequence[Image.Image]) -> Image.Image:
    """One GIF frame: the world on the left, both faces stacked on the right at its height."""
    height, width = world.shape[:2]
    face_h = (height - GAP) // 2
    face_w = face_h * faces[0].width // faces[0].height
    frame = Image.new("RGB", (width + GAP + face_w, height), "white")
    frame.paste(Image.fromarray(world), (0, 0))
    for i, face in enumerate(faces):
        frame.paste(
            face.resize((face_w, face_h), Image.Resampling.NEAREST),
            (width + GAP, i * (face_h + GAP)),
        )
    return frame


def write_film(
    frames: Sequence[tuple[NDArray[np.uint8], Sequence[Image.Image]]], path: Path
) -> Path:
    """Write the (world, faces) frames as a looping GIF at :data:`GIF_FPS`; returns ``path``."""
    with path.open("wb") as file:
        write_gif((film_frame(w, f) for w, f in frames), file, frame_ms(GIF_FPS))
    return path
