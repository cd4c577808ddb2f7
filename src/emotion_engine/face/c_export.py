"""The face as a dependency-free C99 library: ``emotion_face.h`` and ``emotion_face.c``.

The C code (package data in ``face/c/``) follows the Python functions operation for
operation; every named number in it — parameter order and bounds, presets, renderer
constants, spring and blink timings, the series of :mod:`.bitexact` — is written here from
the Python definitions (a few literals inside formulas, such as the eye-roundness exponent's
2 + 18·(1 − roundness)², are written in both, as in the Python source). The C frames equal the Python frames bit for bit
(tests/test_face_c.py); ``examples/c/render.c`` is a command-line harness and
``examples/arduino/emotion_face/`` drives an SSD1306 with it (docs/face.md).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from string import Template

from emotion_engine import __version__
from emotion_engine.face import bitexact, renderer
from emotion_engine.face.expressions import EXPRESSIONS, MAX_INTENSITY, PRESETS
from emotion_engine.face.params import EYE_PARAMS, HIGH, LOW, N_EYE, NAMES, NEUTRAL
from emotion_engine.face.schedule import DEFAULT_SEED, LN2, TIMING
from emotion_engine.face.ssd1306 import FRAME_BYTES

FILES: tuple[str, str] = ("emotion_face.h", "emotion_face.c")
"""The files :func:`export_c` writes."""


def _number(x: float) -> str:
    """A C double literal that reads back as exactly ``x`` (repr round-trips)."""
    return repr(float(x))


def _defines(pairs: Iterable[tuple[str, object]]) -> str:
    """``#define`` lines; floats as exact literals, negative ones in parentheses."""
    texts = ((name, _number(v) if isinstance(v, float) else str(v)) for name, v in pairs)
    return "\n".join(
        f"#define {name} {f'({text})' if text.startswith('-') else text}" for name, text in texts
    )


def _numbers(values: Iterable[float], indent: str) -> str:
    """Comma-separated C literals, wrapped at 96 columns."""
    text = ", ".join(_number(x) for x in values)
    return textwrap.fill(text, 96, initial_indent=indent, subsequent_indent=indent)


def _array(name: str, values: Sequence[float], size: str) -> str:
    return f"static const double {name}[{size}] = {{\n{_numbers(values, '    ')}\n}};"


def _header_defines() -> str:
    sizes = {
        "EF_WIDTH": renderer.WIDTH,
        "EF_HEIGHT": renderer.HEIGHT,
        "EF_FRAME_BYTES": FRAME_BYTES,
        "EF_N_PARAMS": len(NAMES),
        "EF_N_EYE": N_EYE,
        "EF_N_PRESETS": len(EXPRESSIONS),
        "EF_MAX_INTENSITY": float(MAX_INTENSITY),
        "EF_FOLLOW_RATE": float(TIMING.follow_rate),
        "EF_DEFAULT_SEED": DEFAULT_SEED,
    }
    return "\n\n".join(
        (
            _defines(sizes.items()),
            "/* Presets (ef_preset_names, ef_preset, ef_blend's weights). */",
            _defines((f"EF_{name.upper()}", i) for i, name in enumerate(EXPRESSIONS)),
            "/* Face parameters: indices into ef_face.v (see params.py for their meaning). */",
            _defines((f"EF_{name.upper()}", i) for i, name in enumerate(NAMES)),
            "/* An eye's parameters: offsets from EF_EYE_X_L (left) or EF_EYE_X_R (right). */",
            _defines((f"EF_E_{p.name.upper()}", i) for i, p in enumerate(EYE_PARAMS)),
        )
    )


def _source_constants() -> str:
    close, hold, reopen = TIMING.blink_phases
    low, mean = TIMING.blink_gap
    numbers = {
        "EYE_SPACING": renderer.EYE_SPACING,
        "EYE_Y": renderer.EYE_Y,
        "BROW_GAP": renderer.BROW_GAP,
        "BROW_OVERHANG": renderer.BROW_OVERHANG,
        "MOUTH_Y": renderer.MOUTH_Y,
        "CLOSED_LINE": renderer.CLOSED_LINE,
        "NO_LID": renderer.NO_LID[0],
        "BLINK_CLOSE": close,
        "BLINK_HOLD": hold,
        "BLINK_REOPEN": reopen,
        "BLINK_GAP_LOW": low,
        "BLINK_GAP_MEAN": mean,
        "DOUBLE_BLINK": TIMING.double_blink,
        "DOUBLE_BLINK_GAP": TIMING.double_blink_gap,
        "LN2": LN2,
    }
    presets = ",\n".join(
        f"    /* {name} */ {{\n{_numbers(PRESETS[name].values, '        ')}\n    }}"
        for name in EXPRESSIONS
    )
    names = ", ".join(f'"{name}"' for name in EXPRESSIONS)
    return "\n".join(
        (
            _defines((name, float(x)) for name, x in numbers.items()),
            f"#define N_TABLE {bitexact.N_TABLE}",
            f"#define N_LOG2_SERIES {len(bitexact.LOG2_SERIES)}",
            f"#define N_EXP2_SERIES {len(bitexact.EXP2_SERIES)}",
            _array("LOG2_TABLE", bitexact.LOG2_TABLE, "N_TABLE"),
            _array("EXP2_TABLE", bitexact.EXP2_TABLE, "N_TABLE"),
            _array("LOG2_SERIES", bitexact.LOG2_SERIES, "N_LOG2_SERIES"),
            _array("EXP2_SERIES", bitexact.EXP2_SERIES, "N_EXP2_SERIES"),
            _array("NEUTRAL", NEUTRAL, "EF_N_PARAMS"),
            _array("LOW", LOW, "EF_N_PARAMS"),
            _array("HIGH", HIGH, "EF_N_PARAMS"),
            f"static const double PRESETS[EF_N_PRESETS][EF_N_PARAMS] = {{\n{presets}\n}};",
            f"const char *const ef_preset_names[EF_N_PRESETS] = {{{names}}};",
        )
    )


def c_sources() -> dict[str, str]:
    """File name → text of the exported header and source."""
    folder = resources.files("emotion_engine.face") / "c"
    values = {
        "version": __version__,
        "defines": _header_defines(),
        "constants": _source_constants(),
    }
    return {
        name: Template((folder / f"{name}.in").read_text()).substitute(values) for name in FILES
    }


def export_c(folder: Path) -> list[Path]:
    """Writes the header and source into ``folder`` (created if missing); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in c_sources().items():
        path = folder / name
        path.write_text(text)
        paths.append(path)
    return paths
