"""The single-agent emotion session and the stimulus grammar it shares with the schedule."""

import re

import numpy as np
import pytest

from emotion_engine.affect import (
    MODULATORS,
    EmotionSession,
    Stimulus,
    apply_dose,
    core_affect,
    name_feeling,
    parse_stimulus,
    population,
    primary_emotions,
    resting_levels,
    step_levels,
    step_mood,
    temperament,
)

DA = MODULATORS.index("dopamine")


def test_a_session_starts_at_rest():
    p = temperament("anxious")
    r = EmotionSession(p).readout()
    assert r.t == 0.0
    np.testing.assert_array_equal(r.levels, resting_levels(p))
    np.testing.assert_array_equal(r.primary, np.full(7, 1 / 7))
    np.testing.assert_array_equal(r.mood, core_affect(np.full(7, 1 / 7)))
    assert (r.dominant, r.word) == ("neutral", "relaxed")


def test_a_dose_raises_the_level_exactly_as_apply_dose_does():
    p = temperament()
    session = EmotionSession(p)
    session.dose("dopamine", 0.3)
    dose = np.zeros(7)
    dose[DA] = 0.3
    expected = apply_dose(resting_levels(p), dose, p)
    np.testing.assert_array_equal(session.levels, expected)
    r = session.readout()  # joy at once, before any step; the mood has not moved yet
    assert r.t == 0.0 and r.primary.argmax() == 2
    np.testing.assert_array_equal(r.mood, core_affect(np.full(7, 1 / 7)))
    session.dose(np.full(7, 2.0))  # a vector; clipped to the ceiling
    np.testing.assert_array_equal(session.levels, p.capacity)


def test_hold_and_advance_equal_step_levels_bit_for_bit():
    p = temperament("calm")
    session = EmotionSession(p)
    session.hold("noradrenaline", 0.7)
    session.hold("endorphins", 0.2)
    drive = np.zeros(7)
    drive[[3, 6]] = 0.7, 0.2
    np.testing.assert_array_equal(session.drive, drive)
    levels, mood = resting_levels(p), session.mood
    for _ in range(5):
        r = session.advance(0.25)
        levels = step_levels(levels, drive, 0.25, p)
        mood = step_mood(mood, primary_emotions(levels, p), 0.25)
        np.testing.assert_array_equal(r.levels, levels)
        np.testing.assert_array_equal(r.mood, mood)
    assert r.t == 1.25
    session.hold(np.zeros(7))  # a whole vector replaces the drive
    np.testing.assert_array_equal(session.drive, np.zeros(7))


def test_mood_lags_the_emotions():
    session = EmotionSession(temperament())
    start = session.mood.copy()
    session.hold("dopamine", 1.0)
    for _ in range(10):
        r = session.advance(1.0)
    target = core_affect(r.primary)
    assert r.dominant == "joy" and r.primary.max() > 0.5
    # after 10 s the mood (tau = 60 s) has moved less than a quarter of the way to the target
    moved = (r.mood[0] - start[0]) / (target[0] - start[0])
    assert 0.05 < moved < 0.25


def test_the_feeling_is_named_with_the_mood_as_context():
    session = EmotionSession(temperament())
    session.hold("cortisol", 1.0)
    r = session.advance(20.0)
    context = {"valence": r.mood[0], "arousal": r.mood[1]}
    assert r.feeling == name_feeling(r.primary, context)
    assert r.dominant == "sad" and r.word == "guilty"  # arousal above 0.25: not "sleepy"
    assert name_feeling(r.primary).word == "sleepy"  # without the mood, arousal reads 0


def test_apply_takes_a_parsed_stimulus():
    session = EmotionSession(temperament())
    session.apply(parse_stimulus("joy=0.4", timed=False))
    session.apply(parse_stimulus("oxytocin 0.2", timed=False))
    assert session.drive[DA] == 0.4
    assert session.levels[MODULATORS.index("oxytocin")] == temperament().baseline[2] + 0.2


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda s: s.hold("dopamine", 1.5), "drive must lie in [0, 1]"),
        (lambda s: s.hold(np.full(7, np.nan)), "drive must lie in [0, 1]"),
        (lambda s: s.hold("dopamine"), "needs an amount"),
        (lambda s: s.hold(np.zeros(3)), "shape (7,)"),
        (lambda s: s.dose("caffeine", 0.3), "unknown modulator 'caffeine'"),
        (lambda s: s.dose(np.zeros(7), 0.3), "takes no separate amount"),
        (lambda s: s.advance(-1.0), "dt must be"),
    ],
)
def test_bad_calls_raise(call, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        call(EmotionSession(temperament()))


def test_a_session_runs_one_agent():
    with pytest.raises(ValueError, match="one agent"):
        EmotionSession(population(["calm", "anxious"]))


def test_readouts_keep_their_values():
    session = EmotionSession(temperament())
    first = session.advance(1.0)
    kept = first.levels.copy()
    session.dose("dopamine", 0.5)
    session.hold(np.ones(7))
    session.advance(1.0)
    np.testing.assert_array_equal(first.levels, kept)


# --- the grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dopamine=0.8@2-10", Stimulus("dopamine", 0.8, True, 2.0, 10.0)),
        ("oxytocin+0.3@10", Stimulus("oxytocin", 0.3, False, 10.0)),
        (" cortisol = 0.5 @ 1e1 - 2e1 ", Stimulus("cortisol", 0.5, True, 10.0, 20.0)),
        ("joy=1@0-5", Stimulus("dopamine", 1.0, True, 0.0, 5.0)),
        ("fear 0.6@.5", Stimulus("adrenaline", 0.6, False, 0.5)),
    ],
)
def test_timed_stimuli_parse(text, expected):
    assert parse_stimulus(text, timed=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dopamine 0.8", Stimulus("dopamine", 0.8, False)),
        ("  joy   0.5 ", Stimulus("dopamine", 0.5, False)),
        ("dopamine+0.3", Stimulus("dopamine", 0.3, False)),
        ("fear=0.3", Stimulus("adrenaline", 0.3, True)),
        ("cortisol = 0", Stimulus("cortisol", 0.0, True)),
    ],
)
def test_live_stimuli_parse(text, expected):
    assert parse_stimulus(text, timed=False) == expected


@pytest.mark.parametrize(
    ("text", "timed", "needle"),
    [
        ("dopamine", False, "malformed stimulus 'dopamine'"),
        ("=0.5", False, "malformed stimulus '=0.5'"),
        ("dopamine@0-5", True, "malformed stimulus 'dopamine@0-5'"),
        ("happiness 1", False, "unknown modulator 'happiness'"),
        ("joyjuice=1@0-5", True, "unknown modulator 'joyjuice'"),
        ("dopamine lots", False, "'lots' is not a number"),
        ("dopamine nan", False, "'nan' is not a number"),
        ("dopamine 1e999", False, "'1e999' is not a number"),
        ("dopamine=1.5", False, "drive must lie in [0, 1]; got 1.5"),
        ("dopamine=1.5@0-5", True, "drive must lie in [0, 1]; got 1.5"),
        ("dopamine -1", False, "a dose must be >= 0; got -1"),
        ("dopamine+-1@3", True, "a dose must be >= 0; got -1"),
        ("dopamine=1@5-2", True, "need 0 <= START < END; got 5-2"),
        ("dopamine=1@5", True, "a drive needs @START-END (e.g. @0-5); got @5"),
        ("dopamine+1@-2", True, "need TIME >= 0; got -2"),
        ("dopamine+1@soon", True, "'soon' is not a number"),
        ("dopamine=1", True, "a schedule needs a time"),
        ("dopamine=1@0-5", False, "'@0-5' — a live stimulus takes no time"),
    ],
)
def test_bad_stimuli_raise_one_line_naming_the_token(text, timed, needle):
    with pytest.raises(ValueError) as info:
        parse_stimulus(text, timed=timed)
    message = str(info.value)
    assert needle in message and "\n" not in message
