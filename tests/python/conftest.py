import os

import numpy as np
import pytest

LONG = os.environ.get("SHIFTGUARD_LONG_TESTS") == "1"


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def assert_p_values_close(actual, expected, rtol=1e-8):
    """p-values agree to rtol where SciPy's exceed 1e-300; below that both are tiny."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    big = expected > 1e-300
    np.testing.assert_allclose(actual[big], expected[big], rtol=rtol, atol=0)
    assert np.all(actual[~big] <= 1e-290)
