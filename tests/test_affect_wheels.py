"""Layer 5: wheel data against docs/references.md (Feeling wheels), lookups and the context rules."""

import numpy as np
import pytest

from emotion_engine.affect import EMOTIONS, name_feeling
from emotion_engine.affect.feelings import CONTEXT_RULES, SEED_TO_PLUTCHIK, choose_word
from emotion_engine.affect.wheels import (
    PLUTCHIK_BASIC,
    PLUTCHIK_DYADS,
    PLUTCHIK_INTENSITY,
    WILLCOX,
    plutchik_dyad,
    plutchik_intensity_word,
    plutchik_opposite,
    willcox_core,
    willcox_core_of,
)


@pytest.mark.parametrize("version", ["A", "B"])
def test_willcox_has_six_cores_of_six_and_six_distinct_words(version):
    wheel = WILLCOX[version]
    assert tuple(c.core for c in wheel) == (
        "mad",
        "scared",
        "joyful",
        "powerful",
        "peaceful",
        "sad",
    )
    words = [w for c in wheel for w in (*c.middle, *c.outer)]
    assert all(len(c.middle) == 6 and len(c.outer) == 6 for c in wheel)
    assert len(words) == 72 == len(set(words))


def test_versions_differ_where_the_reference_says():
    a, b = willcox_core("mad", "A"), willcox_core("mad", "B")
    assert "rage" in a.middle and "selfish" in b.middle
    assert set(b.outer) == {
        "distant",
        "sarcastic",
        "frustrated",
        "jealous",
        "irritated",
        "skeptical",
    }
    assert (
        "sleepy" in willcox_core("sad", "A").middle and "tired" in willcox_core("sad", "B").middle
    )
    assert "secure" in willcox_core("peaceful", "B").outer
    assert "sentimental" in willcox_core("peaceful", "A").outer
    assert willcox_core_of("overwhelmed", "B") == "scared"
    with pytest.raises(ValueError):
        willcox_core_of("overwhelmed", "A")


def test_plutchik_wheel_opposites_intensities_and_dyads():
    assert PLUTCHIK_BASIC[0] == "joy" and len(PLUTCHIK_BASIC) == 8
    for x, y in [
        ("joy", "sadness"),
        ("trust", "disgust"),
        ("fear", "anger"),
        ("surprise", "anticipation"),
    ]:
        assert plutchik_opposite(x) == y and plutchik_opposite(y) == x
        assert plutchik_dyad(x, y) is None
    assert PLUTCHIK_INTENSITY["sadness"] == ("pensiveness", "sadness", "grief")
    assert plutchik_intensity_word("fear", 0.1) == "apprehension"
    assert plutchik_intensity_word("fear", 1.0) == "terror"
    assert len(PLUTCHIK_DYADS) == 24
    assert plutchik_dyad("trust", "joy") == ("love", "primary")
    assert plutchik_dyad("fear", "sadness") == ("despair", "secondary")
    assert plutchik_dyad("anticipation", "fear") == ("anxiety", "tertiary")
    # the three kinds are pairs one, two and three places apart on the wheel
    for pair, (_, kind) in PLUTCHIK_DYADS.items():
        i, j = sorted(PLUTCHIK_BASIC.index(e) for e in pair)
        assert min(j - i, 8 - (j - i)) == {"primary": 1, "secondary": 2, "tertiary": 3}[kind]


def test_every_seed_emotion_maps_and_has_a_default_word_on_both_versions():
    assert set(SEED_TO_PLUTCHIK) == set(EMOTIONS)
    for version in ("A", "B"):
        on_wheel = {w for c in WILLCOX[version] for w in (*c.middle, *c.outer)}
        for emotion in EMOTIONS:
            assert choose_word(emotion, {}, version) in on_wheel
    for _, _, _, _, word in CONTEXT_RULES:
        assert any(word in (*c.middle, *c.outer) for v in "AB" for c in WILLCOX[v])


def peaked(emotion: str, mass: float = 0.8) -> np.ndarray:
    p = np.full(7, (1 - mass) / 6)
    p[EMOTIONS.index(emotion)] = mass
    return p


@pytest.mark.parametrize(
    ("emotion", "context", "word", "core"),
    [
        ("fear", {"alone": 1.0}, "rejected", "scared"),
        ("fear", {"control": 0.1}, "helpless", "scared"),
        ("fear", {}, "anxious", "scared"),
        ("surprise", {"valence": -0.5}, "confused", "scared"),
        ("surprise", {"valence": 0.5}, "excited", "joyful"),
        ("love", {"cared": 1.0}, "nurturing", "peaceful"),
        ("sad", {"alone": 1.0}, "lonely", "sad"),
        ("mad", {"harmed": 1.0}, "hurt", "mad"),
        ("power", {"protected_other": 1.0}, "proud", "powerful"),
    ],
)
def test_context_rules_pick_the_nuanced_word(emotion, context, word, core):
    feeling = name_feeling(peaked(emotion, 0.6), context)
    assert (feeling.emotion, feeling.word, feeling.core) == (emotion, word, core)


def test_version_specific_words_fall_through_to_the_next_rule():
    # 'rage' is on version A only; on B an intense anger reads as plain 'angry'
    assert name_feeling(peaked("mad", 0.99), version="A").word == "rage"
    assert name_feeling(peaked("mad", 0.99), version="B").word == "angry"


def test_intensity_word_dyad_and_neutral():
    f = name_feeling(peaked("sad", 0.95))
    assert (f.plutchik, f.plutchik_word) == ("sadness", "grief")
    mixed = np.full(7, 0.02)
    mixed[EMOTIONS.index("joy")] = 0.45
    mixed[EMOTIONS.index("love")] = 0.45
    assert name_feeling(mixed).dyad == "love"  # joy + trust
    calm = name_feeling(np.full(7, 1 / 7))
    assert calm.emotion == "neutral" and calm.plutchik is None


def test_docs_tables_match_the_code():
    from pathlib import Path

    from emotion_engine.affect.docs import tables

    doc = (Path(__file__).resolve().parents[1] / "docs" / "affect.md").read_text()
    for name, table in tables().items():
        assert f"<!-- {name} -->\n{table}\n" in doc, f"docs/affect.md: table {name} is stale"
