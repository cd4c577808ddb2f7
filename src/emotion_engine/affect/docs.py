"""Markdown tables of the emotion model's parameters, for docs/affect.md (kept in sync by a test)."""

from __future__ import annotations

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.primary import EMOTION_WEIGHTS, EMOTIONS
from emotion_engine.affect.social import EVENT_DRIVE, EVENTS, appraisal_table
from emotion_engine.affect.temperaments import temperament


def _matrix_table(corner: str, rows: tuple[str, ...], cols: tuple[str, ...], m) -> str:
    lines = [f"| {corner} | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, row in zip(rows, m, strict=True):
        lines.append(f"| {name} | " + " | ".join(f"{w:g}" if w else "" for w in row) + " |")
    return "\n".join(lines)


def parameter_table() -> str:
    """The balanced temperament's r, K, s, M per modulator, with half-lives."""
    p = temperament()
    lines = [
        "| modulator | r (1/s) | K | s (1/s) | M | decay half-life (s) |",
        "|---|---|---|---|---|---|",
    ]
    for i, name in enumerate(MODULATORS):
        half = 0.6931471805599453 / p.decay[i]
        lines.append(
            f"| {name} | {p.growth[i]:g} | {p.capacity[i]:g} | {p.decay[i]:g} | {p.baseline[i]:g} | {half:.0f} |"
        )
    return "\n".join(lines)


def tables() -> dict[str, str]:
    """Every generated table by name, as it appears in docs/affect.md."""
    return {
        "parameters": parameter_table(),
        "emotion_weights": _matrix_table("emotion", EMOTIONS, MODULATORS, EMOTION_WEIGHTS),
        "event_drive": _matrix_table("event", EVENTS, MODULATORS, EVENT_DRIVE),
        "appraisal": appraisal_table(),
    }


if __name__ == "__main__":
    for name, table in tables().items():
        print(f"<!-- {name} -->\n{table}\n")
