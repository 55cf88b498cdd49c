"""Integrity checks (shiftguard.validate._integrity) against pandas, NumPy, scikit-learn and
cleanlab computations on the same data."""

import warnings

import numpy as np
import pandas as pd
import pytest
from cleanlab.count import compute_confident_joint
from cleanlab.filter import find_label_issues as cleanlab_find_label_issues
from conftest import LONG
from shiftguard import _core
from shiftguard.validate import (
    ValidationReport,
    check_integrity,
    find_conflicting_labels,
    find_contamination,
    find_duplicates,
    find_label_issues,
    find_leakage,
    find_mixed_types,
    find_near_constant,
    find_outliers,
    imbalance_summary,
)
from sklearn.metrics import balanced_accuracy_score
from sklearn.neighbors import KNeighborsClassifier

FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given"]


def mixed_frame(rng, n=2000):
    """Few distinct values per column so that duplicates are common; NaN, -0.0, strings,
    categories and booleans included."""
    df = pd.DataFrame(
        {
            "f": rng.choice([0.0, -0.0, 1.5, np.nan], n),
            "i": rng.integers(0, 3, n),
            "s": rng.choice(["a", "b", None], n),
            "c": pd.Categorical(rng.choice(["x", "y"], n)),
            "b": rng.random(n) < 0.5,
        }
    )
    return df


# --------------------------------------------------------------------------- duplicates


def test_duplicates_match_pandas_duplicated(rng):
    df = mixed_frame(rng)
    result = find_duplicates(df)
    np.testing.assert_array_equal(result.duplicated, df.duplicated(keep=False).to_numpy())
    assert result.n_duplicates == int(df.duplicated().sum())
    # groups: ordered by first row, rows ascending, each group identical rows
    firsts = [g[0] for g in result.groups]
    assert firsts == sorted(firsts)
    for group in result.groups[:20]:
        assert len(df.iloc[group].drop_duplicates()) == 1


def test_duplicates_subset_and_thread_independence(rng):
    df = mixed_frame(rng, 500)
    expected = df.duplicated(subset=["i", "s"], keep=False).to_numpy()
    for threads in (1, 2, 3):
        result = find_duplicates(df, subset=["i", "s"], n_threads=threads)
        np.testing.assert_array_equal(result.duplicated, expected)


def test_duplicates_without_duplicates(rng):
    df = pd.DataFrame({"a": np.arange(100), "b": rng.normal(size=100)})
    assert find_duplicates(df).groups == []


def test_hash_collisions_cannot_merge_different_rows(rng):
    codes = rng.integers(0, 4, size=(300, 3)).astype(np.uint64)
    # every row gets the same hash: only the code comparison separates the rows
    same = np.zeros(len(codes), dtype=np.uint64)
    weak = codes[:, 0].copy()  # ignores two columns: many collisions between different rows
    expected = pd.DataFrame(codes).duplicated(keep=False).to_numpy()
    for hashes in (same, weak, None):
        first = _core.validate_first_occurrences(codes, hashes, 2)
        # the representative of each row is an identical row, and the first one
        assert (codes[first] == codes).all()
        dup = np.zeros(len(codes), bool)
        for group in _core.validate_duplicate_groups(codes, hashes, 1):
            dup[group] = True
            assert (codes[group] == codes[group[0]]).all()
        np.testing.assert_array_equal(dup, expected)


def test_conflicting_labels_match_pandas_groupby(rng):
    n = 1000
    df = pd.DataFrame(
        {"a": rng.integers(0, 5, n), "b": rng.choice(["u", "v"], n), "y": rng.integers(0, 3, n)}
    )
    df.loc[rng.random(n) < 0.3, "y"] = 0
    groups = find_conflicting_labels(df, "y")
    nunique = df.groupby(["a", "b"])["y"].transform("nunique")
    expected = np.flatnonzero(nunique.to_numpy() > 1)
    got = np.sort(np.concatenate([rows for rows, _ in groups])) if groups else np.array([], int)
    np.testing.assert_array_equal(got, expected)
    for rows, labels in groups:
        assert sorted(labels) == sorted(df["y"].iloc[rows].unique().tolist())
        assert len(df.iloc[rows][["a", "b"]].drop_duplicates()) == 1


def test_contamination_matches_pandas_merge(rng):
    train = pd.DataFrame({"a": rng.integers(0, 10, 800), "b": rng.choice(list("pqr"), 800)})
    test = pd.DataFrame({"b": rng.choice(list("pqrs"), 300), "a": rng.integers(0, 12, 300).astype(float)})
    result = find_contamination(train, test)
    merged = test[["a", "b"]].reset_index().merge(
        train.assign(a=train["a"].astype(float)).drop_duplicates(), on=["a", "b"], how="inner"
    )
    np.testing.assert_array_equal(result.test_rows, np.sort(merged["index"].unique()))
    for t, r in zip(result.test_rows, result.train_rows):
        assert float(train["a"].iloc[r]) == test["a"].iloc[t] and train["b"].iloc[r] == test["b"].iloc[t]
        first = np.flatnonzero((train["a"].to_numpy() == test["a"].iloc[t]) & (train["b"].to_numpy() == test["b"].iloc[t]))[0]
        assert r == first
    assert result.fraction == len(result.test_rows) / 300


# --------------------------------------------------------------------------- columns


def test_near_constant_matches_value_counts(rng):
    n = 1000
    df = pd.DataFrame(
        {
            "almost": np.where(rng.random(n) < 0.97, 1.0, rng.normal(size=n)),
            "missing": np.where(rng.random(n) < 0.96, np.nan, 2.0),
            "spread": rng.integers(0, 10, n),
            "text": rng.choice(["k", "l"], n, p=[0.99, 0.01]),
        }
    )
    result = find_near_constant(df, 0.95)
    for name in df.columns:
        counts = df[name].value_counts(dropna=False)
        share = counts.iloc[0] / n
        assert result.loc[name, "top_share"] == pytest.approx(share)
        assert result.loc[name, "top_count"] == counts.iloc[0]
        assert result.loc[name, "n_distinct"] == df[name].nunique(dropna=False)
        assert bool(result.loc[name, "near_constant"]) == (share >= 0.95)
    assert result["near_constant"].tolist() == [True, True, False, True]
    assert np.isnan(result.loc["missing", "top_value"])


def test_mixed_types():
    df = pd.DataFrame(
        {"m": [1, "a", 2.5, None, "b"], "ok": ["x", "y", None, "z", "w"], "num": [1.0, 2, 3, 4, 5]}
    )
    assert find_mixed_types(df) == {"m": {"str": 2, "float": 1, "int": 1}}


@pytest.mark.parametrize("method", ["robust_z", "iqr"])
def test_outliers_match_numpy(rng, method):
    n = 5001
    x = rng.standard_t(3, size=(n, 3))
    x[rng.integers(0, n, 20), 1] = np.nan
    df = pd.DataFrame(x, columns=["a", "b", "c"])
    df["label"] = rng.choice(["u", "v"], n)
    result = find_outliers(df, method)
    assert list(result.summary.index) == ["a", "b", "c"]
    for j, name in enumerate(["a", "b", "c"]):
        column = x[:, j]
        finite = column[np.isfinite(column)]
        if method == "robust_z":
            median = np.median(finite)
            scale = 1.4826 * np.median(np.abs(finite - median))
            expected = np.flatnonzero(np.isfinite(column) & (np.abs(column - median) / scale > 3.5))
            assert result.summary.loc[name, "center"] == median
            assert result.summary.loc[name, "scale"] == pytest.approx(scale, rel=1e-14)
        else:
            q1, q3 = np.quantile(finite, [0.25, 0.75])
            iqr = q3 - q1
            lower, upper = q1 - 1.5 * iqr, q3 + 1.5 * iqr
            expected = np.flatnonzero(np.isfinite(column) & ((column < lower) | (column > upper)))
            assert result.summary.loc[name, "lower"] == pytest.approx(lower, rel=1e-14)
            assert result.summary.loc[name, "upper"] == pytest.approx(upper, rel=1e-14)
        np.testing.assert_array_equal(result.rows[name], expected)
        assert result.summary.loc[name, "n_outliers"] == len(expected)
        assert result.summary.loc[name, "n_values"] == len(finite)
        assert result.summary.loc[name, "examples"] == tuple(expected[:5].tolist())
        assert len(expected) > 0


def test_leakage_finds_copied_label_not_id(rng):
    n = 1000
    y = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    df = pd.DataFrame(
        {
            "id": [f"row-{i}" for i in range(n)],
            "int_id": rng.permutation(n),
            "copy": pd.Series(y).map({"a": 10.0, "b": 20.0, "c": 30.0}),
            "encoded": pd.Series(y).map({"a": "A", "b": "B", "c": "C"}),
            "weak": rng.normal(size=n) + (y == "a"),
            "y": y,
        }
    )
    result = find_leakage(df, "y")
    assert result["flagged"].to_dict() == {
        "id": False, "int_id": False, "copy": True, "encoded": True, "weak": False
    }
    assert result.loc["copy", "balanced_accuracy"] == 1.0
    assert result.loc["id", "balanced_accuracy"] == pytest.approx(1 / 3)
    # the numeric rule is 1-nearest-neighbour with folds i % 5: scikit-learn's KNN agrees
    # on a column without ties
    predicted = np.empty(n, dtype=object)
    folds = np.arange(n) % 5
    x = df[["weak"]].to_numpy()
    for fold in range(5):
        train, test = folds != fold, folds == fold
        model = KNeighborsClassifier(n_neighbors=1).fit(x[train], y[train])
        predicted[test] = model.predict(x[test])
    assert result.loc["weak", "balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y, predicted.astype(str)), abs=1e-12
    )
    assert result.loc["weak", "accuracy"] == pytest.approx(np.mean(predicted == y), abs=1e-12)


def test_leakage_categorical_rule_matches_pandas(rng):
    n = 500
    df = pd.DataFrame({"g": rng.integers(0, 8, n), "y": rng.integers(0, 2, n)})
    df["g"] = df["g"].astype(str)
    folds = np.arange(n) % 5
    predicted = np.empty(n, dtype=int)
    for fold in range(5):
        train = df[folds != fold]
        counts = train.groupby(["g", "y"]).size().unstack(fill_value=0)
        majority = counts.idxmax(axis=1)  # ties: smallest label, as shiftguard
        fallback = train["y"].value_counts().sort_index().idxmax()
        test = df[folds == fold]
        predicted[folds == fold] = test["g"].map(majority).fillna(fallback).astype(int).to_numpy()
    result = find_leakage(df, "y")
    assert result.loc["g", "balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(df["y"], predicted), abs=1e-12
    )


def test_imbalance_summary():
    s = imbalance_summary(pd.Series([1] * 80 + [2] * 15 + [3] * 5))
    assert s.counts == {1: 80, 2: 15, 3: 5}
    assert s.proportions[3] == pytest.approx(0.05)
    assert s.imbalance_ratio == 16.0
    assert s.minority_classes == [2, 3]


# --------------------------------------------------------------------------- label issues


def synthetic(n, k, seed, noise):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), truth] += 2.0
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = (truth[flip] + rng.integers(1, k, flip.sum())) % k
    return labels, probs


CASES = [(n, k, seed, noise) for seed, (n, k, noise) in enumerate(
    [(500, 2, 0.1), (2000, 2, 0.3), (1000, 3, 0.2), (3000, 5, 0.15), (1500, 10, 0.25), (800, 4, 0.4)]
)]
if LONG:
    CASES += [(n, k, 100 + s, 0.2) for s, (n, k) in enumerate([(20000, 3), (50000, 7), (10000, 12)] * 3)]


@pytest.mark.parametrize("n,k,seed,noise", CASES)
def test_confident_joint_matches_cleanlab(n, k, seed, noise):
    labels, probs = synthetic(n, k, seed, noise)
    raw, thresholds, off = _core.validate_confident_joint(labels, probs, False)
    expected_raw, expected_off = compute_confident_joint(
        labels, probs, calibrate=False, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(raw, expected_raw)
    np.testing.assert_array_equal(off, np.asarray(expected_off))
    np.testing.assert_allclose(thresholds, [probs[labels == j, j].mean() for j in range(k)], rtol=1e-12)
    calibrated = _core.validate_confident_joint(labels, probs, True)[0]
    expected = compute_confident_joint(labels, probs)
    # the calibrated joint is rounded; cleanlab breaks equal remainders by NumPy's (unstable)
    # argsort, shiftguard by index: both keep every row total, and differ by at most one
    # count per entry where such a tie decided the rounding
    np.testing.assert_array_equal(calibrated.sum(axis=1), expected.sum(axis=1))
    assert np.abs(calibrated - expected).max() <= 1


@pytest.mark.parametrize("filter_by", FILTERS)
@pytest.mark.parametrize("n,k,seed,noise", CASES)
def test_label_issues_match_cleanlab(n, k, seed, noise, filter_by):
    labels, probs = synthetic(n, k, seed, noise)
    joint = compute_confident_joint(labels, probs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cleanlab_find_label_issues(labels, probs, filter_by=filter_by, confident_joint=joint)
        ranked = cleanlab_find_label_issues(
            labels, probs, filter_by=filter_by, confident_joint=joint,
            return_indices_ranked_by="self_confidence",
        )
    # with cleanlab's own confident joint, the masks and rankings are identical
    got = find_label_issues(labels, probs, filter_by=filter_by, confident_joint=joint)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(
        find_label_issues(labels, probs, filter_by=filter_by, confident_joint=joint,
                          return_indices_ranked_by="self_confidence"),
        ranked,
    )
    assert expected.sum() > 0
    # and on the probabilities alone, identical whenever the calibrated joints agree
    if np.array_equal(_core.validate_confident_joint(labels, probs, True)[0], joint):
        np.testing.assert_array_equal(find_label_issues(labels, probs, filter_by=filter_by), expected)


def test_label_issues_without_joint_agree_on_most_cases():
    """End to end (each side computes its own confident joint): identical masks, except
    where an exact tie in the rounding of the calibrated joint was broken differently."""
    agree = 0
    total = 0
    for seed in range(40):
        k = [2, 3, 4, 6][seed % 4]
        labels, probs = synthetic(1000 + 100 * seed, k, 1000 + seed, 0.2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = cleanlab_find_label_issues(labels, probs)
        got = find_label_issues(labels, probs)
        total += 1
        if np.array_equal(got, expected):
            agree += 1
        else:
            ours = _core.validate_confident_joint(labels, probs, True)[0]
            assert not np.array_equal(ours, compute_confident_joint(labels, probs))
    assert agree >= 0.75 * total


def test_label_issues_min_examples_per_class():
    labels, probs = synthetic(600, 3, 77, 0.3)
    joint = compute_confident_joint(labels, probs)
    for minimum in (0, 5, 150):
        expected = cleanlab_find_label_issues(labels, probs, min_examples_per_class=minimum, confident_joint=joint)
        got = find_label_issues(labels, probs, min_examples_per_class=minimum, confident_joint=joint)
        np.testing.assert_array_equal(got, expected)


def test_label_issues_string_labels_and_classes():
    labels, probs = synthetic(400, 3, 5, 0.2)
    names = np.array(["ant", "bee", "cat"])[labels]
    np.testing.assert_array_equal(find_label_issues(names, probs), find_label_issues(labels, probs))
    reordered = probs[:, [2, 0, 1]]
    np.testing.assert_array_equal(
        find_label_issues(names, reordered, classes=["cat", "ant", "bee"]),
        find_label_issues(labels, probs),
    )


def test_label_issues_threads_do_not_matter():
    labels, probs = synthetic(3000, 6, 9, 0.2)
    one = find_label_issues(labels, probs, filter_by="both", n_threads=1)
    two = find_label_issues(labels, probs, filter_by="both", n_threads=2)
    np.testing.assert_array_equal(one, two)


# --------------------------------------------------------------------------- report


def test_check_integrity_report(rng):
    n = 300
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "const": np.ones(n),
            "mixed": pd.Series([1, "a"] * (n // 2), dtype=object),
            "y": rng.integers(0, 2, n),
        }
    )
    df["leak"] = df["y"] * 5
    df.loc[10, "x"] = 100.0
    df.loc[20] = df.loc[21]
    labels, probs = synthetic(n, 2, 3, 0.2)
    df["y"] = labels
    df["leak"] = labels * 5
    df.loc[20] = df.loc[21]
    test = df.iloc[[0, 1]].copy()
    report = check_integrity(df, label="y", test=test, pred_probs=probs)
    assert isinstance(report, ValidationReport)
    kinds = {a.kind for a in report}
    assert {"duplicate_rows", "near_constant", "mixed_types", "outliers", "leakage",
            "contamination", "class_imbalance", "label_issues"} <= kinds
    by_kind = {a.kind: a for a in report}
    assert by_kind["leakage"].column == "leak"
    assert by_kind["near_constant"].column == "const"
    assert by_kind["duplicate_rows"].rows == (20, 21)
    assert by_kind["contamination"].rows == (0, 1)
    outlier = [a for a in report if a.kind == "outliers" and a.column == "x"][0]
    assert 10 in outlier.rows
    assert not report.ok


# --------------------------------------------------------------------------- bad input


def test_bad_inputs():
    df = pd.DataFrame({"a": [1, 2, 3], "y": [0, 1, 0]})
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        find_duplicates([[1, 2]])
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicated column names: a"):
        find_duplicates(dup)
    with pytest.raises(ValueError, match="label column 'z' is not in the DataFrame"):
        find_conflicting_labels(df, "z")
    with pytest.raises(ValueError, match="threshold must be in \\(0, 1.0\\], got 1.5"):
        find_near_constant(df, 1.5)
    with pytest.raises(ValueError, match="zero rows"):
        find_near_constant(df.iloc[:0])
    with pytest.raises(ValueError, match="method must be 'robust_z' or 'iqr'"):
        find_outliers(df, "zscore")
    with pytest.raises(ValueError, match="no numeric column"):
        find_outliers(pd.DataFrame({"s": ["a", "b"]}))
    with pytest.raises(ValueError, match="at least n_folds = 5 rows, got 3"):
        find_leakage(df, "y")
    with pytest.raises(ValueError, match="missing values"):
        find_leakage(pd.DataFrame({"a": range(10), "y": [0, 1] * 4 + [None, 1]}), "y")
    with pytest.raises(ValueError, match="test must have the columns of train"):
        find_contamination(df, df.rename(columns={"a": "b"}))
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="filter_by must be one of"):
        find_label_issues([0, 1, 0], probs, filter_by="nope")
    with pytest.raises(ValueError, match="labels must be in \\[0, 2\\)"):
        find_label_issues([0, 1, 2], probs)
    with pytest.raises(ValueError, match="labels has 2 entries but pred_probs has 3 rows"):
        find_label_issues([0, 1], probs)
    with pytest.raises(ValueError, match="pred_probs must hold probabilities in \\[0, 1\\], got 1.5"):
        find_label_issues([0, 1, 0], probs + np.array([[0, 0], [0, 0], [0.9, 0]]))
    with pytest.raises(ValueError, match="3 distinct classes but pred_probs has 2 columns"):
        find_label_issues(["a", "b", "c"], probs)
    with pytest.raises(ValueError, match="return_indices_ranked_by must be None or 'self_confidence'"):
        find_label_issues([0, 1, 0], probs, return_indices_ranked_by="normalized_margin")
    with pytest.raises(TypeError, match="pred_probs must hold numbers"):
        find_label_issues([0, 1, 0], np.array([["a", "b"]] * 3))
    with pytest.raises(TypeError, match="complex"):
        find_duplicates(pd.DataFrame({"z": np.array([1 + 2j, 3j])}))
    with pytest.raises(ValueError, match="labels is empty"):
        imbalance_summary([])
    with pytest.raises(ValueError, match="n_threads"):
        find_duplicates(df, n_threads=0)


def test_all_nan_and_zero_rows():
    nan = pd.DataFrame({"a": [np.nan] * 4, "b": [1.0, 2.0, 3.0, 4.0]})
    assert find_near_constant(nan).loc["a", "top_share"] == 1.0
    result = find_outliers(nan)
    assert result.summary.loc["a", "n_values"] == 0
    assert result.summary.loc["a", "n_outliers"] == 0
    assert [g.tolist() for g in find_duplicates(pd.DataFrame({"a": [np.nan, np.nan]})).groups] == [[0, 1]]
    empty = pd.DataFrame({"a": pd.Series([], dtype=float)})
    assert find_duplicates(empty).groups == []
    with pytest.raises(ValueError, match="zero rows"):
        check_integrity(empty)
