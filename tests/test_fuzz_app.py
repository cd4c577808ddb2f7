"""Fuzz: the app's API values are refused with a short one-line message (in process, through
the validators and the functions behind the endpoints; one live call against a server), and a
broken checkpoint is reported on the page, never raised."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.agents.policy_file import POLICY_FILE
from emotion_engine.app.compare import compare
from emotion_engine.app.inputs import (
    MAX_EPISODES,
    MAX_SEED,
    MAX_STEPS,
    MIN_EPISODES,
    MIN_STEPS,
    POLICY_LABELS,
    InvalidInput,
    choice,
    validate,
    whole_number,
)
from emotion_engine.app.policies import all_trained_status
from fuzzing import counted, crafted, fuzz, valid_policy

pytestmark = pytest.mark.timeout(60)

MAX_APP_MESSAGE = 200
"""Longest error the app may answer with (echoed input cut to ~100 characters)."""
GOOD = ("crisis", 50, 0, "random")
SHORT = st.one_of(
    st.none(), st.booleans(), st.floats(-1e12, 1e12), st.text(max_size=30),
    st.integers(-(10**12), 10**12),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["", " ", "50.5", "1e3", "nan", "-0", "０", "5\n0", "Crisis (self-sacrifice)x"]),
)  # fmt: skip


def is_valid(position: int, value: object) -> bool:
    try:
        validate(*GOOD[:position], value, *GOOD[position + 1 :])
    except InvalidInput:
        return False
    return True


def assert_short_refusal(call) -> None:
    with pytest.raises(InvalidInput) as error:
        call()
    message = str(error.value)
    assert "\n" not in message and len(message) <= MAX_APP_MESSAGE, message[:500]


@fuzz(80)
@given(st.integers(0, 3), st.data())
@counted
def test_run_request_with_a_bad_value(position, data):
    value = data.draw(st.one_of(SHORT, st.integers(-(10**12), MIN_STEPS - 1),
                                st.integers(MAX_STEPS + 1, 10**12), st.integers(MAX_SEED + 1, 10**12))
                      .filter(lambda v: not is_valid(position, v)))  # fmt: skip
    assert_short_refusal(lambda: validate(*GOOD[:position], value, *GOOD[position + 1 :]))


@fuzz(10)
@given(st.integers(0, 3), st.integers(300, 10**6), st.sampled_from(["x", "9", "crisis ", "1e"]))
@counted
def test_run_request_with_a_long_value(position, length, char):
    value = float(f"-1{'0' * 300}") if char == "1e" else (char * length)[:length]
    assert_short_refusal(lambda: validate(*GOOD[:position], value, *GOOD[position + 1 :]))


@fuzz(40)
@given(st.data())
@counted
def test_compare_with_bad_values(data):
    args = ["crisis", 50, 2, 0, "random", "scripted"]
    position = data.draw(st.sampled_from([2, 5]))
    args[position] = data.draw(st.one_of(SHORT, st.integers(-(10**12), 1),
                                         st.integers(101, 10**12), st.just("random"))
                               .filter(lambda v: not compare_accepts(position, v)))  # fmt: skip
    assert_short_refusal(lambda: compare(*args))


def compare_accepts(position: int, value: object) -> bool:
    """Whether ``value`` is a valid episode count (2) or a second policy other than random (5)."""
    try:
        if position == 2:
            whole_number("episodes", value, MIN_EPISODES, MAX_EPISODES)
            return True
        return choice("policy", value, POLICY_LABELS) != "random"
    except InvalidInput:
        return False


def assert_reported(write) -> None:
    """With ``write``'s file as the crisis checkpoint, the page's status loads every scenario
    and names the refused crisis checkpoint."""
    with tempfile.TemporaryDirectory(prefix="fuzz-checkpoints-") as folder:
        (Path(folder) / "crisis").mkdir()
        write(Path(folder) / "crisis" / POLICY_FILE)
        with mock.patch.dict(os.environ, {"EMOTION_ENGINE_CHECKPOINTS": folder}):
            statuses = {s.scenario: s for s in all_trained_status()}
    assert not statuses["crisis"].loaded and POLICY_FILE in statuses["crisis"].message


@fuzz(10)
@given(st.binary(max_size=40))
@counted
def test_unreadable_checkpoint_is_reported(data):
    assert_reported(lambda path: path.write_bytes(data))


@fuzz(10)
@given(st.sampled_from(['[]', '1', '"x"', '{"format": 1, "kind": "policy"}',
                        '{"format": 1, "kind": "policy", "spec": {"obs_dim": 45, "n_actions": 10}}',
                        '{"format": 1, "kind": "policy", "spec": {"obs_dim": 45, "n_actions": 10, '
                        '"agent_config": {"hidden": -1}}}']))  # fmt: skip
@counted
def test_checkpoint_with_a_bad_header_is_reported(header):
    assert_reported(crafted(valid_policy()[0], header))


@pytest.mark.timeout(120)
def test_live_server_refuses_briefly_and_stays_up(app_server):
    from gradio_client import Client

    client = Client(app_server[1], verbose=False)
    for args in (("x" * 10_000, 50, 0, "random"), (*GOOD, "a fifth")):
        with pytest.raises(Exception) as error:
            client.predict(*args, api_name="/simulate")
        assert len(str(error.value)) <= MAX_APP_MESSAGE + 100, str(error.value)[:300]
    assert client.predict(*GOOD, api_name="/simulate")["steps"] >= 1
