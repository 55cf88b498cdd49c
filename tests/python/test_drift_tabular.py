"""TabularDrift: per-feature results against SciPy and the standalone functions, the
missingness test against SciPy, min_effect_size, calibration, DataFrame round trips,
unseen categories, save/load/pickle, bad input, and a false-positive-rate simulation."""

import os
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import shiftguard
from shiftguard.drift import TabularDrift, TabularDriftResult

LONG = os.environ.get("SHIFTGUARD_LONG_TESTS") == "1"


def _matrix(rng, n, shift=0.0, p=(0.4, 0.3, 0.2, 0.1)):
    x = np.empty((n, 3))
    x[:, 0] = rng.normal(size=n)
    x[:, 1] = rng.normal(size=n) + shift
    x[:, 2] = rng.choice(4, size=n, p=p)
    return x


def _scipy_test(test, ref, cur):
    """(statistic, p-value) of the p-value test as SciPy computes it."""
    if test == "ks":
        r = stats.ks_2samp(ref, cur)
    elif test == "cvm":
        r = stats.cramervonmises_2samp(ref, cur)
    elif test == "anderson_darling":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.anderson_ksamp([ref, cur])
        return r.statistic, r.pvalue
    elif test == "mann_whitney":
        r = stats.mannwhitneyu(ref, cur)
    else:
        r = stats.ttest_ind(ref, cur, equal_var=False)
    return r.statistic, r.pvalue


@pytest.mark.parametrize("test", ["ks", "cvm", "anderson_darling", "mann_whitney", "welch_t"])
@pytest.mark.parametrize("categorical_test", ["chi2", "g_test"])
def test_p_value_tests_match_scipy(test, categorical_test):
    rng = np.random.default_rng(1)
    x_ref = _matrix(rng, 400)
    x = _matrix(rng, 300, shift=0.25, p=(0.35, 0.3, 0.2, 0.15))
    detector = TabularDrift(
        x_ref,
        categories_per_feature={2: None},
        tests={0: test, 1: test, 2: categorical_test},
        correction="holm",
    )
    result = detector.predict(x)
    assert isinstance(result, TabularDriftResult)
    for k in (0, 1):
        statistic, p = _scipy_test(test, x_ref[:, k], x[:, k])
        assert result.statistics[k] == pytest.approx(statistic, rel=1e-8, abs=1e-12)
        assert result.p_values[k] == pytest.approx(p, rel=1e-8, abs=1e-14)
    ref_counts = np.bincount(x_ref[:, 2].astype(int), minlength=4)
    cur_counts = np.bincount(x[:, 2].astype(int), minlength=4)
    lambda_ = None if categorical_test == "chi2" else "log-likelihood"
    chi = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False,
                                 lambda_=lambda_)
    assert result.statistics[2] == pytest.approx(chi.statistic, rel=1e-8)
    assert result.p_values[2] == pytest.approx(chi.pvalue, rel=1e-8)
    assert result.effect_sizes[2] == pytest.approx(np.sqrt(chi.statistic / 700), rel=1e-10)
    # Holm over the three p-values, as a NumPy computation.
    order = np.argsort(result.p_values)
    rejected = np.zeros(3, bool)
    for rank, k in enumerate(order):
        if result.p_values[k] < 0.05 / (3 - rank):
            rejected[k] = True
        else:
            break
    np.testing.assert_array_equal(result.significant, rejected)
    assert "Holm" in result.reasons[1]


def test_effect_sizes_are_the_documented_ones():
    rng = np.random.default_rng(2)
    x_ref, x = _matrix(rng, 500), _matrix(rng, 400, shift=0.3)
    tests = {"ks": None, "mann_whitney": None, "welch_t": None}
    for test in tests:
        result = TabularDrift(x_ref, categories_per_feature=[2], tests={1: test}).predict(x)
        ref, cur = x_ref[:, 1], x[:, 1]
        if test == "ks":
            expected = stats.ks_2samp(ref, cur).statistic
        elif test == "mann_whitney":
            u = stats.mannwhitneyu(ref, cur).statistic
            expected = abs(2 * u / (len(ref) * len(cur)) - 1)
        else:
            pooled = np.sqrt((ref.var(ddof=1) + cur.var(ddof=1)) / 2)
            expected = abs(ref.mean() - cur.mean()) / pooled
        assert result.effect_sizes[1] == pytest.approx(expected, rel=1e-9)


def test_distance_scores_equal_the_standalone_functions():
    rng = np.random.default_rng(3)
    x_ref, x = _matrix(rng, 500), _matrix(rng, 400, shift=0.4, p=(0.2, 0.3, 0.3, 0.2))
    for test, function in [
        ("psi", shiftguard.drift.psi),
        ("jensen_shannon", shiftguard.drift.jensen_shannon),
        ("kl", shiftguard.drift.kl_divergence),
        ("hellinger", shiftguard.drift.hellinger),
    ]:
        result = TabularDrift(
            x_ref, categories_per_feature=[2], tests={1: test}, thresholds={1: 0.1}
        ).predict(x)
        expected = function(x_ref[:, 1], x[:, 1]).statistic
        assert result.statistics[1] == pytest.approx(expected, rel=1e-12)
        assert np.isnan(result.p_values[1])
        assert result.feature_is_drift[1] == (expected > 0.1)
    result = TabularDrift(
        x_ref, categories_per_feature=[2], tests={0: "energy", 1: "wasserstein"},
        thresholds={0: 0.1, 1: 0.1},
    ).predict(x)
    assert result.statistics[0] == pytest.approx(stats.energy_distance(x_ref[:, 0], x[:, 0]),
                                                 rel=1e-9)
    w = stats.wasserstein_distance(x_ref[:, 1], x[:, 1])
    assert result.statistics[1] == pytest.approx(w, rel=1e-9)
    assert result.effect_sizes[1] == pytest.approx(w / x_ref[:, 1].std(), rel=1e-9)
    for test in ("psi", "jensen_shannon", "linf"):
        result = TabularDrift(
            x_ref, categories_per_feature=[2], tests={2: test}, thresholds={2: 0.05}
        ).predict(x)
        expected = shiftguard.drift.categorical_distance(x_ref[:, 2].astype(int),
                                                         x[:, 2].astype(int), method=test)
        assert result.statistics[2] == pytest.approx(expected.statistic, rel=1e-12)
    p_ref = np.bincount(x_ref[:, 2].astype(int), minlength=4) / 500
    p_cur = np.bincount(x[:, 2].astype(int), minlength=4) / 400
    assert result.statistics[2] == pytest.approx(np.abs(p_ref - p_cur).max(), rel=1e-12)


def test_missingness_test_matches_scipy():
    rng = np.random.default_rng(4)
    x_ref, x = _matrix(rng, 500), _matrix(rng, 400)
    x_ref[rng.choice(500, 25, replace=False), 0] = np.nan
    x[rng.choice(400, 60, replace=False), 0] = np.nan
    x[:10, 2] = np.nan
    detector = TabularDrift(x_ref, categories_per_feature=[2], nan_policy="omit")
    result = detector.predict(x)
    table = np.array([[25, 475], [60, 340]])
    chi = stats.chi2_contingency(table, correction=False)
    assert result.missing_p_values[0] == pytest.approx(chi.pvalue, rel=1e-9)
    assert result.missing_fraction_current[0] == pytest.approx(0.15)
    assert result.missing_drift[0] and result.feature_is_drift[0]
    assert "missingness drifted" in result.reasons[0]
    chi2 = stats.chi2_contingency(np.array([[0, 500], [10, 390]]), correction=False)
    assert result.missing_p_values[2] == pytest.approx(chi2.pvalue, rel=1e-9)
    assert result.missing_p_values[1] == 1.0
    assert result.family_size == 6
    # The test of column 0 ran on the finite values only.
    ks = stats.ks_2samp(x_ref[:, 0][~np.isnan(x_ref[:, 0])], x[:, 0][~np.isnan(x[:, 0])])
    assert result.p_values[0] == pytest.approx(ks.pvalue, rel=1e-8)
    assert result.n_current[0] == 340


def test_min_effect_size_suppresses_tiny_significant_effects():
    rng = np.random.default_rng(5)
    x_ref, x = _matrix(rng, 30000), _matrix(rng, 30000, shift=0.05)
    plain = TabularDrift(x_ref, categories_per_feature=[2], tests={1: "welch_t"}).predict(x)
    assert plain.significant[1] and plain.feature_is_drift[1]
    guarded = TabularDrift(
        x_ref, categories_per_feature=[2], tests={1: "welch_t"}, min_effect_size={"f1": 0.2}
    ).predict(x)
    assert guarded.significant[1] and not guarded.feature_is_drift[1]
    assert "not called drift" in guarded.reasons[1]
    assert guarded.min_effect_sizes[1] == 0.2 and guarded.min_effect_sizes[0] == 0.0
    glob = TabularDrift(x_ref, categories_per_feature=[2], tests={1: "welch_t"},
                        min_effect_size=0.2).predict(x)
    assert not glob.feature_is_drift[1]


def test_calibrated_scores_enter_the_correction_and_detect_shift():
    rng = np.random.default_rng(6)
    x_ref, x = _matrix(rng, 600), _matrix(rng, 300, shift=0.6, p=(0.1, 0.3, 0.3, 0.3))
    detector = TabularDrift(
        x_ref, categories_per_feature=[2], tests={0: "hellinger", 1: "psi", 2: "jensen_shannon"},
        calibrate=True, n_bootstraps=99, seed=3,
    )
    result = detector.predict(x)
    assert result.family_size == 3
    assert result.feature_is_drift[1] and result.feature_is_drift[2]
    assert result.p_values[1] == pytest.approx(1 / 100)
    assert result.statistics[1] > result.thresholds[1]
    again = detector.predict(x)
    np.testing.assert_array_equal(result.thresholds, again.thresholds)
    other = TabularDrift(
        x_ref, categories_per_feature=[2], tests={0: "hellinger", 1: "psi", 2: "jensen_shannon"},
        calibrate=True, n_bootstraps=99, seed=3, n_threads=1,
    ).predict(x)
    np.testing.assert_array_equal(result.thresholds, other.thresholds)
    np.testing.assert_array_equal(result.p_values, other.p_values)


def test_dataframe_round_trip_with_names_and_unseen_categories():
    rng = np.random.default_rng(7)
    ref = pd.DataFrame({
        "age": rng.normal(40, 10, 1000),
        "plan": rng.choice(["basic", "pro"], 1000),
        "churned": rng.choice([True, False], 1000),
        "region": pd.Categorical(rng.choice(["n", "s"], 1000)),
        "visits": rng.poisson(3, 1000),
    })
    cur = ref.sample(frac=0.5, random_state=1).reset_index(drop=True)
    cur.loc[:9, "plan"] = "team"
    cur.loc[10:14, "plan"] = "enterprise"
    cur = cur[["visits", "region", "churned", "plan", "age"]]  # other order
    detector = TabularDrift(ref, tests={"visits": "mann_whitney"})
    assert detector.categorical_columns == (1, 2, 3)
    assert detector.tests == ("ks", "chi2", "chi2", "chi2", "mann_whitney")
    result = detector.predict(cur)
    assert result.feature_names == ("age", "plan", "churned", "region", "visits")
    assert result.unseen_categories[1] == ("team", "enterprise")
    assert result.unseen_categories[0] == ()
    frame = result.to_frame()
    assert list(frame.index) == list(result.feature_names)
    assert frame.loc["plan", "unseen_categories"] == ["team", "enterprise"]
    assert frame.loc["plan", "drifted"]
    # The categorical test is the chi-square on the table over the union of categories.
    ref_counts = ref["plan"].value_counts()
    cur_counts = cur["plan"].value_counts()
    labels = ["basic", "pro", "team", "enterprise"]
    table = np.array([[ref_counts.get(c, 0) for c in labels],
                      [cur_counts.get(c, 0) for c in labels]])
    chi = stats.chi2_contingency(table, correction=False)
    assert result.p_values[1] == pytest.approx(chi.pvalue, rel=1e-8)
    d = result.to_dict()
    assert set(d) == {"meta", "data"}
    assert set(d["data"]) == {"is_drift", "p_val", "threshold", "distance"}
    assert d["meta"]["name"] == "TabularDrift"
    assert d["data"]["is_drift"] == 1
    assert "plan" in result.table() and "<table>" in result._repr_html_()
    with pytest.raises(ValueError, match="lacks column"):
        detector.predict(cur.drop(columns="age"))


def test_save_load_and_pickle_give_identical_predictions(tmp_path):
    rng = np.random.default_rng(8)
    ref = pd.DataFrame({"a": rng.normal(size=500), "b": rng.choice(["x", "y", "z"], 500),
                        "c": rng.choice([1, 2, 3], 500).astype(object)})
    ref.loc[:20, "a"] = np.nan
    cur = pd.DataFrame({"a": rng.normal(0.2, 1, 300), "b": rng.choice(["x", "y", "w"], 300),
                        "c": rng.choice([1, 2, 4], 300).astype(object)})
    detector = TabularDrift(ref, tests={"a": "psi", "b": "linf"}, calibrate=True,
                            n_bootstraps=40, nan_policy="omit", seed=5)
    expected = detector.predict(cur)
    for clone in (
        TabularDrift.load(detector.save()),
        TabularDrift.load(detector.save(tmp_path / "d.sgd") and tmp_path / "d.sgd"),
        pickle.loads(pickle.dumps(detector)),
    ):
        got = clone.predict(cur)
        for name in ("statistics", "p_values", "thresholds", "effect_sizes",
                     "missing_p_values", "feature_is_drift"):
            np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))
        assert got.unseen_categories == expected.unseen_categories == ((), ("w",), (4,))
        assert got.reasons == expected.reasons
    data = detector.save()
    with pytest.raises(ValueError, match="cannot load"):
        TabularDrift.load(data[: len(data) // 2])
    corrupted = bytearray(data)
    corrupted[-30] ^= 0xFF
    with pytest.raises(ValueError, match="cannot load"):
        TabularDrift.load(bytes(corrupted))
    with pytest.raises(ValueError, match="cannot load"):
        TabularDrift.load(b"not a detector at all")


def test_float32_matrix_input():
    rng = np.random.default_rng(9)
    x_ref = _matrix(rng, 300).astype(np.float32)
    x = _matrix(rng, 200, shift=1.0).astype(np.float32)
    result = TabularDrift(x_ref, categories_per_feature=[2]).predict(x)
    assert result.feature_is_drift[1]
    ks = stats.ks_2samp(x_ref[:, 1], x[:, 1])
    assert result.p_values[1] == pytest.approx(ks.pvalue, rel=1e-8)


def test_bad_input():
    rng = np.random.default_rng(10)
    x_ref = _matrix(rng, 100)
    with pytest.raises(ValueError, match="not a test for the categorical column"):
        TabularDrift(x_ref, categories_per_feature=[2], tests={2: "ks"})
    with pytest.raises(ValueError, match="not a test for the numeric column"):
        TabularDrift(x_ref, categories_per_feature=[2], tests={0: "chi2"})
    with pytest.raises(ValueError, match="calibrate"):
        TabularDrift(x_ref, categories_per_feature=[2], tests={0: "psi"})
    with pytest.raises(ValueError, match="no column named 'zz'"):
        TabularDrift(x_ref, tests={"zz": "ks"})
    with pytest.raises(ValueError, match="out of range"):
        TabularDrift(x_ref, categories_per_feature=[7])
    with pytest.raises(ValueError, match="p_val"):
        TabularDrift(x_ref, p_val=2.0)
    with pytest.raises(ValueError, match="min_effect_size"):
        TabularDrift(x_ref, min_effect_size=-0.1)
    with pytest.raises(ValueError, match="correction"):
        TabularDrift(x_ref, correction="magic")
    with pytest.raises(TypeError, match="numeric array"):
        TabularDrift(np.array([["a", "b"], ["c", "d"]]))
    detector = TabularDrift(x_ref, categories_per_feature=[2])
    bad = _matrix(rng, 50)
    bad[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN at row 7, column 1"):
        detector.predict(bad)
    with pytest.raises(ValueError, match="fitted on 3 features"):
        detector.predict(bad[:, :2])
    with pytest.raises(ValueError, match="at least 2 rows"):
        detector.predict(bad[:1])
    codes = _matrix(rng, 50)
    codes[3, 2] = 0.5
    with pytest.raises(ValueError, match="codes must be non-negative integers"):
        detector.predict(codes)
    # All-NaN column: clear error under raise, untested (and missingness drift) under omit.
    all_nan = _matrix(rng, 100)
    all_nan[:, 0] = np.nan
    with pytest.raises(ValueError, match="column 0"):
        TabularDrift(all_nan, categories_per_feature=[2])
    omit = TabularDrift(all_nan, categories_per_feature=[2], nan_policy="omit")
    result = omit.predict(_matrix(rng, 80))
    assert np.isnan(result.p_values[0]) and "untested" in result.reasons[0]
    assert result.missing_drift[0]
    # One category and a constant column: defined results.
    constant = _matrix(rng, 100)
    constant[:, 0] = 1.0
    constant[:, 2] = 3
    result = TabularDrift(constant, categories_per_feature=[2]).predict(constant)
    assert result.p_values[2] == 1.0 and result.statistics[0] == 0.0 and not result.is_drift


def test_family_wise_false_positive_rate_on_mixed_data():
    reps = 2000 if LONG else 500
    upper = stats.binom.ppf(0.995, reps, 0.05)
    rng = np.random.default_rng(11)
    for correction in ("bonferroni", "holm"):
        alarms = 0
        for _ in range(reps):
            ref = _matrix(rng, 150)
            cur = _matrix(rng, 100)
            detector = TabularDrift(
                ref, categories_per_feature=[2], tests={1: "cvm"}, correction=correction,
                n_threads=1,
            )
            alarms += detector.predict(cur).is_drift
        assert alarms <= upper, (correction, alarms, upper)
