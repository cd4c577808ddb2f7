"""Presets and blending from emotion distributions, intensities and modulator levels."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emotion_engine.affect import EMOTIONS, apply_dose, resting_levels, temperament
from emotion_engine.affect.modulators import modulator_index
from emotion_engine.face.expressions import (
    COMPLEX_PRESETS,
    EXPRESSIONS,
    MAX_INTENSITY,
    PRESETS,
    blend,
    blend_vectors,
    emotion_weights,
    expression,
    face_from_emotions,
    face_from_levels,
    parse_blend,
)
from emotion_engine.face.params import HIGH, LOW, NEUTRAL, FaceParams, clip
from face_pixels import eye_pixels

NEUTRAL_FACE = PRESETS["neutral"].values


def test_presets_cover_the_seven_emotions_neutral_and_the_complex_ones():
    assert set(EMOTIONS) <= set(PRESETS)
    assert {"neutral", *COMPLEX_PRESETS} <= set(PRESETS)
    assert list(PRESETS) == list(EXPRESSIONS)


def test_uniform_distribution_is_neutral_and_a_certain_emotion_is_its_preset():
    uniform = np.full(7, 1 / 7)
    np.testing.assert_allclose(face_from_emotions(uniform).values, NEUTRAL_FACE, atol=1e-12)
    for i, name in enumerate(EMOTIONS):
        one_hot = np.eye(7)[i]
        np.testing.assert_allclose(face_from_emotions(one_hot).values, PRESETS[name].values)


def test_blend_is_linear_in_parameter_space_below_full_weight():
    half = blend({"joy": 0.5}).values
    np.testing.assert_allclose(half, (NEUTRAL_FACE + PRESETS["joy"].values) / 2)
    mix = blend({"joy": 0.6, "surprise": 0.4}).values
    np.testing.assert_allclose(mix, 0.6 * PRESETS["joy"].values + 0.4 * PRESETS["surprise"].values)


def test_weights_above_one_are_scaled_down():
    np.testing.assert_allclose(
        blend({"sad": 3.0, "mad": 1.0}).values, blend({"sad": 0.75, "mad": 0.25}).values
    )


def test_intensity_scales_the_deviation_from_neutral():
    assert np.array_equal(blend({"mad": 1.0}, intensity=0.0).values, NEUTRAL_FACE)
    half = blend({"mad": 1.0}, intensity=0.5).values - NEUTRAL_FACE
    full = blend({"mad": 1.0}).values - NEUTRAL_FACE
    np.testing.assert_allclose(half, full / 2)
    strong = blend({"surprise": 1.0}, intensity=MAX_INTENSITY).values
    assert np.all((LOW <= strong) & (strong <= HIGH))


def test_up_to_the_largest_intensity_every_face_keeps_its_eyes():
    neutral_eye = eye_pixels(PRESETS["neutral"])
    assert neutral_eye == 608  # a 24x26 rounded rectangle
    mixes = [{a: 0.5, b: 0.5} for a, b in combinations(EXPRESSIONS, 2)]
    mixes += [{name: 1.0} for name in EXPRESSIONS]
    strongest = min(eye_pixels(blend(m, MAX_INTENSITY)) for m in mixes)
    assert strongest >= neutral_eye / 5
    twice_joy = FaceParams(clip(NEUTRAL + 2.0 * (PRESETS["joy"].values - NEUTRAL)))
    assert eye_pixels(twice_joy) == 0  # stronger, the lids close over joy's eyes
    for intensity in (MAX_INTENSITY + 0.01, 5.0, -0.1, float("inf")):
        with pytest.raises(ValueError, match=r"intensity must be from 0 to 1\.5"):
            blend({"joy": 1.0}, intensity)


def test_complex_emotions_add_their_presets():
    uniform = np.full(7, 1 / 7)
    grief = face_from_emotions(uniform, complex_emotions={"grief": 1.0})
    np.testing.assert_allclose(grief.values, PRESETS["grief"].values, atol=1e-12)
    with pytest.raises(ValueError, match="unknown complex emotion"):
        emotion_weights(uniform, {"awe": 1.0})


def test_batched_weights_match_one_at_a_time():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(7), size=(3, 4))
    batch = blend_vectors(emotion_weights(p))
    assert batch.shape == (3, 4, len(NEUTRAL))
    np.testing.assert_allclose(batch[2, 1], face_from_emotions(p[2, 1]).values)


@given(st.lists(st.floats(0, 1), min_size=7, max_size=7).filter(lambda w: sum(w) > 1e-3))
def test_any_distribution_gives_a_face_within_bounds(w):
    face = face_from_emotions(np.array(w)).values
    assert np.all((LOW <= face) & (face <= HIGH))


def test_levels_at_rest_give_neutral_and_dopamine_gives_joy():
    params = temperament("balanced")
    rest = resting_levels(params)
    np.testing.assert_allclose(face_from_levels(rest, params).values, NEUTRAL_FACE, atol=1e-12)
    dose = np.zeros(7)
    dose[modulator_index("dopamine")] = 0.8
    face = face_from_levels(apply_dose(rest, dose, params), params).values
    distances = {n: np.abs(face - f.values).sum() for n, f in PRESETS.items()}
    assert min(distances, key=distances.get) == "joy"


@pytest.mark.parametrize(
    "text, message",
    [
        ("joyful=1", "unknown expression"),
        ("joy=-0.5", "finite and >= 0"),
        ("joy=nan", "finite and >= 0"),
        ("joy=inf", "finite and >= 0"),
        ("joy", "NAME=WEIGHT"),
        ("joy=lots", "not a number"),
        (" , ", "empty blend"),
    ],
)
def test_bad_blends_are_rejected_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_blend(text)


def test_parse_blend_reads_pairs():
    assert parse_blend("joy=0.6, surprise=0.4") == {"joy": 0.6, "surprise": 0.4}


@pytest.mark.parametrize(
    "call",
    [
        lambda: expression("happy"),
        lambda: blend({"joy": -1.0}),
        lambda: blend({"joy": 1.0}, intensity=float("nan")),
        lambda: face_from_emotions(np.full(7, -0.1)),
        lambda: face_from_emotions(np.zeros(7)),
        lambda: face_from_emotions(np.ones(6)),
        lambda: blend_vectors(np.ones(3)),
    ],
)
def test_bad_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
