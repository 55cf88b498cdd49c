"""shiftguard.KSDrift: per-feature results equal a SciPy loop; layouts, dtypes, DataFrames,
corrections, determinism across thread counts, and bad input."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from conftest import assert_p_values_close
from scipy import stats

import shiftguard


def scipy_loop(x_ref, x):
    results = [stats.ks_2samp(x_ref[:, j], x[:, j]) for j in range(x_ref.shape[1])]
    return np.array([r.statistic for r in results]), np.array([r.pvalue for r in results])


@pytest.fixture
def data():
    rng = np.random.default_rng(99)
    x_ref = rng.normal(size=(2000, 6))
    x = rng.normal(size=(1500, 6))
    x[:, 2] += 0.3
    x[:, 4] *= 1.4
    return x_ref, x


def test_equals_scipy_loop(data):
    x_ref, x = data
    result = shiftguard.KSDrift(x_ref).predict(x)
    statistic, p_value = scipy_loop(x_ref, x)
    np.testing.assert_allclose(result.statistics, statistic, atol=1e-10, rtol=0)
    assert_p_values_close(result.p_values, p_value)
    assert result.is_drift
    assert result.drifted_features == ("f2", "f4")
    assert result.threshold == pytest.approx(0.05 / 6)
    np.testing.assert_allclose(result.corrected_p_values, np.minimum(1, 6 * p_value), rtol=1e-8)


def test_large_samples_use_the_asymptotic_distribution_like_scipy():
    rng = np.random.default_rng(4)
    x_ref = rng.normal(size=(12000, 3))
    x = rng.normal(0.02, size=(11000, 3))
    result = shiftguard.KSDrift(x_ref).predict(x)
    statistic, p_value = scipy_loop(x_ref, x)
    np.testing.assert_allclose(result.statistics, statistic, atol=1e-10, rtol=0)
    assert_p_values_close(result.p_values, p_value)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_layouts_and_dtypes_agree(data, dtype, order):
    x_ref, x = data
    expected = shiftguard.KSDrift(x_ref.astype(dtype)).predict(x.astype(dtype))
    detector = shiftguard.KSDrift(np.asarray(x_ref, dtype=dtype, order=order))
    assert detector.dtype == dtype
    result = detector.predict(np.asarray(x, dtype=dtype, order=order))
    np.testing.assert_array_equal(result.p_values, expected.p_values)
    # strided views (every other row, a column slice) are read in place
    view = np.asarray(x, dtype=dtype, order=order)[::2]
    direct = detector.predict(np.ascontiguousarray(view))
    np.testing.assert_array_equal(detector.predict(view).p_values, direct.p_values)
    # negative strides are copied, same answer
    flipped = np.asarray(x, dtype=dtype, order=order)[::-1]
    np.testing.assert_array_equal(detector.predict(flipped).p_values, expected.p_values)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_predict_does_not_copy_the_batch(dtype, order):
    rng = np.random.default_rng(0)
    x_ref = rng.normal(size=(500, 200)).astype(dtype)
    x = np.asarray(rng.normal(size=(4000, 200)), dtype=dtype, order=order)  # 3.2-6.4 MB
    detector = shiftguard.KSDrift(x_ref)
    tracemalloc.start()
    detector.predict(x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # NumPy allocations are traced: a copy of x would show up as >= x.nbytes.
    assert peak < x.nbytes / 4


def test_float32_matches_scipy_on_float32_values():
    rng = np.random.default_rng(8)
    x_ref = rng.normal(size=(800, 3)).astype(np.float32)
    x = rng.normal(0.1, size=(900, 3)).astype(np.float32)
    result = shiftguard.KSDrift(x_ref).predict(x)
    statistic, p_value = scipy_loop(x_ref, x)
    np.testing.assert_allclose(result.statistics, statistic, atol=1e-10, rtol=0)
    assert_p_values_close(result.p_values, p_value)


def test_integer_input_is_converted():
    rng = np.random.default_rng(1)
    x_ref = rng.integers(0, 10, size=(300, 2))
    x = rng.integers(0, 10, size=(200, 2))
    result = shiftguard.KSDrift(x_ref).predict(x)
    _, p_value = scipy_loop(x_ref.astype(float), x.astype(float))
    assert_p_values_close(result.p_values, p_value)


def test_same_bits_whatever_the_thread_count(data):
    x_ref, x = data
    one = shiftguard.KSDrift(x_ref, n_threads=1).predict(x)
    two = shiftguard.KSDrift(x_ref, n_threads=2).predict(x)
    many = shiftguard.KSDrift(x_ref, n_threads=7).predict(x)
    for other in (two, many):
        np.testing.assert_array_equal(one.p_values, other.p_values)
        np.testing.assert_array_equal(one.statistics, other.statistics)
        np.testing.assert_array_equal(one.corrected_p_values, other.corrected_p_values)


def test_dataframe_keeps_column_names_and_aligns_by_name(data):
    x_ref, x = data
    names = ["age", "income", "tenure", "sessions", "basket", "score"]
    frame_ref = pd.DataFrame(x_ref, columns=names)
    frame = pd.DataFrame(x, columns=names)
    detector = shiftguard.KSDrift(frame_ref)
    result = detector.predict(frame)
    assert result.feature_names == tuple(names)
    assert result.drifted_features == ("tenure", "basket")
    shuffled = frame[names[::-1]]
    np.testing.assert_array_equal(detector.predict(shuffled).p_values, result.p_values)
    extra = frame.assign(unused=1.0)
    np.testing.assert_array_equal(detector.predict(extra).p_values, result.p_values)
    with pytest.raises(ValueError, match=r"x lacks column\(s\) \['score'\]"):
        detector.predict(frame.rename(columns={"score": "points"}))
    table = result.to_frame()
    assert list(table.index) == names
    assert list(table.columns) == ["statistic", "p_value", "corrected_p_value", "drifted"]
    assert "<table>" in result._repr_html_()
    mixed = frame_ref.assign(score=frame_ref["score"].astype(np.float32))
    assert shiftguard.KSDrift(mixed).dtype == np.float64


def test_to_dict_has_alibi_detect_layout(data):
    x_ref, x = data
    result = shiftguard.KSDrift(x_ref).predict(x)
    out = result.to_dict()
    assert set(out) == {"meta", "data"}
    assert set(out["data"]) == {"is_drift", "p_val", "threshold", "distance"}
    assert out["data"]["is_drift"] == 1
    assert out["meta"]["name"] == "KSDrift"
    assert out["meta"]["detector_type"] == "drift"
    np.testing.assert_array_equal(out["data"]["p_val"], result.p_values)
    feature = shiftguard.KSDrift(x_ref).predict(x, drift_type="feature").to_dict()
    np.testing.assert_array_equal(feature["data"]["is_drift"], [0, 0, 1, 0, 1, 0])
    assert feature["data"]["threshold"] == 0.05


def test_fdr_correction_matches_benjamini_hochberg(data):
    x_ref, x = data
    result = shiftguard.KSDrift(x_ref, correction="fdr").predict(x)
    p = result.p_values
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1)
    expected = np.empty_like(adjusted)
    expected[order] = adjusted
    np.testing.assert_allclose(result.corrected_p_values, expected, rtol=1e-12)
    np.testing.assert_array_equal(result.feature_is_drift, expected < 0.05)
    assert result.correction == "fdr"


def test_false_positive_rate_under_no_drift():
    """Seeded simulation: family-wise false alarm rate of Bonferroni at 0.05 is <= 0.05."""
    rng = np.random.default_rng(2024)
    x_ref = rng.normal(size=(300, 8))
    detector = shiftguard.KSDrift(x_ref, p_val=0.05)
    alarms = sum(detector.predict(rng.normal(size=(300, 8))).is_drift for _ in range(300))
    # Binomial(300, <=0.05): mean <= 15; P(X > 28) < 1e-3
    assert alarms <= 28


def test_power_against_a_small_shift():
    rng = np.random.default_rng(2025)
    x_ref = rng.normal(size=(2000, 4))
    hits = sum(
        shiftguard.KSDrift(x_ref).predict(rng.normal(0.15, 1, size=(2000, 4))).is_drift
        for _ in range(20)
    )
    assert hits >= 18


def test_nan_policy_omit(data):
    x_ref, x = data
    x = x.copy()
    x[5, 1] = np.nan
    x[9, 3] = -np.inf
    result = shiftguard.KSDrift(x_ref, nan_policy="omit").predict(x)
    assert list(result.n_current) == [1500, 1499, 1500, 1499, 1500, 1500]
    ref = stats.ks_2samp(x_ref[:, 1], x[np.isfinite(x[:, 1]), 1])
    assert result.p_values[1] == pytest.approx(ref.pvalue, rel=1e-8)


@pytest.mark.parametrize(
    ("make_x", "error", "fragment"),
    [
        (lambda x: np.where(np.arange(6) == 3, np.nan, x), ValueError, "x contains NaN at row 0, column 3"),
        (lambda x: x[:1], ValueError, "x must have at least 2 rows"),
        (lambda x: x[:0], ValueError, "x must have at least 2 rows"),
        (lambda x: x[:, :5], ValueError, "x has 5 columns but the detector was fitted on 6"),
        (lambda x: x[:, 0], ValueError, "x must be 2-D"),
        (lambda x: x[None], ValueError, "x must be 2-D"),
        (lambda x: x.astype(complex), TypeError, "complex"),
        (lambda x: x.astype(str), TypeError, "x must hold numbers"),
        (lambda x: x.astype(object), TypeError, "dtype object"),
        (lambda x: pd.DataFrame(x).assign(**{"0": "text"}), TypeError, "column '0' must be numeric"),
    ],
)
def test_predict_rejects_bad_input(data, make_x, error, fragment):
    x_ref, x = data
    detector = shiftguard.KSDrift(x_ref)
    with pytest.raises(error, match=fragment):
        detector.predict(make_x(x))
    # the detector still works afterwards: nothing was lost
    assert detector.predict(x).is_drift


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"p_val": 0.0}, ValueError, r"p_val must be in \(0, 1\)"),
        ({"p_val": 1.5}, ValueError, r"p_val must be in \(0, 1\)"),
        ({"p_val": "0.05"}, TypeError, "p_val must be a number"),
        ({"correction": "hommel"}, ValueError, "correction must be one of"),
        ({"alternative": "up"}, ValueError, "alternative must be one of"),
        ({"nan_policy": "skip"}, ValueError, "nan_policy must be one of"),
        ({"n_threads": 0}, ValueError, "n_threads must be a positive int"),
        ({"n_threads": 1.5}, TypeError, "n_threads must be a positive int"),
        ({"feature_names": ["a"]}, ValueError, "feature_names has 1 names"),
    ],
)
def test_constructor_rejects_bad_options(data, kwargs, error, fragment):
    x_ref, _ = data
    with pytest.raises(error, match=fragment):
        shiftguard.KSDrift(x_ref, **kwargs)


def test_constructor_rejects_bad_reference():
    with pytest.raises(ValueError, match="x_ref contains an infinite value at row 1, column 0"):
        shiftguard.KSDrift(np.array([[0.0, 1.0], [np.inf, 2.0], [1.0, 3.0]]))
    with pytest.raises(ValueError, match="x_ref must have at least 2 rows"):
        shiftguard.KSDrift(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="at least one column"):
        shiftguard.KSDrift(np.zeros((5, 0)))
    with pytest.raises(ValueError, match="x_ref must be 2-D"):
        shiftguard.KSDrift(np.zeros(5))
    with pytest.raises(TypeError, match="x_ref must hold numbers"):
        shiftguard.KSDrift([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match="x_ref column 0 has fewer than 2 finite values"):
        shiftguard.KSDrift(np.array([[np.nan, 1.0], [np.nan, 2.0]]), nan_policy="omit")


def test_core_rejects_wrong_dtype_directly():
    with pytest.raises(TypeError, match="x_ref must have dtype float64"):
        shiftguard._core.KSDetectorFloat64(np.zeros((3, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="x_ref must be 2-D"):
        shiftguard._core.KSDetectorFloat64(np.zeros(3))


def test_repr_and_properties(data):
    x_ref, _ = data
    detector = shiftguard.KSDrift(x_ref, correction="bh")
    assert detector.correction == "fdr"
    assert detector.n_features == 6
    assert detector.n_reference == 2000
    assert "KSDrift(n_reference=2000" in repr(detector)
