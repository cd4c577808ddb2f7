"""face.bitexact: log, exp and power from exactly rounded operations, close to libm's."""

import math

import numpy as np
import pytest

from emotion_engine.face.bitexact import exp, log, power


def test_exact_values_at_the_ends():
    assert log(1.0) == 0.0 and exp(0.0) == 1.0
    np.testing.assert_array_equal(power([0.0, 1.0, 0.0], [2.0, 7.5, 0.05]), [0.0, 1.0, 0.0])


def test_close_to_the_c_library_over_the_renderers_range():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, 20_000)
    y = rng.uniform(0.05, 20.0, 20_000)
    got = power(x, y)
    want = np.array([math.pow(a, b) for a, b in zip(x, y, strict=True)])
    np.testing.assert_allclose(got, want, rtol=5e-14, atol=1e-300)
    np.testing.assert_allclose(log(x), [math.log(a) for a in x], rtol=1e-15, atol=1e-16)
    z = -rng.exponential(5.0, 20_000)
    want = np.array([math.exp(a) for a in z])
    assert np.all(np.abs(exp(z) - want) <= 1e-15 * (1 + np.abs(z)) * want)  # z's rounding


@pytest.mark.parametrize("x", [0.5, 0.25, 2.0**-30, 1 - 2.0**-53, 5e-324])
def test_powers_of_two_and_extremes(x):
    assert power(x, 2.0) == pytest.approx(x * x, rel=1e-13)
    assert log(x) == pytest.approx(math.log(x), rel=1e-15)
    assert 0.0 <= power(x, 20.0) <= 1.0
