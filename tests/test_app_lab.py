"""The neuromodulator lab: stimuli move the levels, the dominant emotion, the word and the face."""

import numpy as np
import pytest

from emotion_engine.affect import EMOTIONS, MODULATORS, primary_emotions, temperament
from emotion_engine.app.charts import emotions_figure
from emotion_engine.app.lab import (
    DOSE,
    LEADS,
    WINDOW,
    Lab,
    drive_legend,
    reading,
    rest_reading,
    temperament_note,
)


def test_rest_is_neutral():
    r = Lab().readout()
    assert r.feeling.emotion == "neutral" and r.feeling.word == "relaxed"
    assert r.face.size == (512, 256)
    np.testing.assert_allclose(r.emotions, np.full(7, 1 / 7))


@pytest.mark.parametrize(
    ("name", "emotion", "word", "intensity", "note"),
    [
        ("balanced", "neutral", "relaxed", 0.0, "**balanced** is the reference rest: at rest "
         "it reads *relaxed* (neutral)."),
        ("calm", "power", "respected", 0.2216711, "**calm** rests with serotonin 0.50 (0.40), "
         "cortisol 0.10 (0.15): at rest it reads *respected* (power, 22%)."),
        ("anxious", "fear", "anxious", 0.1507816, "**anxious** rests with serotonin 0.28 "
         "(0.40), adrenaline 0.20 (0.10), cortisol 0.24 (0.15): at rest it reads *anxious* "
         "(fear, 15%)."),
        ("affectionate", "love", "content", 0.0689944, "**affectionate** rests with oxytocin "
         "0.24 (0.15): at rest it reads *content* (love, 7%)."),
    ],
)  # fmt: skip
def test_each_temperament_reads_at_rest_as_its_resting_levels_describe(
    name, emotion, word, intensity, note
):
    """The anxious agent rests with more cortisol and adrenaline and less serotonin than the
    balanced one, so it reads anxious at rest (its own model reads every rest as neutral)."""
    f = rest_reading(name)
    assert (f.emotion, f.word) == (emotion, word)
    assert f.intensity == pytest.approx(intensity, abs=1e-7)
    assert temperament_note(name) == note
    r = Lab(name).readout()
    assert r.feeling == f
    np.testing.assert_array_equal(r.emotions, reading(temperament(name).baseline))
    own = primary_emotions(temperament(name).baseline, temperament(name))
    np.testing.assert_allclose(own, np.full(7, 1 / 7))  # why the lab reads from one yardstick


def test_the_chart_highlights_the_emotion_the_text_names():
    rest = Lab().readout()
    bars = emotions_figure(rest.emotions, rest.feeling.emotion).data[0]
    assert set(bars.marker.color) == {"#90a4ae"}  # neutral: nothing highlighted
    lab = Lab()
    lab.dose("adrenaline")
    r = lab.readout()
    bars = emotions_figure(r.emotions, r.feeling.emotion).data[0]
    assert r.feeling.emotion == "fear"
    assert [c == "#c2185b" for c in bars.marker.color] == [e == "fear" for e in EMOTIONS]
    assert bars.hovertemplate == "%{x}: %{y:.1%}<extra></extra>"


def test_the_legend_comes_from_layer_2s_weights():
    rows = {emotion: (up, down) for emotion, up, down in drive_legend()}
    assert rows["fear"] == (
        "adrenaline +3, noradrenaline +1, cortisol +1",
        "serotonin -1, oxytocin -0.5",
    )
    assert rows["sad"] == ("cortisol +3", "dopamine -1.5, serotonin -1, oxytocin -0.5")
    assert rows["surprise"][1] == "—"
    assert LEADS == {"dopamine": "joy", "serotonin": "power", "oxytocin": "love",
                     "noradrenaline": "surprise", "adrenaline": "fear", "cortisol": "sad",
                     "endorphins": "mad"}  # fmt: skip


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
    np.testing.assert_array_equal(r.mood, lab.mood)
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
