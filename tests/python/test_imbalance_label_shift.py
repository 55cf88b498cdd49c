"""Label shift: BBSE (hard, soft) and EM recover known priors; oracles are plain NumPy
implementations written here (BBSE: the confusion matrix and np.linalg.solve; EM: Saerens et
al.'s iteration; the probability correction), the classifier is scikit-learn's
LogisticRegression fitted on source data. Tolerances: priors within 0.03 at n = 20000 on 3
seeds; bootstrap coverage by seeded repetitions (small by default, long with
SHIFTGUARD_LONG_TESTS=1)."""

from __future__ import annotations

import dataclasses
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from shiftguard.imbalance import (
    LabelShiftResult,
    LabelShiftWarning,
    adjust_probabilities,
    estimate_label_shift,
    label_shift_weights,
)
from sklearn.linear_model import LogisticRegression

LONG = os.environ.get("SHIFTGUARD_LONG_TESTS") == "1"
MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 2.5]])
SOURCE = np.array([1 / 3, 1 / 3, 1 / 3])
TARGET = np.array([0.7, 0.2, 0.1])


def draw(priors, n, rng):
    y = rng.choice(3, size=n, p=priors)
    return rng.normal(size=(n, 2)) + MEANS[y], y


@pytest.fixture(scope="module")
def classifier():
    x, y = draw(SOURCE, 6000, np.random.default_rng(100))
    return LogisticRegression().fit(x, y)


def scenario(classifier, seed, n=20000, target=TARGET):
    rng = np.random.default_rng(seed)
    x_val, y_val = draw(SOURCE, n, rng)
    x_target, _ = draw(target, n, rng)
    return y_val, classifier.predict_proba(x_val), classifier.predict_proba(x_target)


# --------------------------------------------------------------------------- NumPy oracles


def np_bbse(y_val, proba_val, proba_target, soft):
    k = proba_val.shape[1]
    c = np.zeros((k, k))
    if soft:
        for j in range(k):
            c[:, j] = proba_val[y_val == j].sum(axis=0)
        mu = proba_target.mean(axis=0)
    else:
        np.add.at(c, (proba_val.argmax(axis=1), y_val), 1.0)
        mu = np.bincount(proba_target.argmax(axis=1), minlength=k) / len(proba_target)
    c /= len(y_val)
    w = np.linalg.solve(c, mu)
    p = c.sum(axis=0)
    q = np.clip(w, 0, None) * p
    return q / q.sum(), w, c


def np_em(source, proba, tol=1e-8, max_iter=1000):
    q = source.copy()
    for _ in range(max_iter):
        adjusted = proba * (q / source)
        adjusted /= adjusted.sum(axis=1, keepdims=True)
        new = adjusted.mean(axis=0)
        new /= new.sum()
        done = np.max(np.abs(new - q)) <= tol
        q = new
        if done:
            break
    return q


# --------------------------------------------------------------------------- recovery


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("method", ["bbse", "bbse-soft", "em"])
def test_recovers_target_priors_within_003(classifier, seed, method):
    y_val, proba_val, proba_target = scenario(classifier, seed)
    result = estimate_label_shift(y_val, proba_val, proba_target, method=method)
    assert np.max(np.abs(result.priors - TARGET)) < 0.03
    assert result.priors.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(result.weights, result.priors / result.source_priors)
    assert result.converged


@pytest.mark.parametrize("soft", [False, True])
def test_bbse_matches_numpy(classifier, soft):
    y_val, proba_val, proba_target = scenario(classifier, 4, n=5000)
    result = estimate_label_shift(y_val, proba_val, proba_target,
                                  method="bbse-soft" if soft else "bbse")
    q, w, c = np_bbse(y_val, proba_val, proba_target, soft)
    np.testing.assert_allclose(result.confusion_matrix, c, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.raw_weights, w, rtol=1e-9)
    np.testing.assert_allclose(result.priors, q, rtol=1e-9)
    np.testing.assert_allclose(result.condition_number, np.linalg.cond(c), rtol=1e-9)


def test_em_matches_numpy(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 5, n=5000)
    result = estimate_label_shift(y_val, proba_val, proba_target, method="em", tol=1e-12)
    source = np.bincount(y_val, minlength=3) / len(y_val)
    np.testing.assert_allclose(result.source_priors, source, rtol=1e-12)
    np.testing.assert_allclose(result.priors, np_em(source, proba_target, tol=1e-12),
                               atol=1e-10)
    given = estimate_label_shift(y_val, proba_val, proba_target, method="em",
                                 source_priors=SOURCE, tol=1e-12)
    np.testing.assert_allclose(given.priors, np_em(SOURCE, proba_target, tol=1e-12),
                               atol=1e-10)


def test_em_not_converged_is_a_status_and_a_warning(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 6, n=2000)
    with pytest.warns(LabelShiftWarning, match="did not converge"):
        result = estimate_label_shift(y_val, proba_val, proba_target, method="em", max_iter=2)
    assert not result.converged and result.n_iter == 2


# --------------------------------------------------------------------------- intervals


def test_bootstrap_interval_is_deterministic_and_brackets(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 7, n=3000)
    a = estimate_label_shift(y_val, proba_val, proba_target, n_bootstrap=80, seed=3,
                             n_threads=1)
    b = estimate_label_shift(y_val, proba_val, proba_target, n_bootstrap=80, seed=3,
                             n_threads=2)
    np.testing.assert_array_equal(a.ci, b.ci)
    assert np.all(a.ci[:, 0] <= a.priors) and np.all(a.priors <= a.ci[:, 1])
    c = estimate_label_shift(y_val, proba_val, proba_target, n_bootstrap=80, seed=4)
    assert not np.array_equal(a.ci, c.ci)


@pytest.mark.parametrize("method", ["bbse", "em"])
def test_interval_covers_truth_near_nominal_rate(classifier, method):
    """95% percentile interval: coverage of each true prior over seeded repetitions.
    Default: 60 repetitions at n = 1000, each class covered in >= 75% of them (a correct
    interval covers ~90-95%: P(fail) < 0.01; resampling only the target rows for EM gave
    ~67% and fails). Long: 300 repetitions at n = 2000, coverage within [0.85, 0.99]."""
    reps, n = (300, 2000) if LONG else (60, 1000)
    covered = np.zeros(3)
    for rep in range(reps):
        y_val, proba_val, proba_target = scenario(classifier, 1000 + rep, n=n)
        result = estimate_label_shift(y_val, proba_val, proba_target, method=method,
                                      n_bootstrap=200 if LONG else 100, seed=rep)
        covered += (result.ci[:, 0] <= TARGET) & (TARGET <= result.ci[:, 1])
    rate = covered / reps
    if LONG:
        assert np.all((rate >= 0.85) & (rate <= 0.99)), rate
    else:
        assert np.all(rate >= 0.75), rate


# --------------------------------------------------------------------------- correction


def test_adjust_probabilities_matches_numpy(classifier):
    _, _, proba = scenario(classifier, 8, n=500)
    adjusted = adjust_probabilities(proba, SOURCE, TARGET)
    expected = proba * TARGET / SOURCE
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(adjusted, expected, rtol=1e-12)


def test_adjusted_probabilities_are_better_calibrated(classifier):
    rng = np.random.default_rng(9)
    x, y = draw(TARGET, 20000, rng)
    proba = classifier.predict_proba(x)
    adjusted = adjust_probabilities(proba, SOURCE, TARGET)
    log_loss = lambda p: -np.mean(np.log(p[np.arange(len(y)), y]))  # noqa: E731
    assert log_loss(adjusted) < log_loss(proba) - 0.05


def test_label_shift_weights_from_result_and_strings(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 10, n=3000)
    names = np.array(["a", "b", "c"])
    result = estimate_label_shift(names[y_val], proba_val, proba_target)
    assert result.classes.tolist() == ["a", "b", "c"]
    per_sample = label_shift_weights(names[y_val], result)
    np.testing.assert_array_equal(per_sample, result.weights[y_val])
    # Weighted source class frequencies equal the estimated target priors.
    weighted = np.bincount(y_val, weights=per_sample, minlength=3) / per_sample.sum()
    np.testing.assert_allclose(weighted, result.priors, rtol=1e-9)
    np.testing.assert_array_equal(label_shift_weights(pd.Series([2, 0]), [1.0, 2.0, 3.0],
                                                      classes=[0, 1, 2]), [3.0, 1.0])


def test_result_views(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 11, n=2000)
    result = estimate_label_shift(y_val, proba_val, proba_target, n_bootstrap=20)
    assert isinstance(result, LabelShiftResult)
    data = result.to_dict()
    assert data["method"] == "bbse" and len(data["ci"]) == 3
    frame = result.to_frame()
    assert list(frame.columns) == ["source_prior", "target_prior", "weight", "ci_lower",
                                   "ci_upper"]
    assert "<table>" in result._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.method = "em"


# --------------------------------------------------------------------------- bad input


def test_ill_conditioned_confusion_matrix_warns():
    rng = np.random.default_rng(12)
    n = 3000
    y = rng.integers(0, 3, n)
    # classes 1 and 2 get (almost) the same predictions
    proba = np.where(y[:, None] == 0, [0.8, 0.1, 0.1], [0.1, 0.45, 0.45])
    noise = rng.normal(0, 0.01, n) * (y > 0)
    proba[:, 1] += noise
    proba[:, 2] -= noise
    with pytest.warns(LabelShiftWarning, match="ill-conditioned"):
        result = estimate_label_shift(y, proba, proba, method="bbse-soft")
    assert result.ill_conditioned and result.condition_number > 1e3


def test_singular_confusion_matrix_is_an_error():
    y = np.array([0, 0, 1, 1])
    never_one = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4]])
    with pytest.raises(ValueError, match="class 1 is never predicted"):
        estimate_label_shift(y, never_one, never_one)
    with pytest.raises(ValueError, match="no sample of class 1"):
        estimate_label_shift([0, 0, 0, 0], never_one, never_one, classes=[0, 1])


def test_bad_input_messages():
    proba = np.array([[0.6, 0.4], [0.3, 0.7]])
    with pytest.raises(TypeError, match="integers or strings"):
        estimate_label_shift([0.0, 1.0], proba, proba)
    with pytest.raises(ValueError, match="method must be one of"):
        estimate_label_shift([0, 1], proba, proba, method="bbsee")
    with pytest.raises(ValueError, match="y_val has 3 labels but proba_val has 2 rows"):
        estimate_label_shift([0, 1, 1], proba, proba)
    with pytest.raises(ValueError, match="1 distinct labels but proba_val has 2 columns"):
        estimate_label_shift([1, 1], proba, proba)
    with pytest.raises(ValueError, match="label 5"):
        estimate_label_shift([0, 5], proba, proba, classes=[0, 1])
    with pytest.raises(ValueError, match="proba_val contains NaN at row 1"):
        estimate_label_shift([0, 1], [[0.5, 0.5], [np.nan, 0.5]], proba)
    with pytest.raises(ValueError, match="row 0 sums to 1.5"):
        estimate_label_shift([0, 1], proba, [[0.9, 0.6]])
    with pytest.raises(ValueError, match="proba_target has 3 columns"):
        estimate_label_shift([0, 1], proba, [[0.2, 0.3, 0.5]])
    with pytest.raises(ValueError, match="source_priors is used by method='em' only"):
        estimate_label_shift([0, 1], proba, proba, source_priors=[0.5, 0.5])
    with pytest.raises(ValueError, match="source_priors must be finite and > 0"):
        estimate_label_shift([0, 1], proba, proba, method="em", source_priors=[1.0, 0.0])
    with pytest.raises(ValueError, match="target_priors must be finite and >= 0"):
        adjust_probabilities(proba, [0.5, 0.5], [1.2, -0.2])
    with pytest.raises(ValueError, match="weights must be finite and >= 0"):
        label_shift_weights([0, 1], [1.0, -1.0])
    with pytest.raises(ValueError, match="weights must be finite and >= 0, got nan"):
        label_shift_weights([0, 1], [1.0, np.nan])
    with pytest.raises(ValueError, match="weights has 3 values but there are 2 classes"):
        label_shift_weights([0, 1], [1.0, 1.0, 1.0])


def test_no_warning_on_a_clean_estimate(classifier):
    y_val, proba_val, proba_target = scenario(classifier, 13, n=3000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimate_label_shift(y_val, proba_val, proba_target, method="em")
