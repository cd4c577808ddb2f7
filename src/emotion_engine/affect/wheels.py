"""Layer 5 data: the Willcox feeling wheel and Plutchik's wheel, with lookups.

Sources: docs/references.md, Feeling wheels. Willcox (1982) has six core feelings, each with
six middle-ring and six outer-ring words; the outer words are *not* children of particular
middle words, so no 6 → 36 → 72 tree is built here. Version A is most likely the original
and is the default everywhere; version B is a common later variant. Plutchik: eight basic
emotions in wheel order, their mild / basic / intense words, and the primary, secondary and
tertiary dyads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WillcoxVersion = Literal["A", "B"]


@dataclass(frozen=True)
class WillcoxCore:
    """One core feeling of the Willcox wheel with its two rings of words."""

    core: str
    middle: tuple[str, ...]
    outer: tuple[str, ...]


def _core(core: str, middle: str, outer: str) -> WillcoxCore:
    return WillcoxCore(core, tuple(middle.split()), tuple(outer.split()))


WILLCOX: dict[WillcoxVersion, tuple[WillcoxCore, ...]] = {
    "A": (
        _core("mad", "hurt hostile angry rage hateful critical",
              "jealous selfish frustrated furious irritated skeptical"),
        _core("scared", "rejected confused helpless submissive insecure anxious",
              "bewildered discouraged insignificant weak foolish embarrassed"),
        _core("joyful", "excited sexy energetic playful creative aware",
              "daring fascinating stimulating amused extravagant delightful"),
        _core("powerful", "proud respected appreciated important faithful hopeful",
              "cheerful satisfied valuable worthwhile intelligent confident"),
        _core("peaceful", "content thoughtful intimate loving trusting nurturing",
              "thankful sentimental serene responsive relaxed pensive"),
        _core("sad", "guilty ashamed depressed lonely bored sleepy",
              "apathetic inferior inadequate miserable stupid bashful"),
    ),
    "B": (
        _core("mad", "hurt hostile angry selfish hateful critical",
              "distant sarcastic frustrated jealous irritated skeptical"),
        _core("scared", "rejected confused helpless submissive insecure anxious",
              "bewildered discouraged insignificant inadequate overwhelmed embarrassed"),
        _core("joyful", "excited sensuous energetic cheerful creative hopeful",
              "daring fascinating stimulating amused extravagant delightful"),
        _core("powerful", "proud respected appreciated important faithful aware",
              "discerning successful valuable worthwhile surprised confident"),
        _core("peaceful", "content thoughtful intimate loving trusting nurturing",
              "thankful secure serene responsive relaxed pensive"),
        _core("sad", "guilty ashamed depressed lonely bored tired",
              "apathetic inferior remorseful isolated stupid sleepy"),
    ),
}  # fmt: skip

WILLCOX_CORES: tuple[str, ...] = tuple(c.core for c in WILLCOX["A"])


def willcox_core(core: str, version: WillcoxVersion = "A") -> WillcoxCore:
    """The rings of one core feeling."""
    if version not in WILLCOX:
        raise ValueError(f"unknown Willcox version {version!r}; expected 'A' or 'B'")
    for c in WILLCOX[version]:
        if c.core == core:
            return c
    raise ValueError(f"unknown Willcox core {core!r}; expected one of: {', '.join(WILLCOX_CORES)}")


def willcox_core_of(word: str, version: WillcoxVersion = "A") -> str:
    """The core feeling a word belongs to (core, middle or outer ring)."""
    for c in WILLCOX[version]:
        if word == c.core or word in c.middle or word in c.outer:
            return c.core
    raise ValueError(f"{word!r} is not on Willcox wheel version {version}")


# --- Plutchik ---------------------------------------------------------------------------

PLUTCHIK_BASIC: tuple[str, ...] = (
    "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation",
)  # fmt: skip
"""The eight basic emotions in wheel order; opposites are four places apart."""

PLUTCHIK_INTENSITY: dict[str, tuple[str, str, str]] = {
    "joy": ("serenity", "joy", "ecstasy"),
    "trust": ("acceptance", "trust", "admiration"),
    "fear": ("apprehension", "fear", "terror"),
    "surprise": ("distraction", "surprise", "amazement"),
    "sadness": ("pensiveness", "sadness", "grief"),
    "disgust": ("boredom", "disgust", "loathing"),
    "anger": ("annoyance", "anger", "rage"),
    "anticipation": ("interest", "anticipation", "vigilance"),
}
"""(mild, basic, intense) words of each basic emotion."""

PLUTCHIK_DYADS: dict[frozenset[str], tuple[str, str]] = {
    frozenset(pair.split("+")): (name, kind)
    for kind, table in (
        ("primary", "joy+trust love, trust+fear submission, fear+surprise awe, "
                    "surprise+sadness disapproval, sadness+disgust remorse, disgust+anger contempt, "
                    "anger+anticipation aggressiveness, anticipation+joy optimism"),
        ("secondary", "joy+fear guilt, trust+surprise curiosity, fear+sadness despair, "
                      "surprise+disgust unbelief, sadness+anger envy, disgust+anticipation cynicism, "
                      "anger+joy pride, anticipation+trust hope"),
        ("tertiary", "joy+surprise delight, trust+sadness sentimentality, fear+disgust shame, "
                     "surprise+anger outrage, sadness+anticipation pessimism, disgust+joy morbidness, "
                     "anger+trust dominance, anticipation+fear anxiety"),
    )
    for pair, name in (entry.split() for entry in table.split(", "))
}  # fmt: skip
"""Dyad name and kind (primary, secondary, tertiary) for each pair of basic emotions."""


def plutchik_opposite(basic: str) -> str:
    """The basic emotion opposite ``basic`` on the wheel."""
    i = _plutchik_index(basic)
    return PLUTCHIK_BASIC[(i + 4) % 8]


def plutchik_intensity_word(basic: str, intensity: float) -> str:
    """Mild (< 1/3), basic (< 2/3) or intense word for an intensity in [0, 1]."""
    _plutchik_index(basic)
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity must lie in [0, 1]; got {intensity!r}")
    return PLUTCHIK_INTENSITY[basic][min(int(intensity * 3), 2)]


def plutchik_dyad(a: str, b: str) -> tuple[str, str] | None:
    """(name, kind) of the dyad of two basic emotions, or None for opposites or a == b."""
    _plutchik_index(a)
    _plutchik_index(b)
    return PLUTCHIK_DYADS.get(frozenset((a, b)))


def _plutchik_index(basic: str) -> int:
    try:
        return PLUTCHIK_BASIC.index(basic)
    except ValueError:
        raise ValueError(
            f"unknown Plutchik emotion {basic!r}; expected one of: {', '.join(PLUTCHIK_BASIC)}"
        ) from None
