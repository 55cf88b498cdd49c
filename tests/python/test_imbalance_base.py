"""The sampler foundation (shiftguard.imbalance._base): sampling_strategy resolved as
imbalanced-learn 0.14's check_sampling_strategy (the oracle) for every form of strategy and
label type, the same situations rejected, and X / y given back in the types they came in."""

from collections import OrderedDict

import numpy as np
import pandas as pd
import pytest
from imblearn.utils import check_sampling_strategy
from shiftguard.imbalance import BaseSampler
from shiftguard.imbalance._base import neighbors_within_class


class _KeepFirstHalf(BaseSampler):
    """Test double: keeps the first half of each class (a selection sampler)."""

    _sampling_type = "under-sampling"

    def __init__(self, sampling_strategy="auto", sampling_type="under-sampling"):
        self.sampling_strategy = sampling_strategy
        self.sampling_type = sampling_type

    def _check_params(self):
        self._sampling_type = self.sampling_type

    def _fit_resample(self, problem):
        keep = np.concatenate(
            [np.flatnonzero(problem.y == c)[: max(1, problem.class_counts[c] // 2)]
             for c in range(len(problem.classes))]
        )
        return None, None, np.sort(keep)


LABELS = {
    "ints": np.array([0] * 10 + [1] * 20 + [2] * 30),
    "tied": np.array([1] * 10 + [0] * 10 + [2] * 5 + [3] * 5),
    "strings": np.array(["eel"] * 7 + ["cat"] * 20 + ["dog"] * 12),
    "binary": np.array([5] * 4 + [9] * 13),
    "bools": np.array([True] * 6 + [False] * 19),
    "floats": np.array([0.0] * 8 + [1.0] * 15),
}
STRATEGIES = ["auto", "minority", "majority", "not minority", "not majority", "all", "foo",
              0.5, 0.75, 1.0, 0.0, 1.5]
TYPES = ["over-sampling", "under-sampling", "clean-sampling"]


def _imblearn(strategy, y, sampling_type):
    try:
        return check_sampling_strategy(strategy, y, sampling_type)
    except ValueError:
        return ValueError


@pytest.mark.parametrize("sampling_type", TYPES)
@pytest.mark.parametrize("labels", list(LABELS))
def test_named_and_float_strategies_match_imblearn(labels, sampling_type):
    y = LABELS[labels]
    X = np.arange(2.0 * len(y)).reshape(-1, 2)
    for strategy in STRATEGIES:
        expected = _imblearn(strategy, y, sampling_type)
        sampler = _KeepFirstHalf(strategy, sampling_type)
        if expected is ValueError:
            with pytest.raises(ValueError):
                sampler.fit_resample(X, y)
            continue
        sampler.fit_resample(X, y)
        assert isinstance(sampler.sampling_strategy_, OrderedDict)
        assert list(sampler.sampling_strategy_.items()) == list(expected.items()), strategy


@pytest.mark.parametrize(
    ("strategy", "sampling_type"),
    [({"cat": 25}, "over-sampling"), ({"cat": 5, "dog": 12}, "under-sampling"),
     ({"eel": 7}, "over-sampling"), (["dog", "eel"], "clean-sampling"),
     (lambda y: {"eel": 9}, "over-sampling")],
)
def test_dict_list_and_callable_strategies_match_imblearn(strategy, sampling_type):
    y = LABELS["strings"]
    X = np.zeros((len(y), 3))
    sampler = _KeepFirstHalf(strategy, sampling_type).fit(X, y)
    expected = check_sampling_strategy(strategy, y, sampling_type)
    assert list(sampler.sampling_strategy_.items()) == list(expected.items())


@pytest.mark.parametrize(
    ("strategy", "sampling_type", "error", "fragment"),
    [
        ({"cat": 5}, "over-sampling", ValueError, "over-sampling needs a target >= the class size"),
        ({"cat": 50}, "under-sampling", ValueError, "target <= the class size"),
        ({"cat": -1}, "under-sampling", ValueError, "negative number of samples"),
        ({"wolf": 3}, "under-sampling", ValueError, "not present in y"),
        (["wolf"], "clean-sampling", ValueError, "not present in y"),
        ({"cat": 3}, "clean-sampling", ValueError, "list of the classes"),
        (["cat"], "under-sampling", ValueError, "only for cleaning samplers"),
        (0.5, "under-sampling", ValueError, "only for binary targets"),
        ("minority", "under-sampling", ValueError, "'minority' cannot be used"),
        ("majority", "over-sampling", ValueError, "'majority' cannot be used"),
        ("foo", "over-sampling", ValueError, "got 'foo'"),
        ({"cat": 2.5}, "under-sampling", TypeError, "must be an int number of samples"),
        (True, "under-sampling", TypeError, "got bool"),
        (object(), "under-sampling", TypeError, "sampling_strategy must be"),
    ],
)
def test_bad_strategies(strategy, sampling_type, error, fragment):
    y = LABELS["strings"]
    X = np.zeros((len(y), 2))
    if error is ValueError and not isinstance(strategy, float):
        with pytest.raises(ValueError):  # imbalanced-learn rejects the same situations
            check_sampling_strategy(strategy, y, sampling_type)
    with pytest.raises(error, match=fragment):
        _KeepFirstHalf(strategy, sampling_type).fit_resample(X, y)


def test_types_come_back_as_they_came_in():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)).astype(np.float32)
    y = np.array([3] * 10 + [7] * 20, dtype=np.int32)
    sampler = _KeepFirstHalf()
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).astype({"c": np.float64})
    series = pd.Series(np.where(y == 3, "rare", "common"), name="label", index=np.arange(30) + 100)
    X_res, y_res = sampler.fit_resample(frame, series)
    assert list(X_res.columns) == ["a", "b", "c"] and X_res["c"].dtype == np.float64
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert list(sampler.feature_names_in_) == ["a", "b", "c"]
    assert list(sampler.get_feature_names_out()) == ["a", "b", "c"]
    assert list(y_res) == list(series.to_numpy()[sampler.sample_indices_])
    X_res, y_res = sampler.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list)
    one_hot = np.eye(2, dtype=np.int64)[(y == 7).astype(int)]
    X_res, y_res = sampler.fit_resample(X, one_hot)
    assert y_res.shape == (len(sampler.sample_indices_), 2)
    np.testing.assert_array_equal(y_res, one_hot[sampler.sample_indices_])


@pytest.mark.parametrize(
    ("X", "y", "error", "fragment"),
    [
        (np.zeros((10, 2)), np.zeros(10), ValueError, "at least 2 classes"),
        (np.zeros((10, 2)), np.linspace(0, 1, 10), ValueError, "Unknown label type"),
        (np.zeros((10, 2)), np.array([0, 1] * 4 + [np.nan, 1]), ValueError, "NaN"),
        (np.zeros((10, 2)), np.array([0, "a"] * 5, dtype=object), ValueError, "mixes"),
        (np.zeros((10, 2)), np.random.default_rng(0).integers(0, 2, (10, 3)), ValueError,
         "multilabel"),
        (np.zeros((10, 2)), np.array([0, 1] * 4), ValueError, "X has 10 rows but y has 8"),
        (np.array([[np.nan, 0.0]] + [[0.0, 0.0]] * 9), np.array([0, 1] * 5), ValueError,
         "X contains NaN at row 0, column 0"),
        (np.array([["a", "b"]] * 10), np.array([0, 1] * 5), TypeError, "X must hold numbers"),
    ],
)
def test_bad_input(X, y, error, fragment):
    with pytest.raises(error, match=fragment):
        _KeepFirstHalf().fit_resample(X, y)


def test_sparse_input_is_refused_with_a_clear_message():
    import scipy.sparse as sparse
    with pytest.raises(TypeError, match="sparse matrix"):
        _KeepFirstHalf().fit_resample(sparse.csr_matrix(np.eye(4)), [0, 1, 0, 1])


def test_neighbors_within_class_names_the_class_or_shrinks():
    assert neighbors_within_class(6, 5, "'cat'") == 5
    with pytest.raises(ValueError, match="class 'cat' has 4 samples, fewer than k_neighbors \\+ 1 = 6"):
        neighbors_within_class(4, 5, "'cat'")
    assert neighbors_within_class(4, 5, "'cat'", shrink=True) == 3
    with pytest.raises(ValueError, match="class 'dog' has 1 sample, fewer than n_neighbors"):
        neighbors_within_class(1, 3, "'dog'", shrink=True, parameter="n_neighbors")
    with pytest.raises(ValueError, match="k_neighbors must be an int >= 1"):
        neighbors_within_class(10, 0, "'cat'")
