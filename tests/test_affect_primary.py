"""Layer 2: primary emotions from modulators, dominance and overthrow; the Lövheim cube."""

import numpy as np
import pytest

from emotion_engine.affect import (
    EMOTIONS,
    LOVHEIM_AFFECTS,
    MODULATORS,
    lovheim,
    primary_emotions,
    resting_levels,
    temperament,
)
from emotion_engine.affect.primary import EMOTION_MODULATOR
from emotion_engine.affect.schedule import run_schedule
from emotion_engine.affect.stimuli import parse_stimulus

SEED_PAIRS = EMOTION_MODULATOR


def run(*specs: str, duration: float = 60.0, dt: float = 0.25, name: str = "balanced") -> dict:
    return run_schedule(
        [parse_stimulus(s, timed=True) for s in specs], duration, dt, temperament(name)
    )


def test_rest_is_uniform():
    p = temperament()
    np.testing.assert_allclose(primary_emotions(resting_levels(p), p), np.full(7, 1 / 7))


@pytest.mark.parametrize("temperament_name", ["balanced", "calm", "anxious", "affectionate"])
@pytest.mark.parametrize("emotion", EMOTIONS)
def test_each_emotion_dominates_under_its_stimulus(emotion, temperament_name):
    series = run(f"{SEED_PAIRS[emotion]}=1.0@0-5", duration=5.0, name=temperament_name)
    assert series["dominant"][-1] == emotion
    if temperament_name == "balanced":  # clearly: over 40% and at least 2.5 times the next
        share = np.sort(series["primary"][-1])[::-1]
        assert share[0] == series["primary"][-1, EMOTIONS.index(emotion)] > 0.4
        assert share[0] > 2.5 * share[1]


def test_new_stimulus_overthrows_the_dominant_emotion_and_the_old_decays_back():
    series = run("dopamine=1.0@0-5", "adrenaline=1.0@10-15", duration=300.0)
    t, dom = series["t"], np.array(series["dominant"])
    assert set(dom[(t > 2) & (t < 10)]) == {"joy"}
    # fear takes over within 3 s of the new stimulus and holds while it lasts
    assert set(dom[(t >= 13) & (t <= 15)]) == {"fear"}
    # afterwards both modulators dissolve back to rest and no emotion stands out
    p = temperament()
    np.testing.assert_allclose(series["levels"][-1], p.baseline, atol=0.01)
    assert series["dominant"][-1] == "neutral"


def test_temperature_sharpens_or_flattens():
    p = temperament()
    levels = resting_levels(p)
    levels[MODULATORS.index("dopamine")] = 0.6
    joy = EMOTIONS.index("joy")
    assert primary_emotions(levels, p, temperature=0.2)[joy] > primary_emotions(levels, p, 2.0)[joy]
    with pytest.raises(ValueError, match="temperature"):
        primary_emotions(levels, p, temperature=0.0)


def test_batch_of_distributions_sums_to_one():
    p = temperament()
    rng = np.random.default_rng(1)
    levels = rng.uniform(0.01, 1.0, (5, 3, 7))
    probs = primary_emotions(levels, p)
    assert probs.shape == (5, 3, 7)
    np.testing.assert_allclose(probs.sum(-1), 1.0)


@pytest.mark.parametrize(
    ("serotonin", "dopamine", "noradrenaline", "affect"),
    [
        (0, 0, 0, "shame/humiliation"),
        (0, 0, 1, "distress/anguish"),
        (0, 1, 0, "fear/terror"),
        (0, 1, 1, "anger/rage"),
        (1, 0, 0, "contempt/disgust"),
        (1, 0, 1, "surprise/startle"),
        (1, 1, 0, "enjoyment/joy"),
        (1, 1, 1, "interest/excitement"),
    ],
)
def test_lovheim_corners(serotonin, dopamine, noradrenaline, affect):
    p = temperament()
    levels = resting_levels(p)
    for name, high in (
        ("serotonin", serotonin),
        ("dopamine", dopamine),
        ("noradrenaline", noradrenaline),
    ):
        i = MODULATORS.index(name)
        levels[i] = p.capacity[i] if high else 1e-9
    weights = lovheim(levels, p)
    assert LOVHEIM_AFFECTS[int(np.argmax(weights))] == affect
    assert weights.max() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(lovheim(resting_levels(p), p), np.full(8, 1 / 8))
