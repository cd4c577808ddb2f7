"""Fuzz: the stimulus, blend and sequence grammars parse any text into checked values or
raise a one-line ValueError, never another exception."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.affect.modulators import MODULATORS
from emotion_engine.affect.stimuli import parse_stimulus
from emotion_engine.face import blend, parse_blend
from emotion_engine.face.expressions import EXPRESSIONS, expression
from fuzzing import MAX_MESSAGE, counted, fuzz

pytestmark = pytest.mark.timeout(60)

GRAMMAR_CHARS = st.sampled_from([*"dopaminexytcsr=+@-.,e0123456789 \t", "joy", "1e400", "nan",
                                 "inf", "dopamine", "oxytocin"])  # fmt: skip
NEAR_MISSES = st.lists(GRAMMAR_CHARS, max_size=12).map("".join)
ANY_TEXT = st.text(max_size=40)
SHORT_TEXT = st.one_of(NEAR_MISSES, ANY_TEXT)
LONG_TEXT = st.builds(lambda head, n: head + "x" * n, st.sampled_from(["dopamine=", "joy=1@",
                      "x", "oxytocin+", "joy=0.5,", "grumpy"]), st.integers(500, 20_000))  # fmt: skip


def assert_one_line(error: ValueError) -> None:
    message = str(error)
    assert "\n" not in message and 0 < len(message) <= MAX_MESSAGE, message[:500]


@fuzz(120)
@given(SHORT_TEXT, st.booleans())
@counted
def test_stimulus_is_parsed_and_checked_or_refused_in_one_line(text, timed):
    try:
        s = parse_stimulus(text, timed=timed)
    except ValueError as e:
        assert_one_line(e)
        return
    assert s.modulator in MODULATORS and math.isfinite(s.amount) and s.amount >= 0
    assert not s.held or s.amount <= 1
    if timed:
        assert s.start is not None and math.isfinite(s.start) and s.start >= 0
        assert not s.held or (s.end is not None and math.isfinite(s.end) and s.end > s.start)
    else:
        assert s.start is None and s.end is None


@fuzz(80)
@given(SHORT_TEXT.map(lambda s: s.replace("dopamine", "joy").replace("oxytocin", "sad")))
@counted
def test_blend_is_parsed_and_checked_or_refused_in_one_line(text):
    try:
        weights = parse_blend(text)
    except ValueError as e:
        assert_one_line(e)
        return
    assert weights and set(weights) <= set(EXPRESSIONS)
    assert all(math.isfinite(w) and w >= 0 for w in weights.values())
    blend(weights)  # a parsed blend always makes a face


@fuzz(10)
@given(st.sampled_from(EXPRESSIONS), st.integers(2, 4))
@counted
def test_blend_repeated_names_are_refused(name, repeats):
    with pytest.raises(ValueError, match="is given twice; give each expression once"):
        parse_blend(",".join([f"{name}=1e308"] * repeats))


@fuzz(40)
@given(st.lists(st.one_of(st.sampled_from(EXPRESSIONS), ANY_TEXT), min_size=1, max_size=4))
@counted
def test_sequence_names_are_presets_or_refused_in_one_line(names):
    for name in ",".join(names).split(","):
        try:
            expression(name.strip())
        except ValueError as e:
            assert_one_line(e)


@fuzz(10)
@given(LONG_TEXT, st.sampled_from(["stimulus", "live stimulus", "blend", "sequence"]))
@counted
def test_long_input_is_cut_in_the_message(text, grammar):
    parse = {"stimulus": lambda t: parse_stimulus(t, timed=True),
             "live stimulus": lambda t: parse_stimulus(t, timed=False),
             "blend": parse_blend, "sequence": expression}[grammar]  # fmt: skip
    with pytest.raises(ValueError) as error:
        parse(text)
    assert_one_line(error.value)
