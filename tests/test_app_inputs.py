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
        (("crisis", None, 0, "random"), "steps must be a whole number"),
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
