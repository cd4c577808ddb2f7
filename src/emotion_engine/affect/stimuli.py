"""The stimulus grammar: one line of text names a dose or a held drive on one modulator.

    NAME=DRIVE          a drive u in [0, 1] held on NAME (``dopamine=0.8``; ``NAME=0`` ends it)
    NAME+AMOUNT         a dose: AMOUNT (≥ 0) added to NAME's level at once (``oxytocin+0.3``)
    NAME AMOUNT         the same dose (``oxytocin 0.3``)

NAME is a modulator (``dopamine``) or a primary emotion (``joy``, meaning the modulator that
carries it in the seed's pairing). A *schedule* (``emotion-engine affect``) says when each
stimulus acts: ``NAME=DRIVE@START-END`` holds the drive for START ≤ t < END seconds and
``NAME+AMOUNT@TIME`` gives the dose at TIME. Live stimuli (the face, the lab) act now and
carry no time. Every malformed line raises a one-line ValueError that names the bad token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.primary import EMOTION_MODULATOR, EMOTIONS
from emotion_engine.text import clip

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_LINE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:(?P<op>[=+])|\s)\s*(?P<value>[^@\s]+)\s*(?:@(?P<when>.*))?$"
)
_FORMS = {
    True: "NAME=DRIVE@START-END (e.g. dopamine=1.0@0-5) or NAME+AMOUNT@TIME (e.g. oxytocin+0.3@10)",
    False: "NAME=DRIVE (e.g. dopamine=0.8) or NAME+AMOUNT / NAME AMOUNT (e.g. oxytocin 0.3)",
}


@dataclass(frozen=True)
class Stimulus:
    """A dose (``held`` False) or a held drive of ``amount`` on one modulator.

    ``start`` is None for a stimulus that acts now; in a schedule a dose acts at ``start``
    and a drive is held for ``start`` ≤ t < ``end``.
    """

    modulator: str
    amount: float
    held: bool
    start: float | None = None
    end: float | None = None


def _quoted(text: str) -> str:
    """``text`` quoted for a message, cut (:func:`emotion_engine.text.clip`)."""
    return clip(repr(text))


def parse_stimulus(text: str, *, timed: bool) -> Stimulus:
    """Parse one stimulus line: the schedule form if ``timed``, else the form that acts now."""
    line = text.strip()
    m = _LINE.match(line)
    if m is None:
        raise ValueError(f"malformed stimulus {_quoted(line)}; write {_FORMS[timed]}")
    held = m["op"] == "="
    modulator = _modulator(m["name"], line)
    amount = _number(m["value"], line)
    if held and not 0.0 <= amount <= 1.0:
        raise ValueError(
            f"stimulus {_quoted(line)}: drive must lie in [0, 1]; got {clip(m['value'])}"
        )
    if not held and amount < 0:
        raise ValueError(f"stimulus {_quoted(line)}: a dose must be >= 0; got {clip(m['value'])}")
    when = m["when"]
    if not timed:
        if when is not None:
            raise ValueError(
                f"stimulus {_quoted(line)}: {_quoted('@' + when)} — a live stimulus takes no time"
            )
        return Stimulus(modulator, amount, held)
    if when is None:
        raise ValueError(f"stimulus {_quoted(line)}: a schedule needs a time; write {_FORMS[True]}")
    when = when.replace(" ", "")
    if not held:
        start = _number(when, line)
        if start < 0:
            raise ValueError(f"stimulus {_quoted(line)}: need TIME >= 0; got {clip(when)}")
        return Stimulus(modulator, amount, held, start)
    span = re.fullmatch(rf"({_NUMBER.pattern})-({_NUMBER.pattern})", when)
    if span is None:
        raise ValueError(
            f"stimulus {_quoted(line)}: a drive needs @START-END (e.g. @0-5); got @{clip(when)}"
        )
    start, end = _number(span[1], line), _number(span[2], line)
    if start < 0 or end <= start:
        raise ValueError(f"stimulus {_quoted(line)}: need 0 <= START < END; got {clip(when)}")
    return Stimulus(modulator, amount, held, start, end)


def _modulator(name: str, line: str) -> str:
    """The modulator a NAME means: itself, or the modulator that carries an emotion."""
    modulator = EMOTION_MODULATOR.get(name, name)
    if modulator not in MODULATORS:
        raise ValueError(
            f"stimulus {_quoted(line)}: unknown modulator {_quoted(name)}; expected one of: "
            f"{', '.join(MODULATORS)} (or an emotion: {', '.join(EMOTIONS)})"
        )
    return modulator


def _number(token: str, line: str) -> float:
    """A finite decimal number, or a ValueError naming the token."""
    if _NUMBER.fullmatch(token) is None or not math.isfinite(value := float(token)):
        raise ValueError(f"stimulus {_quoted(line)}: {_quoted(token)} is not a number")
    return value
