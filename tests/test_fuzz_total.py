"""The fuzz suite as a whole: it asks for, and (when every family ran) tries, at least
MIN_CASES bad inputs per run. Collected after the other tests/test_fuzz_*.py files."""

import test_fuzz_app
import test_fuzz_checkpoints
import test_fuzz_cli
import test_fuzz_grammars
import test_fuzz_pettingzoo
from fuzzing import COMPLETED, FAMILIES, GENERATED, MIN_CASES

MODULES = (test_fuzz_app, test_fuzz_checkpoints, test_fuzz_cli, test_fuzz_grammars,
           test_fuzz_pettingzoo)  # fmt: skip


def test_the_families_ask_for_enough_cases():
    families = {name for m in MODULES for name in dir(m) if name in FAMILIES}
    assert families == set(FAMILIES) and len(FAMILIES) >= 40
    assert sum(FAMILIES.values()) >= MIN_CASES


def test_the_families_that_ran_tried_enough_cases():
    ran = sum(GENERATED.get(name, 0) for name in COMPLETED)
    print(f"fuzz: {ran} cases in {len(COMPLETED)} of {len(FAMILIES)} families")
    assert all(GENERATED.get(name, 0) > 0 for name in COMPLETED)  # every passed family tried
    if COMPLETED == set(FAMILIES):  # the whole suite ran (not a -k selection) and passed
        assert ran >= MIN_CASES
    # otherwise a family failed (its own test says which) or was not selected in this run
