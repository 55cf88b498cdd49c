"""Imbalance metrics against scikit-learn and imbalanced-learn on many seeded random cases
(binary, multiclass, string labels, sample weights, ties in scores, classes never predicted),
property tests, and every bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import LONG
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.metrics import geometric_mean_score as imb_gmean
from shiftguard import imbalance as sg
from sklearn import metrics as sk

TOL = dict(rtol=1e-12, atol=1e-12)  # numpy.testing
APPROX = dict(rel=1e-12, abs=1e-12)  # pytest.approx


def quietly(function, *args, **kwargs):
    """Result of function and the set of warning categories it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, {w.category.__name__ for w in caught}


def random_case(seed):
    rng = np.random.default_rng(seed)
    n_classes = 2 if seed % 3 == 0 else int(rng.integers(3, 6))
    n = int(rng.integers(30, 800))
    prior = rng.dirichlet(np.ones(n_classes)) * 0.3 + 0.7 * np.eye(n_classes)[0]
    y_true = rng.choice(n_classes, size=n, p=prior)
    y_true[:n_classes] = np.arange(n_classes)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, n_classes, n))
    if seed % 4 == 1:
        y_pred[y_pred == n_classes - 1] = 0  # a class never predicted
    logits = rng.normal(size=(n, n_classes)) + 1.5 * np.eye(n_classes)[y_true]
    if seed % 2 == 0:
        logits = np.round(logits * 2) / 2  # many ties
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    weights = rng.uniform(0.1, 4, n) if seed % 5 < 3 else None
    if seed % 7 == 3:
        names = np.array(["healthy", "flu", "covid", "other", "rare"])[:n_classes]
        y_true, y_pred = names[y_true], names[y_pred]
    return y_true, y_pred, proba, weights


SEEDS = range(400 if LONG else 40)  # SHIFTGUARD_LONG_TESTS=1: 400 random cases


@pytest.mark.parametrize("seed", SEEDS)
def test_counting_metrics_match_scikit_learn(seed):
    y_true, y_pred, _, weights = random_case(seed)
    ours = sg.confusion_matrix(y_true, y_pred, sample_weight=weights)
    theirs = sk.confusion_matrix(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(ours, theirs, **TOL)
    assert ours.dtype == theirs.dtype
    for normalize in ("true", "pred", "all"):
        np.testing.assert_allclose(
            sg.confusion_matrix(y_true, y_pred, sample_weight=weights, normalize=normalize),
            sk.confusion_matrix(y_true, y_pred, sample_weight=weights, normalize=normalize),
            **TOL,
        )
    labels = np.unique(y_true)[::-1][:2]
    np.testing.assert_allclose(
        sg.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights),
        sk.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights),
        **TOL,
    )
    for adjusted in (False, True):
        assert sg.balanced_accuracy_score(
            y_true, y_pred, sample_weight=weights, adjusted=adjusted
        ) == pytest.approx(
            sk.balanced_accuracy_score(y_true, y_pred, sample_weight=weights, adjusted=adjusted),
            **APPROX,
        )
    assert sg.matthews_corrcoef(y_true, y_pred, sample_weight=weights) == pytest.approx(
        sk.matthews_corrcoef(y_true, y_pred, sample_weight=weights), **APPROX
    )
    ours, our_warnings = quietly(sg.geometric_mean_score, y_true, y_pred, sample_weight=weights)
    theirs, _ = quietly(imb_gmean, y_true, y_pred, sample_weight=weights)
    assert ours == pytest.approx(theirs, **APPROX)
    ours, _ = quietly(sg.geometric_mean_score, y_true, y_pred, sample_weight=weights,
                      correction=0.001)
    theirs, _ = quietly(imb_gmean, y_true, y_pred, sample_weight=weights, correction=0.001)
    assert ours == pytest.approx(theirs, **APPROX)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", [None, "macro", "weighted", "micro", "binary"])
def test_precision_recall_f1_match_scikit_learn(seed, average):
    y_true, y_pred, _, weights = random_case(seed)
    classes = np.unique(np.concatenate([y_true, y_pred]))
    pos_label = classes[-1] if classes.size == 2 else 1
    if average == "binary" and classes.size > 2:
        with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
            sg.f1_score(y_true, y_pred, average="binary", pos_label=pos_label)
        return
    for zero_division in ("warn", 0.0, 1.0, np.nan):
        kwargs = dict(average=average, sample_weight=weights, zero_division=zero_division,
                      pos_label=pos_label)
        ours, our_warnings = quietly(sg.precision_recall_fscore_support, y_true, y_pred,
                                     **kwargs)
        theirs, their_warnings = quietly(sk.precision_recall_fscore_support, y_true, y_pred,
                                         **kwargs)
        for a, b in zip(ours[:3], theirs[:3]):
            np.testing.assert_allclose(a, b, equal_nan=True, **TOL)
        if average is None:
            np.testing.assert_allclose(ours[3], theirs[3], **TOL)
        # A warning exactly when scikit-learn warns.
        assert ("UndefinedMetricWarning" in our_warnings) == (
            "UndefinedMetricWarning" in their_warnings
        )
        f_ours, _ = quietly(sg.f1_score, y_true, y_pred, **kwargs)
        f_theirs, _ = quietly(sk.f1_score, y_true, y_pred, **kwargs)
        np.testing.assert_allclose(f_ours, f_theirs, equal_nan=True, **TOL)
    if average not in (None, "binary"):
        # A subset of labels, in a given order.
        labels = classes[::-1][: max(1, classes.size - 1)]
        ours, _ = quietly(sg.precision_recall_fscore_support, y_true, y_pred, labels=labels,
                          average=average, sample_weight=weights)
        theirs, _ = quietly(sk.precision_recall_fscore_support, y_true, y_pred, labels=labels,
                            average=average, sample_weight=weights)
        np.testing.assert_allclose(ours[:3], theirs[:3], **TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_ranking_metrics_match_scikit_learn(seed):
    y_true, _, proba, weights = random_case(seed)
    classes = np.unique(y_true)
    if classes.size == 2:
        for scores in (proba[:, 1], proba[:, 1].astype(np.float32)):
            assert sg.roc_auc_score(y_true, scores, sample_weight=weights) == pytest.approx(
                sk.roc_auc_score(y_true, scores, sample_weight=weights), **APPROX
            )
            pos_label = classes[1]
            assert sg.average_precision_score(
                y_true, scores, pos_label=pos_label, sample_weight=weights
            ) == pytest.approx(
                sk.average_precision_score(
                    y_true, scores, pos_label=pos_label, sample_weight=weights
                ),
                **APPROX,
            )
        return
    for average in ("macro", "weighted", None):
        np.testing.assert_allclose(
            sg.roc_auc_score(y_true, proba, multi_class="ovr", average=average,
                             sample_weight=weights),
            sk.roc_auc_score(y_true, proba, multi_class="ovr", average=average,
                             sample_weight=weights),
            **TOL,
        )
        np.testing.assert_allclose(
            sg.average_precision_score(y_true, proba, average=average, sample_weight=weights),
            sk.average_precision_score(y_true, proba, average=average, sample_weight=weights),
            **TOL,
        )
    # float32 scores and C/F memory orders give the same answer as the float64 C array.
    np.testing.assert_allclose(
        sg.roc_auc_score(y_true, np.asfortranarray(proba), multi_class="ovr"),
        sg.roc_auc_score(y_true, proba, multi_class="ovr"),
        rtol=0, atol=0,
    )


def test_binary_ranking_with_all_tied_scores_and_large_arrays():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 50_000)
    scores = np.round(rng.normal(size=50_000) + y, 1)  # radix-sort path with heavy ties
    assert sg.roc_auc_score(y, scores) == pytest.approx(sk.roc_auc_score(y, scores), **APPROX)
    assert sg.average_precision_score(y, scores) == pytest.approx(
        sk.average_precision_score(y, scores), **APPROX
    )
    constant = np.full(100, 0.3)
    y_small = np.arange(100) % 3 == 0
    assert sg.roc_auc_score(y_small, constant) == 0.5
    assert sg.average_precision_score(y_small, constant) == pytest.approx(
        sk.average_precision_score(y_small, constant), **APPROX
    )
    negative_zero = np.array([-0.0, 0.0, 0.0, -0.0])
    assert sg.roc_auc_score([0, 1, 0, 1], negative_zero) == 0.5


def test_pandas_and_bool_labels():
    y_true = pd.Series([True, False, True, True, False])
    y_pred = pd.Series([True, False, False, True, True])
    assert sg.f1_score(y_true, y_pred, pos_label=True) == pytest.approx(
        sk.f1_score(y_true, y_pred, pos_label=True), **APPROX
    )
    assert sg.matthews_corrcoef(y_true, y_pred) == pytest.approx(
        sk.matthews_corrcoef(y_true, y_pred), **APPROX
    )
    scores = pd.Series([0.9, 0.2, 0.4, 0.8, 0.6])
    assert sg.roc_auc_score(y_true, scores) == pytest.approx(sk.roc_auc_score(y_true, scores))


def test_undefined_cases_warn_like_scikit_learn():
    with pytest.warns(sg.UndefinedMetricWarning, match="Only one class is present"):
        assert np.isnan(sg.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]))
    with pytest.warns(sg.UndefinedMetricWarning, match="No positive class found"):
        assert sg.average_precision_score([0, 0, 0], [0.1, 0.2, 0.3]) == 0.0
    with pytest.warns(sg.UndefinedMetricWarning, match="Precision is ill-defined"):
        p, _, _, _ = sg.precision_recall_fscore_support([0, 1, 2], [0, 0, 1])
    assert p[2] == 0.0
    with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
        sg.balanced_accuracy_score([0, 0, 1], [0, 2, 1])
    with pytest.warns(UserWarning, match="pos_label .* is ignored"):
        sg.f1_score([0, 1, 2], [0, 1, 2], average="macro", pos_label=2)
    # zero_division set explicitly: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sg.f1_score([0, 0], [0, 0], pos_label=1, zero_division=1.0) == 1.0


def test_report():
    y_true = np.array(["no"] * 8 + ["yes"] * 2)
    y_pred = np.array(["no"] * 7 + ["yes"] * 3)
    scores = np.linspace(0, 1, 10)
    report = sg.imbalance_report(y_true, y_pred, scores)
    assert report.labels == ("no", "yes")
    assert report.balanced_accuracy == pytest.approx(sk.balanced_accuracy_score(y_true, y_pred))
    assert report.macro_f1 == pytest.approx(sk.f1_score(y_true, y_pred, average="macro"))
    assert report.matthews_corrcoef == pytest.approx(sk.matthews_corrcoef(y_true, y_pred))
    assert report.roc_auc == pytest.approx(sk.roc_auc_score(y_true, scores))
    assert report.average_precision == pytest.approx(
        sk.average_precision_score(y_true == "yes", scores)
    )
    np.testing.assert_array_equal(report.confusion_matrix, [[7, 1], [0, 2]])
    frame = report.to_frame()
    assert list(frame.index) == ["no", "yes"]
    np.testing.assert_allclose(frame["recall"], sk.recall_score(y_true, y_pred, average=None))
    as_dict = report.to_dict()
    assert as_dict["per_class"]["support"] == [8, 2]
    assert "<table>" in report._repr_html_()
    with pytest.raises(AttributeError):
        report.macro_f1 = 0.0
    multi = sg.imbalance_report([0, 1, 2, 2], [0, 1, 1, 2],
                                np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5],
                                          [0.1, 0.1, 0.8]]))
    assert multi.roc_auc == pytest.approx(
        sk.roc_auc_score([0, 1, 2, 2], np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1],
                                                 [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
                         multi_class="ovr"))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 8)),
             min_size=2, max_size=40)
)
def test_property_matches_scikit_learn_on_small_inputs(rows):
    y_true = np.array([r[0] for r in rows])
    y_pred = np.array([r[1] for r in rows])
    scores = np.array([r[2] for r in rows], dtype=float) / 8
    ours, our_warnings = quietly(sg.confusion_matrix, y_true, y_pred)
    theirs, their_warnings = quietly(sk.confusion_matrix, y_true, y_pred)
    np.testing.assert_array_equal(ours, theirs)
    assert our_warnings == their_warnings
    theirs, _ = quietly(sk.matthews_corrcoef, y_true, y_pred)  # warns for a single label
    assert sg.matthews_corrcoef(y_true, y_pred) == pytest.approx(theirs, **APPROX)
    ours, _ = quietly(sg.f1_score, y_true, y_pred, average="macro")
    theirs, _ = quietly(sk.f1_score, y_true, y_pred, average="macro")
    assert ours == pytest.approx(theirs, **APPROX)
    binary = (y_true == 1).astype(int)
    ours, _ = quietly(sg.roc_auc_score, binary, scores)
    theirs, _ = quietly(sk.roc_auc_score, binary, scores)
    np.testing.assert_allclose(ours, theirs, equal_nan=True, **TOL)
    ours, _ = quietly(sg.average_precision_score, binary, scores)
    theirs, _ = quietly(sk.average_precision_score, binary, scores)
    assert ours == pytest.approx(theirs, **APPROX)
    # Invariances: permuting the samples changes nothing; AUC is invariant under a monotone
    # transformation of the scores.
    order = np.random.default_rng(len(rows)).permutation(len(rows))
    assert sg.matthews_corrcoef(y_true[order], y_pred[order]) == pytest.approx(
        sg.matthews_corrcoef(y_true, y_pred), **APPROX)
    if 0 < binary.sum() < binary.size:
        assert sg.roc_auc_score(binary, np.exp(3 * scores)) == pytest.approx(
            sg.roc_auc_score(binary, scores), **APPROX)


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: sg.f1_score([0, 1], [0, 1, 1]), ValueError, "different lengths"),
        (lambda: sg.f1_score([0.5, 1.0], [0, 1]), TypeError,
         "y_true must hold integer or string labels"),
        (lambda: sg.f1_score([0, 1], ["a", "b"]), TypeError, "labels mix strings and numbers"),
        (lambda: sg.f1_score([0, 1], [0, 1], average="samples"), ValueError,
         "average has to be one of"),
        (lambda: sg.f1_score(["a", "b"], ["a", "b"]), ValueError,
         "pos_label=1 is not a valid label"),
        (lambda: sg.f1_score([0, 1, 2], [0, 1, 2]), ValueError,
         "Target is multiclass but average='binary'"),
        (lambda: sg.f1_score([0, 1], [0, 1], zero_division="skip"), ValueError,
         "zero_division must be"),
        (lambda: sg.precision_recall_fscore_support([0, 1], [0, 1], beta=-1), ValueError,
         "beta should be >=0"),
        (lambda: sg.confusion_matrix([0, 1], [0, 1], sample_weight=[1, -1]), ValueError,
         "sample_weight must hold finite non-negative weights, got -1.0 at index 1"),
        (lambda: sg.confusion_matrix([0, 1], [0, 1], sample_weight=[1, np.nan]), ValueError,
         "finite non-negative"),
        (lambda: sg.confusion_matrix([0, 1], [0, 1], labels=[5]), ValueError,
         "At least one label specified must be in y_true"),
        (lambda: sg.confusion_matrix([0, 1], [0, 1], normalize="rows"), ValueError,
         "normalize must be one of"),
        (lambda: sg.matthews_corrcoef([[0, 1]], [[0, 1]]), ValueError, "must be 1-D"),
        (lambda: sg.roc_auc_score([0, 1], [0.2, np.nan]), ValueError,
         "y_score contains NaN or infinite"),
        (lambda: sg.roc_auc_score([0, 1], ["a", "b"]), TypeError, "y_score must hold numbers"),
        (lambda: sg.roc_auc_score([0, 1, 1], [0.2, 0.3]), ValueError,
         "y_score has 2 rows but y_true has 3"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 3), 1 / 3)), ValueError,
         "multi_class must be in ('ovo', 'ovr')"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 3), 1 / 3), multi_class="ovo"),
         ValueError, "'ovo' is not supported"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 3), 0.5), multi_class="ovr"),
         ValueError, "need to be probabilities"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 2), 0.5), multi_class="ovr"),
         ValueError, "not equal to the number of columns"),
        (lambda: sg.roc_auc_score([0, 1, 2], [0.1, 0.2, 0.3]), ValueError,
         "y_score must be 2-D"),
        (lambda: sg.roc_auc_score([0, 1], [0.1, 0.2], max_fpr=0.5), ValueError,
         "max_fpr (partial AUC) is not supported"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 3), 1 / 3), multi_class="ovr",
                                  average="micro"), ValueError, "average must be one of"),
        (lambda: sg.roc_auc_score([0, 1, 2], np.full((3, 3), 1 / 3), multi_class="ovr",
                                  labels=[2, 1, 0]), ValueError, "'labels' must be ordered"),
        (lambda: sg.average_precision_score(["a", "b"], [0.1, 0.2]), ValueError,
         "pos_label=1 is not a valid label"),
        (lambda: sg.average_precision_score([0, 1, 2], np.full((3, 3), 1 / 3), pos_label=2),
         ValueError, "pos_label is fixed to 1"),
        (lambda: sg.geometric_mean_score([0, 1], [0, 1], average="binary"), ValueError,
         "average must be 'multiclass'"),
        (lambda: sg.geometric_mean_score([0, 1], [0, 1], correction=-1.0), ValueError,
         "correction must be"),
    ],
)
def test_bad_input(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


@pytest.mark.parametrize("average", [None, "macro", "weighted", "micro"])
def test_labels_absent_from_the_data_match_scikit_learn(average):
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    for labels in ([0, 1, 5], [5], [2, 0]):
        ours, our_warnings = quietly(sg.precision_recall_fscore_support, y_true, y_pred,
                                     labels=labels, average=average)
        theirs, their_warnings = quietly(sk.precision_recall_fscore_support, y_true, y_pred,
                                         labels=labels, average=average)
        for a, b in zip(ours, theirs):
            if b is None:
                assert a is None
            else:
                np.testing.assert_allclose(a, b, **TOL)
        assert ("UndefinedMetricWarning" in our_warnings) == (
            "UndefinedMetricWarning" in their_warnings
        )
