"""face.bitexact: log2, exp2 and power from exactly rounded operations, close to libm's."""

import math

import numpy as np
import pytest

from emotion_engine.face.bitexact import exp2, log2, power


def test_exact_values_at_the_ends_and_at_powers_of_two():
    assert log2(1.0) == 0.0 and log2(0.25) == -2.0 and exp2(0.0) == 1.0 and exp2(-3.0) == 0.125
    np.testing.assert_array_equal(power([0.0, 1.0, 0.0], [2.0, 7.5, 0.05]), [0.0, 1.0, 0.0])


def test_close_to_the_c_library_over_the_renderers_range():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, 20_000)
    y = rng.uniform(0.05, 20.0, 20_000)
    want = np.array([math.pow(a, b) for a, b in zip(x, y, strict=True)])
    np.testing.assert_allclose(power(x, y), want, rtol=5e-14, atol=1e-300)
    np.testing.assert_allclose(log2(x), [math.log2(a) for a in x], rtol=1e-15, atol=1e-16)
    w = -rng.exponential(5.0, 20_000)
    want = np.array([2.0**a for a in w])
    assert np.all(np.abs(exp2(w) - want) <= 1e-15 * want)


@pytest.mark.parametrize("x", [0.5, 0.3, 2.0**-30, 1 - 2.0**-53, 5e-324])
def test_squares_and_extremes(x):
    assert power(x, 2.0) == pytest.approx(x * x, rel=1e-13)
    assert log2(x) == pytest.approx(math.log2(x), rel=1e-15)
    assert 0.0 <= power(x, 20.0) <= 1.0
