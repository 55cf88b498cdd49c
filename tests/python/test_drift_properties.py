"""Property tests (hypothesis): shiftguard.ks_2samp equals SciPy on arbitrary finite
samples (extreme magnitudes, subnormals, signed zeros, heavy ties), and KSDrift never
crashes on arbitrary arrays: it answers or raises ValueError/TypeError."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

import shiftguard

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
tie_heavy = st.sampled_from([-1.0, -0.0, 0.0, 0.5, 1.0, 5e-324, 1e308])
samples = st.lists(st.one_of(finite, tie_heavy), min_size=2, max_size=40)


@settings(max_examples=300, deadline=None)
@given(samples, samples, st.sampled_from(["two-sided", "less", "greater"]))
def test_ks_2samp_equals_scipy(a, b, alternative):
    ours = shiftguard.ks_2samp(a, b, alternative=alternative)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = stats.ks_2samp(a, b, alternative=alternative)
    assert abs(ours.statistic - ref.statistic) <= 1e-10
    if ref.pvalue > 1e-300:
        assert abs(ours.p_value - ref.pvalue) <= 1e-8 * ref.pvalue
    assert 0.0 <= ours.p_value <= 1.0
    assert 0.0 <= ours.statistic <= 1.0


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6),
    elements=None,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays, st.sampled_from(["raise", "omit"]))
def test_detector_answers_or_raises_cleanly(x, nan_policy):
    x_ref = np.random.default_rng(0).normal(size=(20, 3))
    detector = shiftguard.KSDrift(x_ref, nan_policy=nan_policy)
    try:
        result = detector.predict(x)
    except (ValueError, TypeError):
        return
    assert x.ndim == 2 and x.shape[1] == 3 and x.shape[0] >= 2
    assert np.all((result.p_values >= 0) & (result.p_values <= 1))
