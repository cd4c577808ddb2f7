"""The neuromodulator lab: stimuli move the levels, the dominant emotion, the word and the face."""

import numpy as np
import pytest

from emotion_engine.affect import MODULATORS
from emotion_engine.app.lab import DOSE, WINDOW, Lab


def test_rest_is_neutral():
    r = Lab().readout()
    assert r.feeling.emotion == "neutral" and r.feeling.word == "relaxed"
    assert r.face.size == (512, 256)


@pytest.mark.parametrize(
    ("modulator", "emotion"),
    [("dopamine", "joy"), ("oxytocin", "love"), ("adrenaline", "fear"), ("cortisol", "sad")],
)
def test_a_held_stimulus_makes_its_emotion_dominant(modulator, emotion):
    lab = Lab()
    drive = np.zeros(len(MODULATORS))
    drive[MODULATORS.index(modulator)] = 1.0
    for _ in range(20):
        lab.advance(drive, 1.0)
    r = lab.readout()
    assert r.feeling.emotion == emotion
    np.testing.assert_array_equal(r.mood, lab.session.mood)
    assert r.mood[0] != Lab().readout().mood[0]  # the mood has followed the emotion
    assert r.emotions.argmax() == ["fear", "mad", "joy", "love", "sad", "surprise", "power"].index(
        emotion
    )


def test_a_dose_is_immediate_and_decays_back_to_rest():
    lab = Lab("calm")
    rest = lab.levels.copy()
    i = MODULATORS.index("dopamine")
    lab.dose("dopamine")
    assert lab.levels[i] == pytest.approx(rest[i] + DOSE)
    face_before = np.asarray(Lab("calm").readout().face)
    assert not np.array_equal(np.asarray(lab.readout(face_dt=2.0).face), face_before)
    for _ in range(100):
        lab.advance(np.zeros(len(MODULATORS)), 5.0)
    assert lab.levels == pytest.approx(rest, abs=1e-3)
    times, history = lab.recent()
    assert times[0] >= lab.t - WINDOW and history.shape == (len(times), len(MODULATORS))
    with pytest.raises(ValueError, match="unknown modulator"):
        lab.dose("caffeine")
