"""The validator shared by the page and the API: what it accepts, and what its refusals say."""

import pytest

from emotion_engine.app.inputs import InvalidInput, RunRequest, validate


def test_valid_inputs_become_a_request():
    assert validate("crisis", 100, 0, "trained") == RunRequest("crisis", 100, 0, "trained")
    # labels, integral floats (sliders) and digit strings are accepted too
    assert validate("Caretaking (parent–child)", 50.0, "7", " Scripted ") == RunRequest(
        "caretaking", 50, 7, "scripted"
    )
    assert validate("caretaking", 500, 2**31 - 1, "random").steps == 500


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("crisis", 600, 0, "random"), "steps must be from 50 to 500; got 600"),
        (("crisis", 49, 0, "random"), "steps must be from 50 to 500; got 49"),
        (("crisis", 100.5, 0, "random"), "steps must be a whole number from 50 to 500"),
        (("crisis", True, 0, "random"), "steps must be a whole number"),
        (("crisis", None, 0, "random"), "steps is empty; enter a whole number from 50 to 500$"),
        (
            ("crisis", 100, None, "random"),
            "seed is empty; enter a whole number from 0 to 2147483647$",
        ),
        (("crisis", 100, "  ", "random"), "seed is empty; enter a whole number from 0 to"),
        (("crisis", float("nan"), 0, "random"), "steps must be a whole number"),
        (
            ("moon", 100, 0, "random"),
            "unknown scenario 'moon'; expected one of: caretaking, crisis",
        ),
        (("crisis", 100, -1, "random"), "seed must be from 0 to 2147483647; got -1"),
        (
            ("crisis", 100, 0, "greedy"),
            "unknown policy 'greedy'; expected one of: trained, untrained",
        ),
        ((None, 100, 0, "random"), "unknown scenario None"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(args, message):
    with pytest.raises(InvalidInput, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        validate(*args)


def test_refusals_repeat_at_most_about_a_hundred_characters_of_the_input():
    with pytest.raises(InvalidInput) as refused:
        validate("x" * 10_000_000, 100, 0, "random")
    message = str(refused.value)
    assert message == f"unknown scenario '{'x' * 98}…; expected one of: caretaking, crisis"
    with pytest.raises(InvalidInput, match=r"^unknown policy \['a', 'a',.{60,90}…; expected"):
        validate("crisis", 100, 0, ["a"] * 100_000)
    with pytest.raises(InvalidInput, match=r"^steps must be from 50 to 500; got 10{98}…$"):
        validate("crisis", 10**300, 0, "random")
    # an int of more digits than Python writes out is described by its size
    with pytest.raises(
        InvalidInput, match=r"^steps must be from 50 to 500; got an integer of 16610"
    ):
        validate("crisis", 10**5000, 0, "random")
    with pytest.raises(InvalidInput, match=r"^seed must be a whole number .*; got '9{98}…$"):
        validate("crisis", 100, "9" * 5000, "random")


def test_digit_strings_with_signs_and_spaces():
    assert validate("crisis", " +60 ", "0", "random").steps == 60
    with pytest.raises(InvalidInput, match=r"^steps must be a whole number .*; got '\+-5'$"):
        validate("crisis", "+-5", 0, "random")


def test_abridge_keeps_both_ends_of_a_long_message():
    from emotion_engine.app.inputs import abridge

    assert abridge("short") == "short"
    long = "Value: " + "x" * 10_000 + " is not in the list of choices: ['a', 'b']"
    cut = abridge(long)
    assert cut.startswith("Value: xxx") and cut.endswith(
        "is not in the list of choices: ['a', 'b']"
    )
    assert len(cut) == 203 and " … " in cut
