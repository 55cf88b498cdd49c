"""ClassifierDrift with its default classifier, shiftguard.nn.MLPClassifier: false-positive
rate without drift, power under shift, and the former logistic default still reachable."""

import numpy as np
import pytest
from conftest import LONG
from scipy.stats import binom
from shiftguard.drift import ClassifierDrift, default_drift_classifier
from shiftguard.nn import MLPClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

REPETITIONS = 200 if LONG else 20


def test_default_classifier_is_the_shiftguard_mlp():
    detector = ClassifierDrift(np.zeros((10, 2)) + np.arange(10)[:, None], seed=3)
    assert isinstance(detector.model, Pipeline)
    mlp = detector.model.steps[-1][1]
    assert isinstance(mlp, MLPClassifier)
    assert mlp.early_stopping and mlp.random_state == 3
    assert default_drift_classifier(3).get_params()["mlpclassifier__random_state"] == 3
    old = ClassifierDrift(np.zeros((10, 2)), model="logistic")
    assert isinstance(old.model, LogisticRegression)


def test_false_positive_rate_without_drift():
    """Seeded repetitions of no-drift batches; the number of alarms at p_val=0.05 must lie
    below the 99.9% upper binomial quantile of the nominal rate (the out-of-fold binomial
    test is conservative, so fewer alarms are expected)."""
    rng = np.random.default_rng(21)
    alarms = 0
    for repetition in range(REPETITIONS):
        x_ref = rng.normal(size=(150, 4))
        detector = ClassifierDrift(x_ref, seed=repetition)
        alarms += detector.predict(rng.normal(size=(150, 4))).is_drift
    assert alarms <= binom.ppf(0.999, REPETITIONS, 0.05)


@pytest.mark.parametrize("test", ["binomial", "ks"])
def test_power_under_shift(test):
    """A mean shift of 0.6 sd in one of four features: detected in nearly every repetition."""
    rng = np.random.default_rng(22)
    n_rep = max(REPETITIONS // 2, 8)
    detected = 0
    for repetition in range(n_rep):
        detector = ClassifierDrift(rng.normal(size=(200, 4)), test=test, seed=repetition)
        detected += detector.predict(rng.normal(size=(200, 4)) + [0.6, 0, 0, 0]).is_drift
    assert detected >= 0.8 * n_rep


def test_mlp_default_sees_a_shift_the_logistic_model_cannot():
    """Same mean, larger spread of one feature: no linear boundary separates the samples,
    the MLP finds |x0| large => current."""
    rng = np.random.default_rng(23)
    x_ref = rng.normal(size=(300, 3))
    current = rng.normal(size=(300, 3)) * [2.5, 1.0, 1.0]
    mlp = ClassifierDrift(x_ref, seed=0).predict(current)
    logistic = ClassifierDrift(x_ref, model="logistic", seed=0).predict(current)
    assert mlp.is_drift and mlp.p_value < 1e-4
    assert not logistic.is_drift
