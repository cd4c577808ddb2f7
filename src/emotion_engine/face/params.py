"""The parametric face: one named vector of floats for the eyes, lids, brows and mouth.

In the spirit of Anki Cozmo's procedural face (docs/references.md, Face and display), every
expression is a point in one parameter space, so that blending emotions and animating
between them is arithmetic on vectors. Units are pixels of the 128x64 display, y pointing
down, except where a parameter says otherwise. Each eye's parameters are *mirrored*:
"outward" and "inner" mean the same on both sides, so a symmetric expression has equal left
and right values.

| parameter              | neutral | range        | meaning                                              |
|------------------------|---------|--------------|------------------------------------------------------|
| face_x, face_y         | 0       | ±16          | offset of the whole face, px (right, down)           |
| eye_x                  | 0       | ±12          | offset of the eye, px, outward                       |
| eye_y                  | 0       | ±12          | offset of the eye, px, down                          |
| eye_w, eye_h           | 24, 26  | 2–44         | eye width and height, px                             |
| eye_open               | 1       | 0–1          | 1 open, 0 closed to a line (blinks, winks)           |
| eye_slant              | 0       | ±0.6         | shear slope: + raises the outer side                 |
| eye_heart              | 0       | 0–1          | morph from rounded rectangle (0) to a heart (1)      |
| round_ui … round_lo    | 0.5     | 0–1          | corner roundness, upper/lower × inner/outer          |
| lid_u                  | 0       | 0–1          | upper lid: fraction of the eye covered at its middle |
| lid_u_angle            | 0       | ±1           | slope: + lowers the inner end (anger), − the outer   |
| lid_u_bend             | 0       | ±8           | px: + sags the middle of the lid edge                |
| lid_l                  | 0       | 0–1          | lower lid: fraction of the eye covered at its middle |
| lid_l_angle            | 0       | ±1           | slope: + raises the inner end                        |
| lid_l_bend             | 0       | ±8           | px: + pushes the middle of the lid edge up (smiling) |
| brow_y                 | 0       | −8–10        | brow raise, px (up)                                  |
| brow_angle             | 0       | ±0.8         | slope: + lowers the inner end (anger), − raises it   |
| brow_bend              | 0       | −4–6         | px: + arches the middle up                           |
| brow_w                 | 3       | 0–6          | brow thickness, px; 0 hides the brow                 |
| mouth_x, mouth_y       | 0       | ±20, ±10     | offset of the mouth, px (right, down)                |
| mouth_w                | 30      | 4–70         | mouth width, px                                      |
| mouth_curve            | 0       | ±14          | px the corners stand above the middle: + smile       |
| mouth_open             | 0       | 0–20         | opening at the middle, px                            |
| mouth_tilt             | 0       | ±8           | px the right corner is raised (a smirk)              |
| mouth_thick            | 3       | 1–6          | lip stroke thickness, px                             |

Per-eye parameters carry a side suffix in the vector (``eye_h_l``, ``eye_h_r``);
:meth:`FaceParams.replace` also takes the bare name and sets both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, Self, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from emotion_engine.text import clip as clip_text


class Param(NamedTuple):
    """One parameter: its name, neutral value, bounds and meaning."""

    name: str
    neutral: float
    low: float
    high: float
    doc: str


FACE_PARAMS: tuple[Param, ...] = (
    Param("face_x", 0.0, -16.0, 16.0, "offset of the whole face, px, right"),
    Param("face_y", 0.0, -16.0, 16.0, "offset of the whole face, px, down"),
)

EYE_PARAMS: tuple[Param, ...] = (
    Param("eye_x", 0.0, -12.0, 12.0, "offset of the eye, px, outward"),
    Param("eye_y", 0.0, -12.0, 12.0, "offset of the eye, px, down"),
    Param("eye_w", 24.0, 2.0, 44.0, "eye width, px"),
    Param("eye_h", 26.0, 2.0, 44.0, "eye height, px"),
    Param("eye_open", 1.0, 0.0, 1.0, "1 open, 0 closed to a line"),
    Param("eye_slant", 0.0, -0.6, 0.6, "shear slope, + raises the outer side"),
    Param("eye_heart", 0.0, 0.0, 1.0, "morph from rounded rectangle (0) to heart (1)"),
    Param("round_ui", 0.5, 0.0, 1.0, "roundness of the upper inner corner"),
    Param("round_uo", 0.5, 0.0, 1.0, "roundness of the upper outer corner"),
    Param("round_li", 0.5, 0.0, 1.0, "roundness of the lower inner corner"),
    Param("round_lo", 0.5, 0.0, 1.0, "roundness of the lower outer corner"),
    Param("lid_u", 0.0, 0.0, 1.0, "upper lid, fraction of the eye covered"),
    Param("lid_u_angle", 0.0, -1.0, 1.0, "upper lid slope, + lowers the inner end"),
    Param("lid_u_bend", 0.0, -8.0, 8.0, "upper lid bend, px, + sags the middle"),
    Param("lid_l", 0.0, 0.0, 1.0, "lower lid, fraction of the eye covered"),
    Param("lid_l_angle", 0.0, -1.0, 1.0, "lower lid slope, + raises the inner end"),
    Param("lid_l_bend", 0.0, -8.0, 8.0, "lower lid bend, px, + pushes the middle up"),
    Param("brow_y", 0.0, -8.0, 10.0, "brow raise, px, up"),
    Param("brow_angle", 0.0, -0.8, 0.8, "brow slope, + lowers the inner end"),
    Param("brow_bend", 0.0, -4.0, 6.0, "brow bend, px, + arches the middle up"),
    Param("brow_w", 3.0, 0.0, 6.0, "brow thickness, px, 0 hides it"),
)

MOUTH_PARAMS: tuple[Param, ...] = (
    Param("mouth_x", 0.0, -20.0, 20.0, "offset of the mouth, px, right"),
    Param("mouth_y", 0.0, -10.0, 10.0, "offset of the mouth, px, down"),
    Param("mouth_w", 30.0, 4.0, 70.0, "mouth width, px"),
    Param("mouth_curve", 0.0, -14.0, 14.0, "px the corners stand above the middle"),
    Param("mouth_open", 0.0, 0.0, 20.0, "opening at the middle, px"),
    Param("mouth_tilt", 0.0, -8.0, 8.0, "px the right corner is raised"),
    Param("mouth_thick", 3.0, 1.0, 6.0, "lip stroke thickness, px"),
)

SIDES: tuple[str, str] = ("l", "r")
"""Eye sides in vector order: left then right, as seen by the viewer."""

PARAMS: tuple[Param, ...] = (
    *FACE_PARAMS,
    *(p._replace(name=f"{p.name}_{side}") for side in SIDES for p in EYE_PARAMS),
    *MOUTH_PARAMS,
)
"""Every parameter in vector order: face, left eye, right eye, mouth."""

NAMES: tuple[str, ...] = tuple(p.name for p in PARAMS)
N_PARAMS = len(PARAMS)
N_EYE = len(EYE_PARAMS)

NEUTRAL = np.array([p.neutral for p in PARAMS])
LOW = np.array([p.low for p in PARAMS])
HIGH = np.array([p.high for p in PARAMS])
_INDEX = {name: i for i, name in enumerate(NAMES)}
_SYMMETRIC = {p.name for p in EYE_PARAMS}
T = TypeVar("T")


def lookup(table: Mapping[str, T], name: str, what: str) -> T:
    """``table[name]``, or a ValueError naming ``what`` was unknown and listing the names."""
    try:
        return table[name]
    except KeyError:
        raise ValueError(
            f"unknown {what} {clip_text(repr(name))}; expected one of: {', '.join(table)}"
        ) from None


def param_index(name: str) -> int:
    """Index of a parameter in the vector, with an error that lists the valid names."""
    return lookup(_INDEX, name, "face parameter")


def clip(values: ArrayLike) -> NDArray[np.float64]:
    """Parameter vectors (..., N_PARAMS) clipped to their bounds."""
    return np.clip(np.asarray(values, dtype=float), LOW, HIGH)


@dataclass(frozen=True)
class FaceParams:
    """A face: an immutable vector of :data:`N_PARAMS` floats, in the order of :data:`NAMES`.

    Build one with :meth:`neutral` or :meth:`make` and change it with :meth:`replace`;
    ``face["eye_h_l"]`` reads one value and ``face.values`` is the (read-only) vector that
    blending and animation work on.
    """

    values: NDArray[np.float64]

    def __post_init__(self) -> None:
        v = np.array(self.values, dtype=float)
        if v.shape != (N_PARAMS,):
            raise ValueError(f"a face has {N_PARAMS} parameters; got shape {v.shape}")
        if not np.all(np.isfinite(v)):
            bad = [NAMES[i] for i in np.flatnonzero(~np.isfinite(v))]
            raise ValueError(f"face parameters must be finite; not: {', '.join(bad)}")
        v.flags.writeable = False
        object.__setattr__(self, "values", v)

    @classmethod
    def neutral(cls) -> Self:
        """The neutral face (every parameter at its neutral value)."""
        return cls(NEUTRAL)

    @classmethod
    def make(cls, **changes: float) -> Self:
        """The neutral face with some parameters changed (see :meth:`replace`)."""
        return cls.neutral().replace(**changes)

    def replace(self, **changes: float) -> Self:
        """A copy with parameters changed; a bare per-eye name (``lid_u``) sets both eyes."""
        v = self.values.copy()
        for name, value in changes.items():
            names = [f"{name}_{s}" for s in SIDES] if name in _SYMMETRIC else [name]
            for n in names:
                v[param_index(n)] = value
        return type(self)(v)

    def __getitem__(self, name: str) -> float:
        return float(self.values[param_index(name)])

    def clipped(self) -> Self:
        """A copy with every parameter inside its bounds."""
        return type(self)(clip(self.values))

    def as_dict(self) -> dict[str, float]:
        """Name → value, for JSON output."""
        return {n: float(x) for n, x in zip(NAMES, self.values, strict=True)}

    @classmethod
    def from_dict(cls, values: Mapping[str, float]) -> Self:
        """A face from name → value; names not given keep their neutral value."""
        return cls.make(**values)
