"""The renderer: image format, geometry read back from pixels, distinctness, continuity."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emotion_engine.face.expressions import EXPRESSIONS, PRESETS, blend, blend_vectors
from emotion_engine.face.params import HIGH, LOW, N_PARAMS, FaceParams
from emotion_engine.face.renderer import (
    HEIGHT,
    WIDTH,
    coverage,
    feature_runs,
    render,
    render_mask,
    upscale,
)
from face_pixels import left_brow_centres, mouth_curvature, mouth_height, pixels

random_faces = arrays(np.float64, N_PARAMS, elements=st.floats(0, 1)).map(
    lambda u: LOW + u * (HIGH - LOW)
)


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_every_preset_is_a_128x64_1bit_image_with_something_drawn(name):
    image = render(PRESETS[name])
    assert image.mode == "1" and image.size == (WIDTH, HEIGHT)
    lit = pixels(PRESETS[name]).sum()
    assert 300 < lit < WIDTH * HEIGHT // 2


@settings(max_examples=60, deadline=None)
@given(random_faces)
def test_any_face_in_bounds_renders_and_both_rasterisers_agree(values):
    image = render(values)
    assert image.mode == "1" and image.size == (WIDTH, HEIGHT)
    np.testing.assert_array_equal(np.asarray(image), render_mask(values))


def test_joy_mouth_curves_up_and_sad_mouth_down():
    assert mouth_curvature(PRESETS["joy"]) >= 3
    assert mouth_curvature(PRESETS["sad"]) <= -3
    assert abs(mouth_curvature(PRESETS["neutral"])) <= 1


def test_surprise_opens_the_mouth_and_raises_the_brows():
    assert mouth_height(PRESETS["surprise"]) >= mouth_height(PRESETS["neutral"]) + 8
    brow_top = min(left_brow_centres(PRESETS["surprise"]).values())
    neutral_top = min(left_brow_centres(PRESETS["neutral"]).values())
    assert brow_top <= neutral_top - 2


def test_mad_brows_slant_inward_and_down():
    centres = left_brow_centres(PRESETS["mad"])  # the left brow: its inner end is on the right
    xs = sorted(centres)
    outer, inner = np.mean([centres[x] for x in xs[:4]]), np.mean([centres[x] for x in xs[-4:]])
    assert inner >= outer + 5
    neutral = left_brow_centres(PRESETS["neutral"])
    xs = sorted(neutral)
    assert abs(np.mean([neutral[x] for x in xs[-4:]]) - np.mean([neutral[x] for x in xs[:4]])) < 1


def test_closed_eyes_are_a_thin_line():
    no_brows = dict(brow_w=0)
    open_eyes = pixels(FaceParams.make(**no_brows))[:42].sum()
    closed = pixels(FaceParams.make(eye_open=0.0, **no_brows))[:42].sum()
    assert closed <= 0.15 * open_eyes and closed > 0
    wink = pixels(FaceParams.make(eye_open_l=0.0, **no_brows))[:42]
    assert wink[:, :64].sum() <= 0.15 * wink[:, 64:].sum()


def test_presets_are_pairwise_distinct_by_a_clear_margin():
    frames = {n: pixels(f) for n, f in PRESETS.items()}
    for a, b in itertools.combinations(frames, 2):
        assert (frames[a] ^ frames[b]).sum() >= 300, (a, b)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=9, max_size=9),
    st.lists(st.floats(-1, 1), min_size=9, max_size=9),
)
def test_a_small_change_of_weights_changes_few_pixels(w, direction):
    w = np.array(w) / max(1.0, sum(w))
    d = np.array(direction)
    d = 0.01 * d / max(np.abs(d).sum(), 1e-9)  # an L1 step of at most 0.01
    a = np.asarray(render(blend_vectors(w)))
    b = np.asarray(render(blend_vectors(np.clip(w + d, 0, None))))
    assert (a ^ b).sum() <= 60


def test_a_path_between_expressions_has_no_jumps():
    frames = [pixels(blend({"joy": 1 - s, "sad": s})) for s in np.linspace(0, 1, 101)]
    steps = [(a ^ b).sum() for a, b in itertools.pairwise(frames)]
    assert max(steps) <= 60
    assert (frames[0] ^ frames[-1]).sum() >= 300


def test_pixel_centre_sampling_matches_antialiased_coverage_thresholded():
    for preset in PRESETS.values():
        # Off the half-pixel grid, so that no edge lies exactly on a pixel boundary (a tie).
        face = preset.replace(face_x=0.1, face_y=0.1)
        fast = pixels(face)
        smooth = coverage(face, supersample=8) >= 0.5
        assert (fast ^ smooth).sum() <= 0.03 * fast.sum()


def test_supersampled_threshold_and_dither_are_1bit_and_close_to_the_fast_image():
    face = PRESETS["love"]
    for dither in (False, True):
        image = render(face, supersample=4, dither=dither)
        assert image.mode == "1" and image.size == (WIDTH, HEIGHT)
        assert (np.asarray(image) ^ pixels(face)).sum() <= 0.1 * pixels(face).sum()


def test_scale_draws_the_same_shapes_finer_and_upscale_keeps_pixels_square():
    face = PRESETS["joy"]
    big = render(face, scale=4)
    assert big.size == (4 * WIDTH, 4 * HEIGHT) and big.mode == "1"
    down = np.asarray(big).reshape(HEIGHT, 4, WIDTH, 4).mean(axis=(1, 3)) >= 0.5
    assert (down ^ pixels(face)).sum() <= 0.03 * pixels(face).sum()
    blocky = np.asarray(upscale(render(face), 3))
    np.testing.assert_array_equal(blocky[::3, ::3], pixels(face))
    assert blocky.shape == (3 * HEIGHT, 3 * WIDTH)


def test_features_outside_their_span_are_empty():
    xs = (np.arange(WIDTH) + 0.5).astype(float)
    tops, bottoms = feature_runs(PRESETS["neutral"], xs)
    assert tops.shape == bottoms.shape == (5, WIDTH)
    mouth_columns = np.flatnonzero(np.ceil(bottoms[4] - 0.5) > np.ceil(tops[4] - 0.5))
    assert mouth_columns.min() >= 64 - 16 and mouth_columns.max() <= 64 + 15


@pytest.mark.parametrize("kwargs", [{"scale": 0}, {"scale": 2.5}, {"supersample": 0}])
def test_bad_render_options_are_rejected(kwargs):
    with pytest.raises(ValueError):
        render(PRESETS["joy"], **kwargs)


def test_wrong_vector_length_is_rejected():
    with pytest.raises(ValueError, match="parameters"):
        render(np.zeros(5))
