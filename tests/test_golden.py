"""Behaviour is unchanged unless changed on purpose: every golden fingerprint (tests/golden.py)
equals the one recorded in tests/golden.json. After a deliberate change of behaviour,
regenerate it (``python tests/golden.py --write``) in the same commit and say why."""

import json

import pytest

from golden import CASES, GOLDEN_FILE

RECORDED = json.loads(GOLDEN_FILE.read_text())


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fingerprint_unchanged(name):
    assert CASES[name]() == RECORDED[name], (
        f"{name} changed; if on purpose, run `python tests/golden.py --write` and say why"
    )
