"""The face parameter vector: names, symmetric shorthands, bounds, validation."""

import numpy as np
import pytest

from emotion_engine.face.params import HIGH, LOW, N_PARAMS, NAMES, NEUTRAL, FaceParams, clip


def test_neutral_is_every_default_and_inside_bounds():
    face = FaceParams.neutral()
    assert face.values.shape == (N_PARAMS,)
    np.testing.assert_array_equal(face.values, NEUTRAL)
    assert np.all((LOW <= NEUTRAL) & (NEUTRAL <= HIGH))
    assert len(set(NAMES)) == N_PARAMS


def test_bare_eye_name_sets_both_sides_and_suffixed_name_one():
    both = FaceParams.make(lid_u=0.4)
    assert both["lid_u_l"] == both["lid_u_r"] == 0.4
    left = FaceParams.make(eye_open_l=0.0)
    assert left["eye_open_l"] == 0.0 and left["eye_open_r"] == 1.0


def test_values_are_read_only_and_replace_copies():
    face = FaceParams.neutral()
    with pytest.raises(ValueError):
        face.values[0] = 3.0
    changed = face.replace(mouth_curve=5)
    assert face["mouth_curve"] == 0.0 and changed["mouth_curve"] == 5.0


def test_dict_round_trip():
    face = FaceParams.make(brow_y=2, mouth_open=3)
    np.testing.assert_array_equal(FaceParams.from_dict(face.as_dict()).values, face.values)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"not_a_param": 1.0}, "unknown face parameter"),
        ({"mouth_w": float("nan")}, "finite"),
        ({"eye_h_l": float("inf")}, "finite"),
    ],
)
def test_bad_parameters_are_rejected(bad, message):
    with pytest.raises(ValueError, match=message):
        FaceParams.make(**bad)


def test_wrong_length_is_rejected():
    with pytest.raises(ValueError, match="parameters"):
        FaceParams(np.zeros(3))


def test_clip_keeps_values_in_bounds():
    wild = FaceParams(NEUTRAL + 1000.0)
    assert np.array_equal(wild.clipped().values, HIGH)
    assert np.array_equal(clip(NEUTRAL - 1000.0), LOW)
