"""Distance scores and categorical tests (shiftguard.drift._scores).

Oracles: SciPy where SciPy has the quantity (energy_distance, wasserstein_distance,
chi2_contingency, jensenshannon), and plain NumPy written here for PSI, KL, Hellinger and
the L-infinity distance (same bins, same epsilon floor). The false-positive rate of the
chi-square and G tests is checked by seeded simulation."""

import math

import numpy as np
import pandas as pd
import pytest
import shiftguard
from conftest import LONG, assert_p_values_close
from scipy import stats
from scipy.spatial.distance import jensenshannon
from shiftguard import drift

# ---------------------------------------------------------------------------------------
# Oracles


def numpy_bins(ref, n_bins):
    """Interior edges at the reference quantiles, ties merged (the documented rule)."""
    ref = np.asarray(ref, dtype=np.float64)
    return np.unique(np.quantile(ref, np.arange(1, n_bins) / n_bins))


def numpy_histogram(values, edges):
    """Right-closed bins (edge[b-1], edge[b]]: the bin is the number of edges below x."""
    index = np.searchsorted(edges, np.asarray(values, dtype=np.float64), side="left")
    return np.bincount(index, minlength=edges.size + 1)


def numpy_scores(ref_counts, cur_counts, epsilon=1e-4):
    r = ref_counts / ref_counts.sum()
    c = cur_counts / cur_counts.sum()
    rf = np.maximum(r, epsilon)
    cf = np.maximum(c, epsilon)
    return {
        "psi": float(np.sum((cf - rf) * np.log(cf / rf))),
        "kl_divergence": float(np.sum(cf * np.log(cf / rf))),
        "hellinger": float(np.sqrt(np.sum((np.sqrt(r) - np.sqrt(c)) ** 2) / 2)),
        "linf": float(np.max(np.abs(r - c))),
    }


def random_sample(rng, kind, n, shift=0.0):
    if kind == "normal":
        return rng.normal(shift, 1.0, size=n)
    if kind == "ties":
        return np.round(rng.normal(shift, 2.0, size=n))
    if kind == "heavy":
        return rng.standard_t(2, size=n) + shift
    if kind == "zero_inflated":
        x = rng.exponential(1.0, size=n) + shift
        x[rng.random(n) < 0.6] = 0.0
        return x
    raise AssertionError(kind)


KINDS = ["normal", "ties", "heavy", "zero_inflated"]


def union_table(ref, cur):
    """The 2 x k contingency table over the categories seen in either sample."""
    categories = np.union1d(np.unique(ref), np.unique(cur))
    ref_counts = np.array([np.count_nonzero(ref == c) for c in categories])
    cur_counts = np.array([np.count_nonzero(cur == c) for c in categories])
    return categories, np.vstack([ref_counts, cur_counts])


# ---------------------------------------------------------------------------------------
# Numeric distances


def test_energy_and_wasserstein_match_scipy():
    rng = np.random.default_rng(1)
    n_cases = 800 if LONG else 200
    for case in range(n_cases):
        kind = KINDS[case % len(KINDS)]
        n_ref = int(rng.integers(1, 400))
        n_cur = int(rng.integers(1, 400))
        ref = random_sample(rng, kind, n_ref)
        cur = random_sample(rng, kind, n_cur, shift=rng.normal(0, 0.5))
        for ours, theirs in (
            (drift.energy_distance, stats.energy_distance),
            (drift.wasserstein_distance, stats.wasserstein_distance),
        ):
            result = ours(ref, cur)
            expected = theirs(ref, cur)
            assert result.n_reference == n_ref and result.n_current == n_cur
            assert math.isclose(result.statistic, expected, rel_tol=1e-10, abs_tol=1e-300), (
                case,
                kind,
                ours.__name__,
            )


def test_energy_and_wasserstein_float32_and_large():
    rng = np.random.default_rng(2)
    ref = rng.normal(size=100_000)
    cur = rng.normal(0.05, 1.1, size=80_000)
    assert math.isclose(
        float(drift.energy_distance(ref, cur)), stats.energy_distance(ref, cur), rel_tol=1e-10
    )
    assert math.isclose(
        float(drift.wasserstein_distance(ref, cur)),
        stats.wasserstein_distance(ref, cur),
        rel_tol=1e-10,
    )
    ref32, cur32 = ref.astype(np.float32), cur.astype(np.float32)
    # float32 data: same values as SciPy on the float32 samples promoted to float64.
    expected = stats.wasserstein_distance(ref32.astype(np.float64), cur32.astype(np.float64))
    assert math.isclose(float(drift.wasserstein_distance(ref32, cur32)), expected, rel_tol=1e-9)


def test_nan_policy_for_numeric_distances():
    ref = np.array([1.0, np.nan, 3.0, 4.0])
    cur = np.array([2.0, 5.0, np.inf])
    with pytest.raises(ValueError, match="ref contains NaN at index 1"):
        drift.energy_distance(ref, cur)
    result = drift.wasserstein_distance(ref, cur, nan_policy="omit")
    assert result.n_reference == 3 and result.n_current == 2
    assert math.isclose(
        result.statistic, stats.wasserstein_distance([1.0, 3.0, 4.0], [2.0, 5.0]), rel_tol=1e-12
    )
    with pytest.raises(ValueError, match="nan_policy must be one of"):
        drift.energy_distance(ref, cur, nan_policy="propagate")


@pytest.mark.parametrize("n_bins", [2, 5, 10, 20])
def test_binned_scores_match_numpy_and_scipy(n_bins):
    rng = np.random.default_rng(100 + n_bins)
    n_cases = 200 if LONG else 60
    for case in range(n_cases):
        kind = KINDS[case % len(KINDS)]
        ref = random_sample(rng, kind, int(rng.integers(1, 2000)))
        cur = random_sample(rng, kind, int(rng.integers(1, 2000)), shift=rng.normal(0, 0.7))
        edges = numpy_bins(ref, n_bins)
        ref_counts = numpy_histogram(ref, edges)
        cur_counts = numpy_histogram(cur, edges)
        expected = numpy_scores(ref_counts, cur_counts)
        for method in ("psi", "kl_divergence", "hellinger"):
            result = getattr(drift, method)(ref, cur, n_bins=n_bins)
            np.testing.assert_array_equal(result.bin_edges, edges)
            np.testing.assert_array_equal(result.reference_counts, ref_counts)
            np.testing.assert_array_equal(result.current_counts, cur_counts)
            assert math.isclose(result.statistic, expected[method], rel_tol=1e-9, abs_tol=1e-15), (
                case,
                method,
            )
        for base in (2.0, math.e, 10.0):
            result = drift.jensen_shannon(ref, cur, n_bins=n_bins, base=base)
            oracle = jensenshannon(ref_counts, cur_counts, base=base)
            assert math.isclose(result.statistic, oracle, rel_tol=1e-8, abs_tol=1e-12), case


def test_binned_scores_epsilon_and_proportions():
    ref = np.arange(100.0)
    cur = np.full(50, 1000.0)  # every current value in the top bin
    result = drift.psi(ref, cur, epsilon=1e-3)
    edges = numpy_bins(ref, 10)
    expected = numpy_scores(numpy_histogram(ref, edges), numpy_histogram(cur, edges), 1e-3)
    assert math.isclose(result.statistic, expected["psi"], rel_tol=1e-12)
    np.testing.assert_allclose(result.reference_proportions, np.full(10, 0.1))
    assert result.current_proportions[-1] == 1.0
    assert float(drift.hellinger(ref, cur)) == pytest.approx(math.sqrt(1 - math.sqrt(0.1)))
    # A constant reference leaves two bins.
    constant = drift.psi(np.full(20, 3.0), np.array([1.0, 3.0, 5.0]))
    np.testing.assert_array_equal(constant.bin_edges, [3.0])
    np.testing.assert_array_equal(constant.reference_counts, [20, 0])
    np.testing.assert_array_equal(constant.current_counts, [2, 1])


def test_binned_scores_float32_use_float64_edges():
    rng = np.random.default_rng(9)
    ref = rng.normal(size=3001).astype(np.float32)
    cur = rng.normal(0.3, size=2000).astype(np.float32)
    result = drift.psi(ref, cur)
    edges = numpy_bins(ref.astype(np.float64), 10)
    np.testing.assert_array_equal(result.bin_edges, edges)
    expected = numpy_scores(numpy_histogram(ref, edges), numpy_histogram(cur, edges))
    assert math.isclose(result.statistic, expected["psi"], rel_tol=1e-12)


def test_binned_scores_bad_input():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match=r"n_bins must be in \[2, 1000000\], got 1"):
        drift.psi(x, x, n_bins=1)
    with pytest.raises(TypeError, match="n_bins must be an int"):
        drift.psi(x, x, n_bins=2.5)
    with pytest.raises(ValueError, match=r"epsilon must be in \(0, 1\), got 0.0"):
        drift.kl_divergence(x, x, epsilon=0.0)
    with pytest.raises(ValueError, match="base must be a finite number > 0 other than 1"):
        drift.jensen_shannon(x, x, base=1)
    with pytest.raises(ValueError, match="cur has no finite values"):
        drift.hellinger(x, [np.nan, np.nan], nan_policy="omit")
    with pytest.raises(ValueError, match="ref must be 1-D"):
        drift.psi(np.zeros((3, 2)), x)
    with pytest.raises(TypeError, match="ref must hold numbers"):
        drift.energy_distance(np.array(["a", "b"], dtype=object), x)
    with pytest.raises(ValueError, match="ref has no finite values"):
        drift.wasserstein_distance([], x)


def test_results_render_html():
    binned = drift.psi(np.arange(20.0), np.arange(5.0, 25.0), n_bins=4)._repr_html_()
    assert binned.count("<tr>") == 5 and "(-inf, 4.75]" in binned
    assert "</table>" not in drift.energy_distance([1.0], [2.0])._repr_html_()
    test = drift.chi2_homogeneity(["a", "<b>"], ["a", "c"])._repr_html_()
    assert "&lt;b&gt;" in test and "p-value" in test and test.count("yes") == 1
    assert "linf" in drift.categorical_distance([1], [2], method="linf")._repr_html_()


def test_results_are_frozen_and_exported():
    result = drift.psi(np.arange(20.0), np.arange(20.0))
    with pytest.raises(AttributeError):
        result.statistic = 1.0
    assert result.to_dict()["method"] == "psi"
    assert shiftguard.drift.DistanceResult is type(result)


# ---------------------------------------------------------------------------------------
# Categorical tests


def test_chi2_and_g_test_match_scipy_on_random_tables():
    rng = np.random.default_rng(7)
    n_cases = 800 if LONG else 250
    for case in range(n_cases):
        k_ref = int(rng.integers(1, 8))
        k_cur = int(rng.integers(1, 8))
        ref = rng.integers(0, k_ref, size=int(rng.integers(1, 300)))
        cur = rng.integers(0, k_cur, size=int(rng.integers(1, 300))) + int(rng.integers(0, 3))
        categories, table = union_table(ref, cur)
        for yates in (False, True):
            for ours, lambda_ in ((drift.chi2_homogeneity, None), (drift.g_test, "log-likelihood")):
                result = ours(ref, cur, yates_correction=yates)
                expected = stats.chi2_contingency(table, correction=yates, lambda_=lambda_)
                assert result.dof == expected.dof
                assert result.yates_correction == (yates and expected.dof == 1)
                assert math.isclose(
                    result.statistic, expected.statistic, rel_tol=1e-10, abs_tol=1e-12
                ), (case, yates, lambda_)
                assert_p_values_close([result.p_value], [expected.pvalue])
                assert result.categories == tuple(int(c) for c in categories)
                np.testing.assert_array_equal(result.reference_counts, table[0])
                np.testing.assert_array_equal(result.current_counts, table[1])
                unseen = tuple(int(c) for c, n in zip(categories, table[0]) if n == 0)
                assert result.unseen_categories == unseen


def test_categorical_distances_match_scipy_and_numpy():
    rng = np.random.default_rng(8)
    for case in range(150):
        ref = rng.integers(0, int(rng.integers(1, 10)), size=int(rng.integers(1, 500)))
        cur = rng.integers(0, int(rng.integers(1, 12)), size=int(rng.integers(1, 500)))
        _, table = union_table(ref, cur)
        expected = numpy_scores(table[0], table[1], epsilon=1e-4)
        psi = drift.categorical_distance(ref, cur, method="psi")
        assert math.isclose(psi.statistic, expected["psi"], rel_tol=1e-10, abs_tol=1e-15), case
        linf = drift.categorical_distance(ref, cur, method="linf")
        assert math.isclose(linf.statistic, expected["linf"], rel_tol=1e-12, abs_tol=0), case
        for base in (2.0, math.e):
            js = drift.categorical_distance(ref, cur, method="jensen_shannon", base=base)
            oracle = jensenshannon(table[0], table[1], base=base)
            assert math.isclose(js.statistic, oracle, rel_tol=1e-8, abs_tol=1e-12), case


def test_strings_pandas_and_unseen_categories_by_name():
    ref = pd.Series(["red", "green", "green", "blue"] * 25, dtype="category")
    cur = ["red", "red", "green", "purple", "blue", None] * 10
    with pytest.raises(ValueError, match=r"cur contains a missing value \(NaN/None\) at index 5"):
        drift.chi2_homogeneity(ref, cur)
    result = drift.chi2_homogeneity(ref, cur, nan_policy="omit")
    assert result.unseen_categories == ("purple",)
    assert result.n_missing_current == 10 and result.n_current == 50
    assert set(result.categories) == {"red", "green", "blue", "purple"}
    # Same numbers as SciPy on the table by name.
    names = list(result.categories)
    ref_list = list(ref)
    cur_list = [c for c in cur if c is not None]
    table = np.array([[ref_list.count(n) for n in names], [cur_list.count(n) for n in names]])
    expected = stats.chi2_contingency(table, correction=False)
    assert math.isclose(result.statistic, expected.statistic, rel_tol=1e-12)
    assert math.isclose(result.p_value, expected.pvalue, rel_tol=1e-10)
    frame = result.to_frame()
    assert bool(frame.loc["purple", "unseen"]) and frame.loc["purple", "reference"] == 0
    # Two Categoricals with the same categories use their codes; unused categories vanish.
    cats = ["a", "b", "c", "z"]
    a = pd.Categorical(["a", "b", "b", "c"], categories=cats)
    b = pd.Categorical(["a", "a", "c", "c"], categories=cats)
    fast = drift.g_test(a, b)
    slow = drift.g_test(list(a), list(b))
    assert fast.categories == ("a", "b", "c") == slow.categories
    assert fast.statistic == slow.statistic
    # Negative integers are categories too (encoded), not missing values.
    neg = drift.categorical_distance([-1, -1, 2], [2, 2, -1], method="linf")
    assert neg.categories == (-1, 2) and math.isclose(neg.statistic, 1 / 3, rel_tol=1e-12)


def test_encoding_equals_factorize_on_the_union():
    from shiftguard.drift._scores import _encode

    rng = np.random.default_rng(11)
    pool = np.array(["a", "b", None, 3, 3.5, np.nan, "zz", ("t", 1)], dtype=object)
    for _ in range(50):
        ref = pool[rng.integers(0, pool.size, size=int(rng.integers(0, 30)))]
        cur = pool[rng.integers(0, pool.size, size=int(rng.integers(0, 30)))]
        ref_codes, cur_codes, labels = _encode(ref, cur)
        codes, uniques = pd.factorize(np.concatenate([ref, cur]))
        np.testing.assert_array_equal(np.concatenate([ref_codes, cur_codes]), codes)
        assert list(labels) == list(np.asarray(uniques, dtype=object))


def test_single_category_and_tiny_samples():
    one = drift.chi2_homogeneity(["x"] * 3, ["x"])
    assert (one.statistic, one.p_value, one.dof) == (0.0, 1.0, 0)
    assert drift.g_test([1], [1]).p_value == 1.0
    assert float(drift.categorical_distance(["x"], ["x"], method="jensen_shannon")) == 0.0
    tiny = drift.chi2_homogeneity(["x"], ["y"])
    assert tiny.dof == 1 and tiny.unseen_categories == ("y",)
    assert math.isclose(
        tiny.statistic, stats.chi2_contingency([[1, 0], [0, 1]], correction=False).statistic
    )
    assert tiny.min_expected == 0.5


def test_categorical_bad_input():
    with pytest.raises(ValueError, match="ref must hold at least one non-missing category"):
        drift.chi2_homogeneity([], [1, 2])
    with pytest.raises(ValueError, match="cur must hold at least one non-missing category"):
        drift.g_test([1, 2], [None, np.nan], nan_policy="omit")
    with pytest.raises(ValueError, match="method must be one of 'psi', 'jensen_shannon'"):
        drift.categorical_distance([1], [1], method="kl")
    with pytest.raises(TypeError, match="yates_correction must be a bool"):
        drift.chi2_homogeneity([1], [1], yates_correction="yes")
    with pytest.raises(ValueError, match="ref must be 1-D"):
        drift.chi2_homogeneity(np.zeros((2, 2), dtype=int), [1])
    with pytest.raises(TypeError, match="ref must be a 1-D array of categories"):
        drift.chi2_homogeneity("abc", ["a"])
    with pytest.raises(ValueError, match=r"epsilon must be in \(0, 1\)"):
        drift.categorical_distance([1], [1], epsilon=1.5)
    # The compiled layer checks too.
    with pytest.raises(ValueError, match="test must be 'chi2' or 'g-test'"):
        shiftguard._core.categorical_test(np.zeros(2, np.int64), np.zeros(2, np.int64), "fisher")
    with pytest.raises(TypeError, match="ref must have dtype int64"):
        shiftguard._core.categorical_test(np.zeros(2), np.zeros(2, np.int64))
    with pytest.raises(ValueError, match=r"cur contains a missing value \(code -1\) at index 0"):
        shiftguard._core.categorical_test(np.zeros(2, np.int64), np.array([-1], np.int64))


def test_count_categories_core():
    codes, counts, n_missing = shiftguard._core.count_categories(
        np.array([5, 1, 5, -1, 5], dtype=np.int64), "omit"
    )
    np.testing.assert_array_equal(codes, [1, 5])
    np.testing.assert_array_equal(counts, [1, 3])
    assert n_missing == 1


# ---------------------------------------------------------------------------------------
# Validity: false-positive rate under no drift


@pytest.mark.parametrize("method", ["chi2", "g-test"])
def test_categorical_tests_false_positive_rate(method):
    rng = np.random.default_rng(2024 if method == "chi2" else 2025)
    n_reps = 2000 if LONG else 500
    probabilities = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
    function = drift.chi2_homogeneity if method == "chi2" else drift.g_test
    rejections = 0
    for _ in range(n_reps):
        ref = rng.choice(5, size=400, p=probabilities)
        cur = rng.choice(5, size=300, p=probabilities)
        rejections += function(ref, cur).p_value < 0.05
    low, high = stats.binom.ppf([0.005, 0.995], n_reps, 0.05)
    assert low <= rejections <= high, (method, rejections, low, high)


def test_categorical_tests_detect_a_new_category():
    rng = np.random.default_rng(3)
    ref = rng.choice(["a", "b", "c"], size=1000)
    cur = np.concatenate([rng.choice(["a", "b", "c"], size=450), np.full(50, "d")])
    result = drift.chi2_homogeneity(ref, cur)
    assert result.p_value < 1e-10 and result.unseen_categories == ("d",)
