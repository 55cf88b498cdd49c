"""The one-sample Kolmogorov-Smirnov distributions behind the asymptotic p-values,
against scipy.stats.kstwo.sf and scipy.special.smirnov."""

import numpy as np
import pytest
from conftest import LONG, assert_p_values_close
from scipy import special, stats

from shiftguard import _core


def random_grid(seed, count):
    rng = np.random.default_rng(seed)
    n = np.exp(rng.uniform(0, np.log(2e6), size=count)).astype(np.int64)
    n = np.maximum(n, 1)
    # d where p-values are moderate (z = sqrt(n) d in [0.2, 3]) and anywhere in (0, 1)
    z = rng.uniform(0.2, 3.0, size=count)
    d_moderate = np.clip(z / np.sqrt(n), 1e-9, 1.0)
    d_any = rng.uniform(0, 1, size=count)
    d = np.where(rng.random(count) < 0.7, d_moderate, d_any)
    return n, d


@pytest.mark.parametrize("seed", [1, 2])
def test_two_sided_matches_scipy_kstwo(seed):
    n, d = random_grid(seed, 4000 if LONG else 120)
    ours = np.array([_core.kolmogorov_two_sided_sf(int(k), float(x)) for k, x in zip(n, d)])
    ref = stats.kstwo.sf(d, n)
    assert_p_values_close(ours, ref)


@pytest.mark.parametrize("seed", [3, 4])
def test_one_sided_matches_scipy_smirnov(seed):
    n, d = random_grid(seed, 4000 if LONG else 120)
    ours = np.array([_core.smirnov_sf(int(k), float(x)) for k, x in zip(n, d)])
    ref = special.smirnov(n, d)
    assert_p_values_close(ours, ref)


def test_small_n_dense():
    for n in [1, 2, 3, 5, 10, 50, 139, 140, 141]:
        d = np.linspace(0.001, 0.999, 120)
        ours = [_core.kolmogorov_two_sided_sf(n, float(x)) for x in d]
        assert_p_values_close(ours, stats.kstwo.sf(d, n))
        ours = [_core.smirnov_sf(n, float(x)) for x in d]
        assert_p_values_close(ours, special.smirnov(n, d))


def test_bad_arguments():
    with pytest.raises(ValueError, match="n"):
        _core.kolmogorov_two_sided_sf(0, 0.5)
    with pytest.raises(ValueError):
        _core.smirnov_sf(-3, 0.5)
    with pytest.raises(ValueError):
        _core.kolmogorov_two_sided_sf(10, float("nan"))
