"""Class weights, sample weights and logit adjustment against scikit-learn and plain NumPy."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shiftguard.imbalance import compute_class_weight, compute_sample_weight, logit_adjustment
from sklearn.utils.class_weight import compute_class_weight as sk_class_weight
from sklearn.utils.class_weight import compute_sample_weight as sk_sample_weight


def skewed_labels(rng, n, n_classes):
    p = 1.0 / np.arange(1, n_classes + 1) ** 2
    y = rng.choice(n_classes, size=n, p=p / p.sum())
    y[:n_classes] = np.arange(n_classes)  # every class present
    return y


@pytest.mark.parametrize("seed", range(25))
def test_balanced_and_dict_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n_classes = int(rng.integers(2, 7))
    y = skewed_labels(rng, int(rng.integers(20, 400)), n_classes)
    names = np.array([f"class_{c}" for c in range(n_classes)])
    for labels in (y, names[y], y + 10):
        classes = np.unique(labels)
        np.testing.assert_allclose(
            compute_class_weight("balanced", classes=classes, y=labels),
            sk_class_weight("balanced", classes=classes, y=labels),
            rtol=1e-12,
        )
        weights = rng.uniform(0.1, 3, size=labels.size)
        np.testing.assert_allclose(
            compute_class_weight("balanced", classes=classes, y=labels, sample_weight=weights),
            sk_class_weight("balanced", classes=classes, y=labels, sample_weight=weights),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            compute_sample_weight("balanced", labels),
            sk_sample_weight("balanced", labels),
            rtol=1e-12,
        )
        drawn = rng.uniform(0.5, 4, n_classes)
        mapping = {label: float(w) for label, w in zip(classes[:-1], drawn)}
        np.testing.assert_allclose(
            compute_sample_weight(mapping, labels), sk_sample_weight(mapping, labels), rtol=1e-12
        )
        np.testing.assert_allclose(
            compute_class_weight(mapping, classes=classes, y=labels),
            sk_class_weight(mapping, classes=classes, y=labels),
            rtol=1e-12,
        )
        np.testing.assert_array_equal(
            compute_class_weight(None, classes=classes, y=labels), np.ones(classes.size)
        )
        indices = rng.integers(0, labels.size, size=labels.size)
        np.testing.assert_allclose(
            compute_sample_weight("balanced", labels, indices=indices),
            sk_sample_weight("balanced", labels, indices=indices),
            rtol=1e-12,
        )


def test_classes_in_a_given_order():
    y = np.array(["b", "a", "a", "c", "c", "c"])
    classes = np.array(["c", "a", "b"])
    np.testing.assert_allclose(
        compute_class_weight("balanced", classes=classes, y=y),
        sk_class_weight("balanced", classes=classes, y=y),
        rtol=1e-12,
    )


def test_sqrt_and_effective_formulas_and_normalisations():
    rng = np.random.default_rng(3)
    y = skewed_labels(rng, 600, 4)
    counts = np.bincount(y).astype(float)
    classes = np.arange(4)
    balanced = 600 / (4 * counts)
    np.testing.assert_allclose(
        compute_class_weight("sqrt", classes=classes, y=y), np.sqrt(balanced), rtol=1e-13
    )
    for beta in (0.0, 0.9, 0.999, 0.9999):
        expected = (1 - beta) / (1 - beta**counts)
        np.testing.assert_allclose(
            compute_class_weight("effective", classes=classes, y=y, beta=beta),
            expected,
            rtol=1e-12,
        )
        summed = compute_class_weight(
            "effective", classes=classes, y=y, beta=beta, normalize="n_classes"
        )
        np.testing.assert_allclose(summed, expected / expected.sum() * 4, rtol=1e-12)
        mean_one = compute_class_weight(
            "effective", classes=classes, y=y, beta=beta, normalize="mean_sample"
        )
        assert np.dot(counts, mean_one) / 600 == pytest.approx(1.0, rel=1e-12)
    # 'balanced' already has mean sample weight 1: normalising does not change it.
    np.testing.assert_allclose(
        compute_class_weight("balanced", classes=classes, y=y, normalize="mean_sample"),
        balanced,
        rtol=1e-12,
    )
    per_sample = compute_sample_weight("sqrt", y, normalize="mean_sample")
    assert per_sample.mean() == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(
        per_sample / per_sample[0], np.sqrt(balanced)[y] / np.sqrt(balanced)[y[0]]
    )


def test_sample_weight_multiplies():
    y = [0, 0, 0, 1]
    given = np.array([1.0, 2.0, 0.5, 3.0])
    np.testing.assert_allclose(
        compute_sample_weight("balanced", y, sample_weight=given),
        sk_sample_weight("balanced", y) * given,
        rtol=1e-14,
    )


def test_labels_kinds_and_pandas():
    y = pd.Series([True, False, False, False])
    np.testing.assert_allclose(compute_sample_weight("balanced", y), [2, 2 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(
        compute_sample_weight("balanced", pd.Series(pd.Categorical(["x", "y", "y"]))),
        [1.5, 0.75, 0.75],
    )
    np.testing.assert_allclose(
        compute_sample_weight("balanced", np.array([1.0, 2.0, 2.0])), [1.5, 0.75, 0.75]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=2, max_size=60),
    st.sampled_from(["balanced", "sqrt", "effective"]),
)
def test_property_mean_sample_weight_is_one(labels, method):
    y = np.array(labels)
    if np.unique(y).size < 2:
        with pytest.raises(ValueError, match="at least 2 classes"):
            compute_sample_weight(method, y, normalize="mean_sample")
        return
    weights = compute_sample_weight(method, y, normalize="mean_sample")
    assert weights.mean() == pytest.approx(1.0, rel=1e-12)
    assert np.all(weights > 0)
    # rarer classes never get smaller weights
    counts = np.bincount(y)[y]
    order = np.argsort(counts, kind="stable")
    assert np.all(np.diff(weights[order]) <= 1e-12)


def test_logit_adjustment_is_tau_log_prior():
    y = np.array(["a"] * 7 + ["b"] * 2 + ["c"])
    np.testing.assert_allclose(logit_adjustment(y), np.log([0.7, 0.2, 0.1]), rtol=1e-14)
    np.testing.assert_allclose(
        logit_adjustment(y, tau=2.0, classes=["c", "b", "a"]), 2 * np.log([0.1, 0.2, 0.7])
    )
    np.testing.assert_allclose(
        logit_adjustment(priors=[0.25, 0.75], tau=0.5), 0.5 * np.log([0.25, 0.75])
    )
    weights = np.arange(1, 11, dtype=float)
    priors = np.array([weights[:7].sum(), weights[7:9].sum(), weights[9]]) / weights.sum()
    np.testing.assert_allclose(logit_adjustment(y, sample_weight=weights), np.log(priors))


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 1, 1]), ValueError,
         "[2] are listed in classes but absent from y"),
        (lambda: compute_class_weight("balanced", classes=[0], y=[0, 0]), ValueError,
         "at least 2 classes"),
        (lambda: compute_sample_weight("balanced", [3, 3, 3]), ValueError, "at least 2 classes"),
        (lambda: compute_class_weight("effective", classes=[0, 1], y=[0, 1], beta=1.0),
         ValueError, "beta must be in [0, 1), got 1.0"),
        (lambda: compute_class_weight("effective", classes=[0, 1], y=[0, 1], beta=-0.5),
         ValueError, "beta must be in [0, 1)"),
        (lambda: compute_class_weight("balanced", classes=[0, 1], y=[0, 1],
                                      sample_weight=[1.0, -1.0]), ValueError,
         "finite non-negative weights, got -1.0 at index 1"),
        (lambda: compute_sample_weight("balanced", [0, 1], sample_weight=[1.0, np.nan]),
         ValueError, "finite non-negative"),
        (lambda: compute_sample_weight("balanced", [0, 1], sample_weight=[1.0, np.inf]),
         ValueError, "finite non-negative"),
        (lambda: compute_sample_weight({0: -1.0}, [0, 1]), ValueError,
         "class_weight must hold finite non-negative"),
        (lambda: compute_sample_weight({0: np.nan, 1: 1.0}, [0, 1]), ValueError,
         "class_weight must hold finite non-negative"),
        (lambda: compute_sample_weight({5: 2.0}, [0, 1]), ValueError, "are not in class_weight"),
        (lambda: compute_sample_weight("balanced", [0.5, 1.0]), TypeError,
         "y must hold integer or string labels, got the non-integer float"),
        (lambda: compute_sample_weight("balanced", [1, "a"]), TypeError,
         "labels of one kind"),
        (lambda: compute_sample_weight("balanced", [1 + 1j, 2]), TypeError, "dtype complex"),
        (lambda: compute_sample_weight("balanced", [[0], [1]]), ValueError, "must be 1-D"),
        (lambda: compute_sample_weight("balanced", []), ValueError, "must not be empty"),
        (lambda: compute_sample_weight("inverse", [0, 1]), ValueError,
         "class_weight must be 'balanced', 'sqrt', 'effective', a dict or None"),
        (lambda: compute_sample_weight("balanced", [0, 1], normalize="n_classes"), ValueError,
         "normalize must be one of 'none', 'mean_sample'"),
        (lambda: compute_class_weight("balanced", classes=[0, 1], y=[0, 1, 2]), ValueError,
         "y contains the label 2, which is not among the classes"),
        (lambda: compute_class_weight("balanced", classes=["a", "b"], y=[0, 1]), TypeError,
         "labels mix strings and numbers"),
        (lambda: compute_class_weight("balanced", classes=[0, 0, 1], y=[0, 1]), ValueError,
         "classes must not contain duplicates"),
        (lambda: compute_sample_weight("balanced", [0, 1], sample_weight=[1.0]), ValueError,
         "sample_weight has 1 entries but y has 2"),
        (lambda: compute_sample_weight("balanced", pd.Series([0, None, 1])), TypeError,
         "missing values"),
        (lambda: logit_adjustment([0, 0, 1], classes=[0, 1, 2]), ValueError,
         "[2] are absent from y (prior 0)"),
        (lambda: logit_adjustment(priors=[0.5, 0.0, 0.5]), ValueError, "class 1 has prior 0"),
        (lambda: logit_adjustment(priors=[0.5, 0.6]), ValueError, "priors must sum to 1"),
        (lambda: logit_adjustment(priors=[0.5, 0.5], tau=-1.0), ValueError, "tau must be"),
        (lambda: logit_adjustment(priors=[0.5, 0.5], tau="1"), TypeError, "tau must be"),
        (lambda: logit_adjustment(), ValueError, "exactly one of y and priors"),
    ],
)
def test_bad_input(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
