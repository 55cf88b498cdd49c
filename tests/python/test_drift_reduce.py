"""Corrections, dimension reduction, black-box shift detection and the classifier
two-sample test. Oracles: a NumPy implementation of statsmodels' multipletests definitions
written here, scikit-learn's PCA and johnson_lindenstrauss_min_dim, SciPy's binomtest and
ks_2samp, and seeded simulations."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.decomposition import PCA as SkPCA
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.random_projection import johnson_lindenstrauss_min_dim

import shiftguard
from shiftguard.drift import (
    PCA,
    BBSDrift,
    ClassifierDrift,
    GaussianRandomProjection,
    classifier_two_sample_test,
    correct_p_values,
)

# ---------------------------------------------------------------- corrections


def multipletests_oracle(p, method):
    """Adjusted p-values as statsmodels.stats.multitest.multipletests defines them."""
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    s = p[order]
    if method == "none":
        return p.copy()
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    if method == "sidak":
        with np.errstate(divide="ignore"):  # p = 1 gives log1p(-1) = -inf, adjusted 1
            return np.minimum(1.0, -np.expm1(m * np.log1p(-p)))
    if method == "holm":
        adjusted = np.minimum(1.0, np.maximum.accumulate(s * np.arange(m, 0, -1)))
    elif method in ("fdr", "by"):
        c = np.sum(1.0 / np.arange(1, m + 1)) if method == "by" else 1.0
        raw = s * c * m / np.arange(1, m + 1)
        adjusted = np.minimum(1.0, np.minimum.accumulate(raw[::-1])[::-1])
    out = np.empty(m)
    out[order] = adjusted
    return out


METHODS = ["none", "bonferroni", "sidak", "holm", "fdr", "by"]


@pytest.mark.parametrize("method", METHODS)
def test_adjusted_p_values_match_statsmodels_definitions(method):
    rng = np.random.default_rng(1)
    for case in range(200):
        m = int(rng.integers(1, 40))
        p = rng.random(m) ** 3
        if case % 3 == 0:  # ties
            p = np.round(p, 2)
        alpha = float(rng.choice([0.01, 0.05, 0.1]))
        result = correct_p_values(p, method, alpha)
        np.testing.assert_allclose(
            result.corrected_p_values, multipletests_oracle(p, method), rtol=1e-12, atol=1e-15
        )
        # rejected exactly when the raw p-value is below the threshold ...
        np.testing.assert_array_equal(result.rejected, p < result.threshold)
        # ... which, away from exact boundaries, is adjusted p-value < alpha
        away = np.abs(result.corrected_p_values - alpha) > 1e-12
        np.testing.assert_array_equal(
            result.rejected[away], (result.corrected_p_values < alpha)[away]
        )
        assert result.method == method
        assert len(result.explanations) == m


@pytest.mark.parametrize("method", ["bonferroni", "sidak", "holm", "fdr", "by"])
def test_family_wise_error_under_the_global_null(method):
    # 5,000 seeded families of 10 independent uniform p-values (every null true): the
    # fraction of families with any rejection at alpha = 0.05 must lie in the 99% binomial
    # interval around its exact value: 1 - (1 - alpha/m)^m for Bonferroni and Holm, alpha for
    # Sidak and Benjamini-Hochberg (FDR = FWER under the global null), alpha / c(m) for BY.
    m, alpha, reps = 10, 0.05, 5000
    exact = {
        "bonferroni": 1 - (1 - alpha / m) ** m,
        "holm": 1 - (1 - alpha / m) ** m,
        "sidak": alpha,
        "fdr": alpha,
        "by": alpha / np.sum(1 / np.arange(1, m + 1)),
    }[method]
    rng = np.random.default_rng(21)
    hits = sum(correct_p_values(p, method, alpha).any_rejected for p in rng.random((reps, m)))
    low, high = stats.binom.ppf(0.005, reps, exact), stats.binom.isf(0.005, reps, exact)
    assert low <= hits <= high, (hits, exact * reps)


def test_correction_reasons_and_aliases():
    result = correct_p_values([0.01, 0.04, 0.5, 0.003], "holm")
    assert result.explanations[3] == "p 0.003 < Holm step threshold 0.0125 (rank 1 of 4)"
    assert result.reasons == (
        "below_threshold",
        "above_threshold",
        "above_threshold",
        "below_threshold",
    )
    assert result.ranks.tolist() == [2, 3, 4, 1]
    stopped = correct_p_values([0.014, 0.015, 0.9, 0.9], "holm")
    assert stopped.reasons[1] == "step_down_stopped"
    assert "step-down stopped at rank 1" in stopped.explanations[1]
    included = correct_p_values([0.03, 0.02, 0.9], "bh")
    assert included.method == "fdr"
    assert included.reasons[1] == "step_up_included"
    assert correct_p_values([0.2], "fdr_by").method == "by"


@pytest.mark.parametrize("method", METHODS)
def test_ks_drift_accepts_every_correction(method):
    rng = np.random.default_rng(2)
    x_ref = rng.normal(size=(300, 6))
    x = rng.normal(size=(200, 6))
    x[:, 2] += 0.6
    result = shiftguard.KSDrift(x_ref, correction=method).predict(x)
    assert result.correction == method
    np.testing.assert_allclose(
        result.corrected_p_values, multipletests_oracle(result.p_values, method), rtol=1e-12
    )
    assert result.is_drift
    assert "f2" in result.drifted_features
    if method != "none":  # without a correction, f5 (p = 0.036) is a false alarm
        assert result.drifted_features == ("f2",)
    assert len(result.explanations) == 6
    assert result.explanations[2].startswith("p ")


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"p_values": [0.1, 1.2]}, ValueError, "p_values must lie in [0, 1]"),
        ({"p_values": [0.1, np.nan]}, ValueError, "p_values must lie in [0, 1]"),
        ({"p_values": []}, ValueError, "p_values is empty"),
        ({"p_values": [[0.1]]}, ValueError, "p_values must be 1-D"),
        ({"p_values": ["a"]}, TypeError, "p_values must hold numbers"),
        ({"p_values": [0.1], "method": "hommel"}, ValueError, "correction must be one of"),
        ({"p_values": [0.1], "alpha": 0.0}, ValueError, "p_val must be in (0, 1)"),
    ],
)
def test_correction_bad_input(kwargs, error, fragment):
    with pytest.raises(error) as info:
        correct_p_values(**kwargs)
    assert fragment in str(info.value)


# ---------------------------------------------------------------- PCA


def correlated(n, d, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + np.arange(d)


@pytest.mark.parametrize("n_components", [1, 3, None])
@pytest.mark.parametrize("order", ["C", "F"])
def test_pca_matches_scikit_learn_up_to_sign(n_components, order):
    x = np.asarray(correlated(400, 6, 3), order=order)
    ours = PCA(n_components).fit(x)
    theirs = SkPCA(n_components, svd_solver="full").fit(x)
    assert ours.n_components_ == theirs.n_components_
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, theirs.explained_variance_ratio_, rtol=1e-9
    )
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-9)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12)
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(ours.components_, theirs.components_ * signs[:, None], atol=1e-9)
    np.testing.assert_allclose(ours.transform(x), theirs.transform(x) * signs, atol=1e-8)
    # sign convention: the largest entry of each component is positive
    largest = np.abs(ours.components_).argmax(axis=1)
    assert np.all(ours.components_[np.arange(ours.n_components_), largest] > 0)


def test_pca_tall_data_matches_scikit_learn():
    # more than 16,384 rows: the blocked-QR path
    x = correlated(20000, 4, 17)
    ours = PCA(3).fit(x)
    theirs = SkPCA(3, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-9)
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(ours.transform(x), theirs.transform(x) * signs, atol=1e-7)


def test_pca_float32_dataframe_save_load():
    x = correlated(300, 4, 4)
    x32 = x.astype(np.float32)
    ours = PCA(2).fit(x32)
    assert ours.transform(x32).dtype == np.float32
    theirs = SkPCA(2, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_,
                               rtol=1e-4)
    frame = pd.DataFrame(x, columns=list("abcd"))
    from_frame = PCA(2).fit(frame)
    np.testing.assert_allclose(from_frame.transform(frame), PCA(2).fit(x).transform(x))
    restored = PCA.load(ours.save())
    np.testing.assert_array_equal(restored.transform(x32), ours.transform(x32))
    assert restored.dtype_ == np.float32
    with pytest.raises(ValueError, match="checksum mismatch"):
        data = bytearray(ours.save())
        data[60] ^= 1
        PCA.load(bytes(data))
    with pytest.raises(ValueError, match="holds a 'drift.reduce.pca'"):
        GaussianRandomProjection.load(ours.save())


def test_reductions_do_not_depend_on_the_thread_count():
    x = correlated(3000, 8, 15)  # several blocks of rows
    one = PCA(3, n_threads=1).fit(x).transform(x)
    two = PCA(3, n_threads=2).fit(x).transform(x)
    np.testing.assert_array_equal(one, two)
    a = GaussianRandomProjection(4, random_state=5, n_threads=1).fit(x).transform(x)
    b = GaussianRandomProjection(4, random_state=5, n_threads=2).fit(x).transform(x)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="n_threads must be a positive int"):
        PCA(2, n_threads=0).fit(x)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 10_000))
def test_load_rejects_corrupted_bytes(garbage, position):
    good = PCA(2).fit(correlated(20, 3, 16)).save()
    corrupted = bytearray(good)
    corrupted[position % len(good)] ^= 0x5A
    for data in (garbage, bytes(corrupted), good[: position % len(good)]):
        with pytest.raises(ValueError):
            PCA.load(data)
        with pytest.raises(ValueError):
            GaussianRandomProjection.load(data)


def test_pca_bad_input():
    x = correlated(50, 3, 5)
    message = r"n_components=4 must be <= min\(n_samples, n_features\)=3"
    with pytest.raises(ValueError, match=message):
        PCA(4).fit(x)
    with pytest.raises(ValueError, match="n_components must be >= 1, got 0"):
        PCA(0).fit(x)
    with pytest.raises(TypeError, match="n_components must be an int"):
        PCA(1.5).fit(x)
    with pytest.raises(ValueError, match="not fitted yet"):
        PCA(2).transform(x)
    with pytest.raises(ValueError, match="x has 2 columns but PCA was fitted on 3"):
        PCA(2).fit(x).transform(x[:, :2])
    bad = x.copy()
    bad[4, 2] = np.inf
    with pytest.raises(ValueError, match="x contains an infinite value at row 4, column 2"):
        PCA(2).fit(bad)
    with pytest.raises(TypeError, match="must hold numbers"):
        PCA(2).fit(np.array([["a", "b"], ["c", "d"]]))


# ---------------------------------------------------------------- random projection


def test_random_projection_distribution_and_distances():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(80, 400))
    projection = GaussianRandomProjection(n_components=200, random_state=3).fit(x)
    r = projection.components_
    assert r.shape == (200, 400)
    # entries N(0, 1/k): 80,000 draws; moments within 5 standard errors
    assert abs(r.mean()) < 5 * np.sqrt(1 / 200 / r.size)
    assert abs(r.var() - 1 / 200) < 5 * np.sqrt(2 / r.size) / 200
    assert stats.normaltest(r.ravel()[:5000] * np.sqrt(200)).pvalue > 1e-4
    # squared distances kept in expectation: the ratio has mean 1 and sd sqrt(2/k) = 0.1
    y = projection.transform(x)
    i, j = np.triu_indices(80, 1)
    ratio = ((y[i] - y[j]) ** 2).sum(1) / ((x[i] - x[j]) ** 2).sum(1)
    assert abs(ratio.mean() - 1) < 0.05
    assert 0.05 < ratio.std() < 0.15
    np.testing.assert_allclose(y, x @ r.T, rtol=1e-10, atol=1e-10)


def test_random_projection_seed_auto_and_save_load():
    x = np.random.default_rng(7).normal(size=(100, 2000))
    a = GaussianRandomProjection(50, random_state=1).fit(x).components_
    b = GaussianRandomProjection(50, random_state=1).fit(x).components_
    c = GaussianRandomProjection(50, random_state=2).fit(x).components_
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    auto = GaussianRandomProjection(eps=0.5).fit(x)
    assert auto.n_components_ == johnson_lindenstrauss_min_dim(100, eps=0.5)
    restored = GaussianRandomProjection.load(auto.save())
    np.testing.assert_array_equal(restored.transform(x), auto.transform(x))
    x32 = x.astype(np.float32)
    assert GaussianRandomProjection(5).fit(x32).transform(x32).dtype == np.float32
    with pytest.raises(ValueError, match="larger than the 2000 features"):
        GaussianRandomProjection(eps=0.1).fit(x)
    with pytest.raises(ValueError, match="n_components must be a positive int or 'auto'"):
        GaussianRandomProjection("all").fit(x)
    with pytest.raises(ValueError, match="eps must be in"):
        GaussianRandomProjection(eps=1.5).fit(x)
    with pytest.raises(TypeError, match="random_state must be"):
        GaussianRandomProjection(5, random_state=1.5).fit(x)
    with pytest.raises(TypeError, match="data must be bytes"):
        GaussianRandomProjection.load("abc")


# ---------------------------------------------------------------- preprocess_fn and BBSD


def test_ks_drift_preprocess_fn_equals_testing_transformed_data():
    x_ref = correlated(500, 5, 8)
    x = correlated(300, 5, 9)
    pca = PCA(2).fit(x_ref)
    wrapped = shiftguard.KSDrift(x_ref, preprocess_fn=pca.transform).predict(x)
    by_hand = shiftguard.KSDrift(pca.transform(x_ref)).predict(pca.transform(x))
    np.testing.assert_array_equal(wrapped.p_values, by_hand.p_values)
    assert wrapped.p_values.shape == (2,)
    with pytest.raises(TypeError, match="preprocess_fn must be callable"):
        shiftguard.KSDrift(x_ref, preprocess_fn=3)


def label_shift_sample(rng, n, positive_fraction):
    y = (rng.random(n) < positive_fraction).astype(int)
    return rng.normal(size=(n, 5)) + 1.2 * y[:, None] * np.array([1, 0.5, 0, 0, 0]), y


def test_bbsd_detects_label_shift_and_not_its_absence():
    rng = np.random.default_rng(10)
    x_train, y_train = label_shift_sample(rng, 2000, 0.5)
    clf = LogisticRegression().fit(x_train, y_train)
    x_ref, _ = label_shift_sample(rng, 1000, 0.5)
    shifted, _ = label_shift_sample(rng, 500, 0.8)
    detector = BBSDrift(x_ref, clf.predict_proba)
    result = detector.predict(shifted)
    assert result.is_drift
    assert result.correction == "bonferroni"
    assert result.p_values.shape == (2,)
    # the two probability columns sum to one, so they carry the same KS evidence
    np.testing.assert_allclose(result.statistics[0], result.statistics[1], atol=1e-12)
    # an estimator object works too, and gives the same answer
    np.testing.assert_array_equal(BBSDrift(x_ref, clf).predict(shifted).p_values, result.p_values)
    # no shift: over 100 seeded repetitions with a fresh reference and batch each time the
    # false-alarm count stays within the 99% binomial bound for a level-0.05 test (11 of 100).
    # (With one fixed reference the alarms are correlated: its class fraction differs from
    # 0.5 by chance, and every batch is compared with that same fraction.)
    alarms = sum(
        BBSDrift(label_shift_sample(rng, 1000, 0.5)[0], clf.predict_proba)
        .predict(label_shift_sample(rng, 500, 0.5)[0])
        .is_drift
        for _ in range(100)
    )
    assert alarms <= stats.binom.isf(0.005, 100, 0.05)


def test_bbsd_bad_model():
    x = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(TypeError, match="model must be a callable"):
        BBSDrift(x, model=3)
    with pytest.raises(ValueError, match="model must return a 2-D array"):
        BBSDrift(x, model=lambda a: np.zeros((len(a), 2, 2)))


# ---------------------------------------------------------------- classifier test


def test_classifier_test_matches_scipy():
    rng = np.random.default_rng(11)
    for case in range(100):
        n0, n1 = rng.integers(5, 200, size=2)
        labels = np.r_[np.zeros(n0, int), np.ones(n1, int)]
        rng.shuffle(labels)
        scores = np.clip(rng.random(labels.size) + 0.15 * labels * (case % 2), 0, 1)
        result = classifier_two_sample_test(scores, labels)
        predicted = (scores > 0.5).astype(int)
        k = int((predicted == labels).sum())
        chance = max(n0, n1) / labels.size
        assert result.n_correct == k
        assert result.chance_rate == pytest.approx(chance)
        expected = stats.binomtest(k, labels.size, chance, alternative="greater").pvalue
        assert result.p_value == pytest.approx(expected, rel=1e-9, abs=1e-300)
        ks = classifier_two_sample_test(scores, labels, test="ks")
        expected_ks = stats.ks_2samp(
            scores[labels == 0], scores[labels == 1], alternative="greater"
        )
        assert ks.statistic == pytest.approx(expected_ks.statistic, rel=1e-12)
        assert ks.p_value == pytest.approx(expected_ks.pvalue, rel=1e-8)
        from sklearn.metrics import roc_auc_score

        assert result.auc == pytest.approx(roc_auc_score(labels, scores), rel=1e-12)


@pytest.mark.parametrize("test", ["binomial", "ks"])
def test_classifier_test_false_positive_rate(test):
    # 500 seeded repetitions with precomputed random scores independent of the labels
    # (300 + 300 samples): the rejection rate at 0.05 must lie in the 99% binomial interval.
    # Both statistics are discrete; at this size the attained levels are 0.047 (binomial,
    # n = 600) and 0.0498 (one-sided exact KS); at 200 + 200 the KS level is only 0.044.
    # SHIFTGUARD_LONG_TESTS=1 runs 5,000 repetitions against the 99% interval for 0.05.
    reps = 5000 if os.environ.get("SHIFTGUARD_LONG_TESTS") == "1" else 500
    rng = np.random.default_rng(12)
    labels = np.r_[np.zeros(300, int), np.ones(300, int)]
    scores = rng.random((reps, 600))
    rejections = sum(classifier_two_sample_test(s, labels, test).p_value < 0.05 for s in scores)
    low, high = stats.binom.ppf(0.005, reps, 0.05), stats.binom.isf(0.005, reps, 0.05)
    assert low <= rejections <= high, rejections


def test_classifier_test_bad_input():
    scores = np.array([0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="scores has 4 values but labels has 3"):
        classifier_two_sample_test(scores, [0, 1, 0])
    with pytest.raises(ValueError, match="labels must be 0 .reference. or 1 .current., got 2"):
        classifier_two_sample_test(scores, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="labels must be 0 .reference. or 1 .current., got 0.5"):
        classifier_two_sample_test(scores, [0, 1, 0.5, 1])
    with pytest.raises(ValueError, match="each group needs at least 2 samples"):
        classifier_two_sample_test(scores, [0, 0, 0, 1])
    with pytest.raises(ValueError, match="non-finite value at index 1"):
        classifier_two_sample_test([0.1, np.nan, 0.3, 0.4], [0, 1, 0, 1])
    with pytest.raises(ValueError, match="test must be 'binomial' or 'ks'"):
        classifier_two_sample_test(scores, [0, 1, 0, 1], test="auc")
    with pytest.raises(TypeError, match="scores must hold numbers"):
        classifier_two_sample_test(["a"] * 4, [0, 1, 0, 1])


def test_classifier_drift_detects_shift_and_not_its_absence():
    rng = np.random.default_rng(13)
    x_ref = rng.normal(size=(300, 4))
    shifted = rng.normal(size=(300, 4)) + [0.5, 0, 0, 0]
    for test in ("binomial", "ks"):
        detector = ClassifierDrift(x_ref, test=test, seed=1)
        result = detector.predict(shifted)
        assert result.is_drift, test
        assert result.distance == (result.accuracy if test == "binomial" else result.auc)
        data = result.to_dict()["data"]
        assert set(data) == {"is_drift", "p_val", "threshold", "distance"}
        assert data["is_drift"] == 1
    # no shift: the seeded verdicts over 20 fresh batches rarely alarm
    detector = ClassifierDrift(x_ref, seed=2)
    alarms = sum(detector.predict(rng.normal(size=(300, 4))).is_drift for _ in range(20))
    assert alarms <= 3
    # same seed, same verdict
    assert detector.predict(shifted) == detector.predict(shifted)


def test_classifier_drift_clones_the_model():
    rng = np.random.default_rng(14)
    model = GaussianNB()
    detector = ClassifierDrift(rng.normal(size=(200, 2)), model=model, n_folds=3)
    result = detector.predict(rng.normal(size=(100, 2)) + [0, 2.0])
    assert result.is_drift
    assert not hasattr(model, "classes_")  # the user's model was never fitted
    assert result.n_reference == 200 and result.n_current == 100
    assert result.chance_rate == pytest.approx(200 / 300)


def test_classifier_drift_bad_input():
    x = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="n_folds must be >= 2"):
        ClassifierDrift(x, n_folds=1)
    with pytest.raises(TypeError, match="model must be a classifier with fit and predict_proba"):
        ClassifierDrift(x, model=object())
    with pytest.raises(ValueError, match="test must be 'binomial' or 'ks'"):
        ClassifierDrift(x, test="t")
    with pytest.raises(ValueError, match="x has 3 columns but the detector was fitted on 2"):
        ClassifierDrift(x).predict(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="fewer than n_folds=5"):
        ClassifierDrift(x).predict(np.zeros((3, 2)))
